package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.testing.EmbeddedSftpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** One dirsync per remote replica: the lease file beside the replica's root, on a real SFTP server. */
class RemoteLockTest {

    private static final Duration LEASE = Duration.ofSeconds(60);

    @RegisterExtension
    static final EmbeddedSftpServer SERVER = new EmbeddedSftpServer();

    @TempDir
    Path temp;

    private String root() {
        return temp.resolve("replica").toString();
    }

    private Path lockFile() {
        return temp.resolve(".replica.dirsync.lock");
    }

    @Test
    void theLockLivesBesideTheReplicaAndNamesItsOwner() throws Exception {
        try (RemoteLock lock = RemoteLock.acquire(SERVER.newClient(), root(), "host-a pid 42", LEASE)) {
            assertThat(lock.path()).isEqualTo(lockFile().toString());
            assertThat(Files.readString(lockFile())).contains("owner host-a pid 42");
        }
        assertThat(lockFile()).as("released").doesNotExist();
    }

    @Test
    void aFreeLockIsTakenWithoutAskingTheServersClock() throws Exception {
        try (RemoteLock lock = RemoteLock.acquire(SERVER.newClient(), root(), "host-a pid 42", LEASE)) {
            assertThat(Files.readString(lockFile())).contains("owner host-a pid 42");
            // The candidate's time (the server's clock) is read only to judge the age of a lock in the way.
            assertThat(SERVER.requests(SftpConstants.SSH_FXP_LSTAT)).isZero();
            assertThat(SERVER.requests(SftpConstants.SSH_FXP_RENAME)).isOne();
        }
    }

    @Test
    void theLockIsReadBackInOneReadAtItsTakingAndItsRelease() throws Exception {
        RemoteLock.acquire(SERVER.newClient(), root(), "host-a pid 42", LEASE).close();

        assertThat(lockFile()).as("released").doesNotExist();
        // Each read of the lock: an OPEN, one READ (a short one is the end of the file) and a CLOSE.
        assertThat(SERVER.requests(SftpConstants.SSH_FXP_READ)).isEqualTo(2);
    }

    @Test
    void aSecondRunIsRefusedWhileTheLeaseIsFreshAndToldWhoHoldsIt() throws Exception {
        try (RemoteLock first = RemoteLock.acquire(SERVER.newClient(), root(), "host-a pid 42", LEASE)) {
            SftpClient other = SERVER.newClient();

            assertThatThrownBy(() -> RemoteLock.acquire(other, root(), "host-b pid 7", LEASE))
                    .isInstanceOf(RemoteLock.HeldElsewhereException.class)
                    .hasMessageContaining("another dirsync is using this replica (host-a pid 42");
            assertThat(Files.readString(lockFile())).contains("host-a pid 42");
        }
    }

    @Test
    void aLockLeftByARunThatDiedIsTakenOverOnceItsLeaseRanOut() throws Exception {
        RemoteLock.acquire(SERVER.newClient(), root(), "killed run", LEASE); // never released: killed
        Files.setLastModifiedTime(lockFile(), FileTime.from(Instant.now().minus(LEASE).minusSeconds(5)));

        try (RemoteLock next = RemoteLock.acquire(SERVER.newClient(), root(), "next run", LEASE)) {
            assertThat(Files.readString(lockFile())).contains("owner next run");
        }
    }

    @Test
    void aFreshLockWhoseHolderIsKnownToBeGoneIsTakenOverAtOnce() throws Exception {
        RemoteLock.acquire(SERVER.newClient(), root(), "host me pid 999999", LEASE); // killed a moment ago

        try (RemoteLock next = RemoteLock.acquire(SERVER.newClient(), root(), "host me pid 1", LEASE,
                holder -> holder.equals("host me pid 999999"))) {
            assertThat(Files.readString(lockFile())).contains("owner host me pid 1");
        }
    }

    @Test
    void aReleaseAfterTheLocksConnectionWasLostGoesOverTheCurrentOne() throws Exception {
        SftpClient first = SERVER.newClient();
        RemoteLock lock = RemoteLock.acquire(first, root(), "me", LEASE);
        first.close(); // the connection the lock was written with is gone; the run has made another

        lock.release(java.util.Optional.of(SERVER.newClient()));

        assertThat(lockFile()).as("released").doesNotExist();
    }

    @Test
    void renewingMovesTheLeaseOn() throws Exception {
        SftpClient client = SERVER.newClient();
        try (RemoteLock lock = RemoteLock.acquire(client, root(), "me", LEASE)) {
            Files.setLastModifiedTime(lockFile(), FileTime.from(Instant.now().minusSeconds(50)));

            lock.renew(client);

            assertThat(Files.getLastModifiedTime(lockFile()).toInstant()).isAfter(Instant.now().minusSeconds(5));
        }
    }

    /** Never rewritten in place, where a reader (or a crash) could find it empty: written aside, renamed over. */
    @Test
    void aRenewalReplacesTheLockInOneStepAndLeavesNothingAside() throws Exception {
        SftpClient client = SERVER.newClient();
        try (RemoteLock lock = RemoteLock.acquire(client, root(), "me", LEASE)) {
            String before = Files.readString(lockFile());
            Object inodeBefore = Files.getAttribute(lockFile(), "unix:ino");

            lock.renew(client);

            assertThat(Files.getAttribute(lockFile(), "unix:ino")).as("another file, renamed over the lock")
                    .isNotEqualTo(inodeBefore);
            assertThat(Files.readString(lockFile())).isEqualTo(before);
            try (var names = Files.list(temp)) {
                assertThat(names.map(p -> p.getFileName().toString())).containsExactly(".replica.dirsync.lock");
            }
        }
    }

    @Test
    void aRunWhoseLockWasTakenOverLearnsItAtItsNextRenewal() throws Exception {
        SftpClient client = SERVER.newClient();
        RemoteLock cutOff = RemoteLock.acquire(client, root(), "cut off", LEASE);
        Files.setLastModifiedTime(lockFile(), FileTime.from(Instant.now().minus(LEASE).minusSeconds(5)));
        try (RemoteLock taker = RemoteLock.acquire(SERVER.newClient(), root(), "taker", LEASE)) {

            assertThatThrownBy(() -> cutOff.renew(client)).isInstanceOf(RemoteLock.HeldElsewhereException.class)
                    .hasMessageContaining("taken over");
            cutOff.close();
            assertThat(Files.readString(lockFile())).as("closing a lost lock leaves the taker's").contains("taker");
        }
    }

    @Test
    void leavesNoTemporaryFileBehind() throws Exception {
        try (RemoteLock lock = RemoteLock.acquire(SERVER.newClient(), root(), "me", LEASE)) {
            try (var names = Files.list(temp)) {
                assertThat(names.map(p -> p.getFileName().toString())).containsExactly(".replica.dirsync.lock");
            }
        }
    }

    /** /proc has the parent it needs and yet refuses the directory ("no such file"): a refusal, said once. */
    @Test
    void aLockWhoseDirectoryTheServerRefusesIsAReplicaNotCreatedNamingTheDirectory() {
        String underProc = "/proc/dirsync-test-" + ProcessHandle.current().pid();

        assertThatThrownBy(() -> RemoteLock.acquire(SERVER.newClient(), underProc + "/replica", "me", LEASE))
                .isInstanceOf(ReplicaNotCreatedException.class)
                .hasMessageEndingWith(" (creating directory " + underProc + ")");
        assertThat(Path.of(underProc)).doesNotExist();
    }

    @Test
    void theServersRootCannotBeAReplica() {
        assertThatThrownBy(() -> RemoteLock.lockPathOf("/")).hasMessageContaining("root directory");
        assertThat(catchPath("/srv/mirror/")).isEqualTo("/srv/.mirror.dirsync.lock");
    }

    private static String catchPath(String root) {
        try {
            return RemoteLock.lockPathOf(root);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
