package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The AWS SDK is not in the shaded jar (it cost every start-up): its jars lie in {@code s3/} beside the jar, in
 * {@code target/} and in the distribution's {@code lib/}, and no manifest Class-Path names them (with one, every
 * start opened all of them at the first class lookup that missed). Checked here: no Class-Path, the jars there are
 * the SDK's with the url-connection HTTP client only, the distribution ships the same, and a JVM given the jar and
 * them builds an S3 client.
 */
class ObjectStoreClassPathIT {

    /** The jars in {@code s3/} beside the built jar, as {@code s3/NAME.jar}, sorted. */
    private static List<String> sdkJars() throws IOException {
        try (Stream<Path> jars = Files.list(DirsyncJar.jarFile().getParent().resolve("s3"))) {
            return jars.map(jar -> "s3/" + jar.getFileName()).sorted().toList();
        }
    }

    @Test
    void theJarNamesNoClassPathAndTheSdkJarsLieBesideIt() throws IOException {
        try (JarFile jar = new JarFile(DirsyncJar.jarFile().toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Class-Path")).as("the jar's Class-Path")
                    .isNull();
        }
        assertThat(sdkJars()).contains("s3/s3.jar", "s3/url-connection-client.jar")
                .noneMatch(jar -> jar.contains("netty") || jar.contains("apache"));
    }

    @Test
    void theDistributionShipsThemInLibS3() throws Exception {
        Process tar = new ProcessBuilder("tar", "-tzf", UnpackedDist.archive().toString()).redirectErrorStream(true)
                .start();
        String listing;
        try (InputStream out = tar.getInputStream()) {
            listing = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> shipped = listing.lines().filter(line -> line.contains("/lib/s3/") && line.endsWith(".jar"))
                .map(line -> line.substring(line.indexOf("/lib/") + "/lib/".length())).sorted().toList();

        assertThat(shipped).isEqualTo(sdkJars());
    }

    @Test
    void aJvmGivenTheJarAndTheSdkJarsBuildsAnS3Client() throws Exception {
        Path testClasses = Path.of(S3ClientProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process probe = new ProcessBuilder(DirsyncJar.java(), "-cp",
                DirsyncJar.jarFile() + ":" + DirsyncJar.jarFile().getParent().resolve("s3") + "/*:" + testClasses,
                S3ClientProbe.class.getName()).redirectErrorStream(true)
                .start();
        String output;
        try (InputStream out = probe.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(probe.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(probe.exitValue()).as(output).isZero();
        assertThat(output).contains("built s3");
    }
}
