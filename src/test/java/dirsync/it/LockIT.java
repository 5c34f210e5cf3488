package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.JarProcess;
import dirsync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One dirsync per replica, held by an OS lock that dies with its process, kill -9 included. */
class LockIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private JarRuns runs;
    private Path source;
    private Path replica;

    @BeforeEach
    void setUp() {
        runs = new JarRuns(tmp.resolve("output"));
        source = Trees.at(tmp.resolve("source")).file("a.txt", "alpha").root();
        replica = tmp.resolve("replica");
    }

    @AfterEach
    void killLeftovers() {
        runs.close();
    }

    @Test
    void aSecondInstanceIsRefusedWhileTheFirstRunsAndAllowedOnceItIsKilled() throws Exception {
        Path firstLog = tmp.resolve("first.log");
        JarRuns.Running first = runs.start("first",
                JarProcess.command(source.toString(), replica.toString(), "1", firstLog.toString()));
        JarRuns.await(TIMEOUT, "the first pass", () -> JarRuns.readString(firstLog).contains("pass 1 finished"),
                first::describe);

        Path secondLog = tmp.resolve("second.log");
        JarRuns.Finished second = runs.run("second", TIMEOUT,
                JarProcess.command("--once", source.toString(), tmp.resolve("replica/.").toString(), "1",
                        secondLog.toString()));

        assertThat(second.exitCode()).as(second.describe()).isEqualTo(3);
        assertThat(second.stderr().lines().toList()).as(second.describe()).singleElement().asString()
                .startsWith("dirsync: another dirsync is already running on replica '" + replica.toRealPath() + "'")
                .contains("as process " + first.process().pid());
        assertThat(secondLog).as("a refused instance touches nothing").doesNotExist();

        first.process().destroyForcibly(); // SIGKILL: no shutdown code runs, only the kernel releases the lock
        assertThat(first.awaitExit(TIMEOUT).exitCode()).isEqualTo(137);

        JarRuns.Finished third = runs.run("third", TIMEOUT,
                JarProcess.command("--once", source.toString(), replica.toString(), "1", secondLog.toString()));

        assertThat(third.exitCode()).as(third.describe()).isZero();
        assertThat(Files.readString(secondLog)).contains("pass 1 finished");
    }

    @Test
    void instancesOnDifferentReplicasRunSideBySide() throws Exception {
        Path firstLog = tmp.resolve("first.log");
        JarRuns.Running first = runs.start("first",
                JarProcess.command(source.toString(), replica.toString(), "1", firstLog.toString()));
        JarRuns.await(TIMEOUT, "the first pass", () -> JarRuns.readString(firstLog).contains("pass 1 finished"),
                first::describe);

        JarRuns.Finished other = runs.run("other", TIMEOUT, JarProcess.command("--once", source.toString(),
                tmp.resolve("other-replica").toString(), "1", tmp.resolve("other.log").toString()));

        assertThat(other.exitCode()).as(other.describe()).isZero();
    }
}
