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
 * The AWS SDK is not in the shaded jar (it cost every start-up): its jars lie in {@code s3/} beside the jar, named by
 * the jar's manifest Class-Path, in {@code target/} and in the distribution's {@code lib/}. Checked here: the
 * Class-Path names exactly the jars there, the distribution ships them, and a JVM given only the jar builds an S3
 * client with the url-connection HTTP client.
 */
class ObjectStoreClassPathIT {

    private static List<String> classPath() throws IOException {
        try (JarFile jar = new JarFile(DirsyncJar.jarFile().toFile())) {
            String entries = jar.getManifest().getMainAttributes().getValue("Class-Path");
            assertThat(entries).as("the jar's Class-Path").isNotNull();
            return Arrays.stream(entries.trim().split("\\s+")).sorted().toList();
        }
    }

    @Test
    void theManifestNamesExactlyTheSdkJarsBesideTheJar() throws IOException {
        Path s3 = DirsyncJar.jarFile().getParent().resolve("s3");
        List<String> present;
        try (Stream<Path> jars = Files.list(s3)) {
            present = jars.map(jar -> "s3/" + jar.getFileName()).sorted().toList();
        }

        assertThat(classPath()).isEqualTo(present).contains("s3/s3.jar", "s3/url-connection-client.jar")
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

        assertThat(shipped).isEqualTo(classPath());
    }

    @Test
    void aJvmGivenOnlyTheJarBuildsAnS3Client() throws Exception {
        Path testClasses = Path.of(S3ClientProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process probe = new ProcessBuilder(DirsyncJar.java(), "-cp",
                DirsyncJar.jarFile() + ":" + testClasses, S3ClientProbe.class.getName()).redirectErrorStream(true)
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
