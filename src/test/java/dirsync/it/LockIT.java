package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One dirsync per replica, held by an OS lock that dies with its process, kill -9 included. */
class LockIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @BeforeEach
    void setUp() {
        Trees.at(jar.source()).file("a.txt", "alpha");
    }

    @Test
    void aSecondInstanceIsRefusedWhileTheFirstRunsAndAllowedOnceItIsKilled() throws Exception {
        JarRuns.Running first = startFirst();

        Path secondLog = jar.tmp().resolve("second.log");
        JarRuns.Finished second = jar.run("second", TIMEOUT,
                jar.sync(jar.source(), jar.tmp().resolve("replica/."), "1", secondLog, "--once"));

        assertThat(second.exitCode()).as(second.describe()).isEqualTo(3);
        assertThat(second.stderr().lines().toList()).as(second.describe()).singleElement().asString()
                .startsWith("dirsync: another dirsync is already running on replica '" + jar.replica().toRealPath()
                        + "'")
                .contains("as process " + first.process().pid());
        assertThat(secondLog).as("a refused instance touches nothing").doesNotExist();

        first.process().destroyForcibly(); // SIGKILL: no shutdown code runs, only the kernel releases the lock
        assertThat(first.awaitExit(TIMEOUT).exitCode()).isEqualTo(137);

        JarRuns.Finished third = jar.run("third", TIMEOUT,
                jar.sync(jar.source(), jar.replica(), "1", secondLog, "--once"));

        assertThat(third.exitCode()).as(third.describe()).isZero();
        assertThat(Files.readString(secondLog)).contains("pass 1 finished");
    }

    @Test
    void instancesOnDifferentReplicasRunSideBySide() throws Exception {
        startFirst();

        JarRuns.Finished other = jar.run("other", TIMEOUT,
                jar.sync(jar.source(), jar.tmp().resolve("other-replica"), "1", jar.tmp().resolve("other.log"),
                        "--once"));

        assertThat(other.exitCode()).as(other.describe()).isZero();
    }

    /** Starts dirsync in periodic mode on the replica and waits for its first pass to finish. */
    private JarRuns.Running startFirst() throws IOException {
        JarRuns.Running first = jar.start("first", jar.periodic(1));
        JarRuns.await(TIMEOUT, "the first pass",
                () -> JarRuns.readString(jar.logFile()).contains("pass 1 finished"), first::describe);
        return first;
    }
}
