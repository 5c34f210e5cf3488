package dirsync.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version the build wrote into the jar. */
public final class Version {

    private Version() {
    }

    /**
     * This build's version, or "unknown" outside a build (e.g. classes compiled by an IDE). From the jar's manifest
     * (Implementation-Version), which the class loader has read already, else from the version file the build
     * wrote (classes run from a directory, as by the tests): reading a resource of the jar costs a start its URL
     * and connection classes.
     */
    public static String current() {
        String inManifest = Version.class.getPackage().getImplementationVersion();
        if (inManifest != null) {
            return inManifest;
        }
        Properties properties = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/dirsync/version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown"
        }
        return properties.getProperty("version", "unknown");
    }
}
