package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/**
 * What the built jar's manifest gives {@code java -jar}, which is how the launcher runs it: the JDK's
 * {@code sun.nio.fs} opened to dirsync, so that {@code fs.local.PlatformStat} reads an entry's lstat fields from
 * the JDK's attributes object (without it every listing falls back to the slower {@code unix:} map).
 */
class JarManifestIT {

    @Test
    void theJarOpensTheJdksFileAttributesToDirsyncForJavaJar() throws IOException {
        Manifest manifest;
        try (FileSystem jar = FileSystems.newFileSystem(DirsyncJar.jarFile());
             InputStream in = Files.newInputStream(jar.getPath("META-INF/MANIFEST.MF"))) {
            manifest = new Manifest(in);
        }
        Attributes main = manifest.getMainAttributes();

        assertThat(main.getValue("Main-Class")).isEqualTo("dirsync.cli.Main");
        assertThat(main.getValue("Add-Opens")).isNotNull().contains("java.base/sun.nio.fs");
    }
}
