package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command README.md tells a newcomer to run ({@link ReadmeRunCommand}: as written, only its paths replaced)
 * is as frugal as the service: on the benchmark's {@code small} tree its peak resident memory stays within issue
 * 25's targets, 200 MB for the first copy and 150 MB for a pass that finds nothing changed.
 *
 * <p>The peak is the kernel's own, {@code VmHWM} in {@code /proc/PID/status} of the child (the JVM: {@code env}
 * and the launcher {@code exec} it, so it keeps the child's PID). It is read after the first pass's summary line is
 * in the log, while the run waits for its next pass: a periodic run ends only when it is stopped, and a read
 * followed by the child still being alive is known to be the child's. Then it is stopped with SIGTERM.
 * The launcher's class-data-sharing archive or AOT cache goes to the test's directory, not to the home of whoever
 * runs it: a directory of each test's own, empty, so that each run is a newcomer's first, the one that has none
 * yet (on JDK 25 it starts the launcher's training run beside it, which the test waits for after the stop).
 */
class ReadmeRunCommandIT {

    private static final long FIRST_COPY_LIMIT_KIB = 200_000_000L / 1024;
    private static final long NO_CHANGE_LIMIT_KIB = 150_000_000L / 1024;
    /** Bounds a hang on a loaded machine; it measures nothing. */
    private static final Duration PASS_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern PEAK = Pattern.compile("VmHWM:\\s+(\\d+) kB");

    @TempDir
    static Path treeRoot;
    private static Path source;
    private static ReadmeRunCommand readme;

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @BeforeAll
    static void generate() throws IOException {
        readme = ReadmeRunCommand.read();
        source = treeRoot.resolve("small");
        SmallBenchTree.generate(source, 42);
    }

    @Test
    void firstCopyOfTheSmallTreePeaksWithin200Megabytes() throws IOException {
        JarRuns.Running run = startReadmeCommand("first-copy");

        String pass = awaitFirstPass(run);
        long peak = peakKib(run);
        stop(run);

        assertThat(pass).as(run.describe()).contains(" copied=" + SmallBenchTree.FILES + " ", " errors=0 ");
        assertThat(peak).as("peak RSS in KiB of %s", String.join(" ", run.command()))
                .isLessThanOrEqualTo(FIRST_COPY_LIMIT_KIB);
    }

    @Test
    void passOverTheUnchangedSmallTreePeaksWithin150Megabytes() throws IOException {
        JarRuns.Finished copy = jar.run("cp", PASS_TIMEOUT,
                List.of("cp", "-a", source.toString(), jar.replica().toString()));
        assertThat(copy.exitCode()).as(copy.describe()).isZero();
        JarRuns.Running run = startReadmeCommand("no-change");

        String pass = awaitFirstPass(run);
        long peak = peakKib(run);
        stop(run);

        assertThat(pass).as(run.describe()).contains(" copied=0 ", " updated=0 ", " errors=0 ");
        assertThat(peak).as("peak RSS in KiB of %s", String.join(" ", run.command()))
                .isLessThanOrEqualTo(NO_CHANGE_LIMIT_KIB);
    }

    /** README's command on the small tree and this test's replica and log, from the clone's root. */
    private JarRuns.Running startReadmeCommand(String label) throws IOException {
        List<String> command = new ArrayList<>(List.of("env", "DIRSYNC_CACHE_DIR=" + jar.tmp().resolve("cache")));
        command.addAll(readme.on(source, jar.replica(), jar.logFile()));
        return jar.startIn(readme.root(), label, command);
    }

    /** Waits for the first pass's summary line in the log and returns it. */
    private String awaitFirstPass(JarRuns.Running run) {
        JarRuns.await(PASS_TIMEOUT, "the first pass's summary line in the log",
                () -> firstPassLine().isPresent(), run::describe);
        return firstPassLine().orElseThrow();
    }

    private Optional<String> firstPassLine() {
        return JarRuns.lines(jar.logFile()).stream().filter(line -> line.contains(" pass 1 finished: ")).findFirst();
    }

    /** The child's peak resident memory so far, in KiB; read while it is known to be alive. */
    private static long peakKib(JarRuns.Running run) throws IOException {
        List<String> status = Files.readAllLines(Path.of("/proc", String.valueOf(run.process().pid()), "status"));
        assertThat(run.process().isAlive()).as("the child is alive after its status was read\n%s", run.describe())
                .isTrue();
        Matcher peak = status.stream().map(PEAK::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("no VmHWM line in " + status));
        return Long.parseLong(peak.group(1));
    }

    private void stop(JarRuns.Running run) {
        run.process().destroy();
        run.awaitExit(STOP_TIMEOUT);
        LauncherTraining.awaitEnd(jar.tmp().resolve("cache"));
    }
}
