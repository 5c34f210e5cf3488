package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit of the archive, as systemd's own tools judge it, where they are installed. It is checked as
 * installed from the archive: a copy named as an instance (dirsync@data.service) whose {@code /opt/dirsync/} is
 * the unpacked archive's directory, so that {@code verify} finds the launcher it starts; nothing else is changed.
 */
class SystemdUnitIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern OVERALL = Pattern.compile("Overall exposure level for dirsync@data\\.service: "
            + "(\\d+\\.\\d) ");

    @TempDir
    static Path root;

    private static Path unit;

    private static JarRuns runs;

    @BeforeAll
    static void installAsAnInstance() throws IOException {
        Assumptions.assumeTrue(systemdAnalyze().isPresent(), "systemd-analyze is not installed (not on PATH)");
        UnpackedDist dist = UnpackedDist.unpack(root);
        String shipped = Files.readString(dist.home().resolve("systemd/dirsync@.service"));
        assertThat(shipped).contains("ExecStart=/opt/dirsync/bin/dirsync ");
        Path units = Files.createDirectories(root.resolve("units"));
        unit = Files.writeString(units.resolve("dirsync@data.service"),
                shipped.replace("/opt/dirsync/", dist.home() + "/"));
        runs = new JarRuns(root.resolve("output"));
    }

    @AfterAll
    static void close() {
        if (runs != null) {
            runs.close();
        }
    }

    @Test
    void systemdFindsNothingWrongWithTheUnit() throws IOException {
        JarRuns.Finished verify = runs.run("verify", TIMEOUT,
                List.of(systemdAnalyze().orElseThrow().toString(), "verify", unit.toString()));

        assertThat(verify.exitCode()).as(verify.describe()).isZero();
        assertThat(verify.stdout() + verify.stderr()).as("no warning either").isEmpty();
    }

    @Test
    void systemdRatesTheUnitsExposureAtMostFourOk() throws IOException {
        JarRuns.Finished security = runs.run("security", TIMEOUT, List.of(systemdAnalyze().orElseThrow().toString(),
                "security", "--offline=yes", "--threshold=40", unit.toString()));

        assertThat(security.exitCode()).as(security.describe()).isZero();
        Matcher overall = OVERALL.matcher(security.stdout());
        assertThat(overall.find()).as(security.describe()).isTrue();
        assertThat(Double.parseDouble(overall.group(1))).as(security.stdout()).isLessThanOrEqualTo(4.0);
    }

    /** {@code systemd-analyze} on PATH, if it is installed. */
    private static Optional<Path> systemdAnalyze() {
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "systemd-analyze"))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
