package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock file is removed by its holder when the run ends, and a run that locked a file whose name was taken
 * meanwhile by a newer one starts again: two runs never both hold the lock. The races are driven by hand: the
 * opening a run does is given the other runs' steps to take between its open and its lock.
 */
class ReplicaLockTest {

    private static final int NOBODY = 65534;

    @TempDir
    Path shared;

    @TempDir
    Path elsewhere;

    StateFiles files;
    Path name;

    @BeforeEach
    void setUp() {
        files = new StateFiles(shared, elsewhere.resolve("replica"));
        name = files.lockFile();
    }

    @Test
    void closingTheLockRemovesItsFile() throws Exception {
        ReplicaLock lock = files.lock();
        assertThat(name).isRegularFile();

        lock.close();

        assertThat(name).doesNotExist();
    }

    @Test
    void aLockFileLeftByARunThatWasKilledIsTakenAndThenRemoved() throws Exception {
        Files.writeString(name, "pid 1 replica file:///gone\n");
        Files.setPosixFilePermissions(name, PosixFilePermissions.fromString("rw-r--r--"));

        try (ReplicaLock lock = files.lock()) {
            assertThat(name).content().startsWith("pid " + ProcessHandle.current().pid() + " replica ");
        }

        assertThat(name).doesNotExist();
    }

    @Test
    void aRunRefusedTheLockLeavesTheHoldersFile() throws Exception {
        try (ReplicaLock holder = files.lock()) {
            assertThatThrownBy(() -> files.lock().close()).isInstanceOf(ReplicaLock.HeldElsewhereException.class);

            assertThat(name).content().startsWith("pid " + ProcessHandle.current().pid());
        }
    }

    /**
     * A holds the lock; B opens the file; A removes it and releases; C creates a new file under the name and
     * locks it; only then does B lock the file it opened, which has no name any more. B must not go on.
     */
    @Test
    void aRunThatLockedAFileWhoseNameANewerHolderTookMeanwhileIsRefused() throws Exception {
        ReplicaLock a = files.lock();
        ReplicaLock[] c = new ReplicaLock[1];
        int[] opens = {0};
        ReplicaLock.Opening b = () -> {
            FileChannel channel = FileChannel.open(name, StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (opens[0]++ == 0) {
                a.close();
                try {
                    c[0] = files.lock();
                } catch (ReplicaLock.HeldElsewhereException e) {
                    throw new AssertionError("C found the lock held", e);
                }
            }
            return channel;
        };

        try {
            assertThatThrownBy(() -> ReplicaLock.acquire(b, name, "replica", "file:///replica").close())
                    .isInstanceOf(ReplicaLock.HeldElsewhereException.class);
            assertThat(opens[0]).as("B started again with the new file").isEqualTo(2);
        } finally {
            c[0].close();
        }
        assertThat(name).as("C removed its own file").doesNotExist();
    }

    /** A holds the lock; B opens the file; A removes it and releases; B locks a file with no name: it starts again. */
    @Test
    void aRunThatLockedAFileRemovedMeanwhileTakesTheNameAgainAndRemovesThatFileAtTheEnd() throws Exception {
        ReplicaLock a = files.lock();
        int[] opens = {0};
        ReplicaLock.Opening b = () -> {
            FileChannel channel = FileChannel.open(name, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            if (opens[0]++ == 0) {
                a.close();
            }
            return channel;
        };

        try (ReplicaLock held = ReplicaLock.acquire(b, name, "replica", "file:///replica")) {
            assertThat(opens[0]).isEqualTo(2);
            assertThat(name).as("B holds a file under the name").content().startsWith("pid ");
            assertThatThrownBy(() -> files.lock().close()).as("and keeps others off")
                    .isInstanceOf(ReplicaLock.HeldElsewhereException.class);
        }
        assertThat(name).doesNotExist();
    }

    @Test
    void anotherUsersLockFileThatARunHoldsKeepsThisRunOffAsHeld() throws Exception {
        Assumptions.assumeTrue(((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0,
                "only root can give a file to another user");
        Files.writeString(name, "pid 4242 replica file:///replica\n");
        Files.setPosixFilePermissions(name, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setAttribute(name, "unix:uid", NOBODY);

        try (FileChannel holder = FileChannel.open(name, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock held = holder.lock()) {
            assertThatThrownBy(() -> files.lock().close()).isInstanceOf(ReplicaLock.HeldElsewhereException.class)
                    .hasMessageEndingWith("as process 4242 (lock file " + name + ", of user id " + NOBODY + ")");
        }
        assertThatThrownBy(() -> files.lock().close()).as("held by nobody: not ours, as before")
                .isInstanceOf(IOException.class).hasMessageEndingWith("it belongs to user id " + NOBODY);
    }

    @Test
    void closingLeavesAFileThatIsNoLongerTheOneLocked() throws Exception {
        ReplicaLock lock = files.lock();
        Files.delete(name); // as a cleaner of /tmp might
        Files.writeString(name, "someone else's");

        lock.close();

        assertThat(name).hasContent("someone else's");
    }

    @Test
    void theNameOfTheFileAChannelHasOpenIsToldFromAnotherChannelsFileUnderTheSameName() throws IOException {
        Files.writeString(name, "first");
        try (FileChannel first = FileChannel.open(name, StandardOpenOption.READ)) {
            assertThat(OpenFiles.keyIfNamed(first, name)).isPresent();
            Files.delete(name);
            Files.writeString(name, "second");
            try (FileChannel second = FileChannel.open(name, StandardOpenOption.READ)) {

                assertThat(OpenFiles.keyIfNamed(first, name)).isEmpty();
                assertThat(OpenFiles.keyIfNamed(second, name)).isPresent();
                assertThat(first.position()).as("the position is given back").isZero();
            }
        }
    }
}
