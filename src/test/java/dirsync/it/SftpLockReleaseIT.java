package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.OpenSshServer;
import dirsync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A run that ends leaves no lease on the server: a --once run that exits 0 or 1, and a periodic run stopped by
 * SIGTERM, also after its connection was made anew mid-run. Each is followed by a --once run, which must not be
 * refused (exit 3); and the lease file itself must be gone, since a run of this host would take over a lease left
 * by a process that is gone, and hide it, where a run of another host would wait out the lease.
 */
class SftpLockReleaseIT {

    private static final Duration ONE_PASS = Duration.ofSeconds(120);

    @RegisterExtension
    final JarToOpenSsh sftp = new JarToOpenSsh();
    private final DirsyncJar jar = sftp.jar();
    private final OpenSshServer sshd = sftp.server();

    /** dirsync to the server's replica with the test's key and known_hosts: --once, or periodic every second. */
    private List<String> command(boolean once) {
        return once ? sftp.once() : sftp.sync("1");
    }

    private void assertReleasedAndAnotherRunGoesOn(String after) throws Exception {
        assertThat(sftp.lease()).as("the lease after " + after).doesNotExist();
        JarRuns.Finished next = jar.run("once after " + after, ONE_PASS, command(true));
        assertThat(next.exitCode()).as(next.describe()).isZero();
        assertThat(sftp.lease()).as("the lease after the next run").doesNotExist();
    }

    @Test
    void twoOnceRunsInARowBothRunAndLeaveNoLease() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha").file("docs/b.txt", "beta");

        JarRuns.Finished first = jar.run("first", ONE_PASS, command(true));

        assertThat(first.exitCode()).as(first.describe()).isZero();
        assertReleasedAndAnotherRunGoesOn("a copy");
    }

    @Test
    void aOnceRunWithAFailedEntryExitsOneAndLeavesNoLease() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha").file("old.txt", "dated before 1970");
        Files.setLastModifiedTime(jar.source().resolve("old.txt"),
                FileTime.from(Instant.parse("1960-01-01T00:00:00Z")));

        JarRuns.Finished failed = jar.run("failed entry", ONE_PASS, command(true));

        assertThat(failed.exitCode()).as(failed.describe()).isEqualTo(1);
        assertThat(sftp.lease()).as("the lease after exit 1").doesNotExist();
        Files.setLastModifiedTime(jar.source().resolve("old.txt"), FileTime.from(Instant.now()));
        assertReleasedAndAnotherRunGoesOn("exit 1");
    }

    @Test
    void aPeriodicRunStoppedBySigtermLeavesNoLease() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha");
        JarRuns.Running periodic = jar.start("periodic", command(false));
        JarRuns.await(ONE_PASS, "two passes", () -> JarRuns.readString(jar.logFile()).contains("pass 2 finished"),
                periodic::describe);

        periodic.process().destroy();

        assertThat(periodic.awaitExit(ONE_PASS).exitCode()).as(periodic.describe()).isZero();
        assertReleasedAndAnotherRunGoesOn("SIGTERM");
    }

    @Test
    void aPeriodicRunWhoseConnectionWasMadeAnewLeavesNoLeaseAtSigterm() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha");
        JarRuns.Running periodic = jar.start("periodic", command(false));
        JarRuns.await(ONE_PASS, "the first pass", () -> JarRuns.readString(jar.logFile()).contains("pass 1 finished"),
                periodic::describe);

        sshd.endSessions();
        JarRuns.await(ONE_PASS, "a pass over a new connection", () -> passFinishedAfterReconnecting(jar.logFile()),
                periodic::describe);
        periodic.process().destroy();

        assertThat(periodic.awaitExit(ONE_PASS).exitCode()).as(periodic.describe()).isZero();
        assertReleasedAndAnotherRunGoesOn("SIGTERM after a reconnection");
    }

    private static boolean passFinishedAfterReconnecting(Path log) {
        List<String> lines = JarRuns.lines(log);
        int reconnected = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("reconnected to ")) {
                reconnected = i;
            } else if (reconnected >= 0 && lines.get(i).contains(" finished")) {
                return true;
            }
        }
        return false;
    }
}
