package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.OpenSshServer;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A remote replica the server will not let dirsync create, on a real OpenSSH server: exit code 4 with a one-line
 * reason that says what the server answered and what was being created, as for a local replica that cannot be
 * created, and nothing created on the server. The lock file beside the replica is the first thing written, so
 * it is what meets the refusal (or a directory on the way to it).
 */
class SftpReplicaNotCreatedIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @RegisterExtension
    final OpenSshServer sshd = new OpenSshServer();

    @BeforeEach
    void aSource() {
        Trees.at(jar.source()).file("a.txt", "alpha");
    }

    private JarRuns.Finished once(String replica) throws IOException {
        return jar.run("once", TIMEOUT, jar.sync(jar.source(), replica, "1", jar.logFile(), "--once",
                "--ssh-key", sshd.clientKey().toString(), "--known-hosts", sshd.knownHosts().toString()));
    }

    /** Exit 4, and the reason on one line of stderr (and in the log), nothing else. */
    private static void assertNotCreated(JarRuns.Finished run, String replica, String reason) {
        assertThat(run.exitCode()).as(run.describe()).isEqualTo(4);
        assertThat(run.stderr().lines()).as(run.describe()).singleElement().asString()
                .isEqualTo("dirsync: cannot create replica '" + replica + "': " + reason);
        assertThat(run.stderr()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void aReplicaOnAReadOnlyMountExitsFourSayingTheFileSystemIsReadOnly() throws Exception {
        Path readOnly = Files.createDirectories(jar.tmp().resolve("read-only"));
        Assumptions.assumeTrue(command("mount", "--bind", readOnly.toString(), readOnly.toString()) == 0,
                "cannot bind-mount here (no CAP_SYS_ADMIN?)");
        try {
            assertThat(command("mount", "-o", "remount,bind,ro", readOnly.toString())).isZero();
            String replica = sshd.uri(readOnly.resolve("replica"));

            JarRuns.Finished run = once(replica);

            assertNotCreated(run, replica, "Read-only file system (creating the lock file "
                    + readOnly.resolve(".replica.dirsync.lock") + ")");
            assertThat(readOnly).isEmptyDirectory();
            assertThat(JarRuns.readString(jar.logFile())).contains("ERROR cannot create replica '" + replica + "'");
        } finally {
            assertThat(command("umount", readOnly.toString())).isZero();
        }
    }

    @Test
    void aReplicaUnderADirectoryTheLoginUserCannotWriteExitsFourSayingPermissionDenied() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nologin")), "needs user nobody's shell");
        sshd.letOtherUsersLogIn();
        Files.setPosixFilePermissions(jar.tmp(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path locked = Files.createDirectories(jar.tmp().resolve("root-only"), // root's, rwxr-xr-x
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        String replica = sshd.uri("nobody", locked.resolve("deeper/replica"));
        String lockBeside = sshd.uri("nobody", locked.resolve("replica"));

        JarRuns.Finished deeper = once(replica);
        JarRuns.Finished beside = once(lockBeside);

        assertNotCreated(deeper, replica, "Permission denied (creating directory " + locked.resolve("deeper") + ")");
        assertNotCreated(beside, lockBeside, "Permission denied (creating the lock file "
                + locked.resolve(".replica.dirsync.lock") + ")");
        assertThat(locked).isEmptyDirectory();
    }

    @Test
    void aReplicaUnderProcExitsFourSayingWhatTheServerAnswered() throws Exception {
        Path underProc = Path.of("/proc/dirsync-it-" + ProcessHandle.current().pid());
        String replica = sshd.uri(underProc.resolve("replica"));

        JarRuns.Finished run = once(replica);

        assertNotCreated(run, replica, "No such file (creating directory " + underProc + ")");
        assertThat(underProc).doesNotExist();
    }

    /** Runs a command to its end; its exit code (its output goes to the test's output directory). */
    private int command(String... command) throws IOException {
        return jar.run(command[0], TIMEOUT, new ArrayList<>(List.of(command))).exitCode();
    }
}
