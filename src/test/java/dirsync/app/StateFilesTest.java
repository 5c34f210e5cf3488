package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The files kept outside the replica: one trust check, which the lock and the hash memory both apply. */
class StateFilesTest {

    private static final int NOBODY = 65534;

    @TempDir
    Path shared;

    @TempDir
    Path elsewhere;

    StateFiles files;
    Path victim;
    Path otherVictim;

    @BeforeEach
    void setUp() throws IOException {
        files = new StateFiles(shared, elsewhere.resolve("replica"));
        victim = Files.writeString(elsewhere.resolve("victim"), "precious");
        otherVictim = Files.writeString(elsewhere.resolve("other-victim"), "precious too");
    }

    /** What someone could have put at a state file's name before dirsync got there. */
    @FunctionalInterface
    interface Plant {
        void at(Path name, Path victim) throws Exception;
    }

    static Stream<Arguments> plants() {
        return Stream.of(
                plant("a symbolic link to a file", (name, victim) -> Files.createSymbolicLink(name, victim),
                        "it is a symbolic link, which dirsync never follows"),
                plant("a symbolic link to nothing", (name, victim) -> Files.createSymbolicLink(name,
                        victim.resolveSibling("nothing")), "it is a symbolic link, which dirsync never follows"),
                plant("a hard link to a file elsewhere", (name, victim) -> Files.createLink(name, victim),
                        "it has 2 names (a hard link to a file elsewhere?)"),
                plant("a group-writable file", (name, victim) -> ownFile(name, "rw-rw-r--"),
                        "it is writable by group or others"),
                plant("a file writable by others", (name, victim) -> ownFile(name, "rw-r--rw-"),
                        "it is writable by group or others"),
                plant("another user's file", (name, victim) -> {
                    Assumptions.assumeTrue(root(), "only root can give a file to another user");
                    ownFile(name, "rw-r--r--");
                    Files.setAttribute(name, "unix:uid", NOBODY);
                }, "it belongs to user id " + NOBODY),
                plant("a directory", (name, victim) -> Files.createDirectory(name), "it is not a regular file"),
                plant("a FIFO", (name, victim) -> mkfifo(name), "it is not a regular file"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plants")
    @Timeout(value = 30, unit = TimeUnit.SECONDS) // opening a FIFO to read it would hang
    void theLockAndTheMemoryRefuseTheSameFiles(String what, Plant plant, String reason) throws Exception {
        plant.at(files.lockFile(), victim);
        plant.at(files.memoryFile(), otherVictim);

        assertThatThrownBy(() -> files.lock().close()).isInstanceOf(IOException.class)
                .hasMessage("not dirsync's own lock file (remove it, or give the runs -Djava.io.tmpdir=DIR of their "
                        + "own): " + reason);
        assertThatThrownBy(() -> files.readMemory()).isInstanceOf(IOException.class)
                .hasMessage("not dirsync's own hash memory file (remove it): " + reason);
        assertThatThrownBy(() -> TrustedFiles.requireTrusted(files.lockFile(), "lock file", "advice"))
                .hasMessageEndingWith(reason);
        assertThatThrownBy(() -> TrustedFiles.requireTrusted(files.memoryFile(), "x", "advice"))
                .hasMessageEndingWith(reason);
        assertThat(victim).hasContent("precious");
        assertThat(otherVictim).hasContent("precious too");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plants")
    @Timeout(value = 30, unit = TimeUnit.SECONDS) // opening a FIFO to read it would hang
    void theRecordOfUnsettledFilesRefusesWhatTheMemoryRefuses(String what, Plant plant, String reason) throws Exception {
        plant.at(files.unsettledFile(), victim);

        assertThatThrownBy(() -> files.readUnsettled()).isInstanceOf(IOException.class)
                .hasMessage("not dirsync's own record of unsettled files (remove it): " + reason);
        assertThat(victim).hasContent("precious");
    }

    @Test
    void theRecordOfUnsettledFilesIsWrittenOwnerOnlyReadBackAndForgotten() throws Exception {
        assertThat(files.readUnsettled()).as("none yet").isEmpty();

        files.writeUnsettled(new byte[] {7, 8, 9});

        assertThat(files.readUnsettled()).hasValueSatisfying(read -> assertThat(read).containsExactly(7, 8, 9));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.unsettledFile())))
                .isEqualTo("rw-------");
        files.forgetUnsettled();
        assertThat(files.unsettledFile()).doesNotExist();
    }

    @Test
    void forgettingTheUnsettledFilesRemovesAPlantedLinkNotWhatItPointsTo() throws Exception {
        Files.createSymbolicLink(files.unsettledFile(), victim);

        files.forgetUnsettled();

        assertThat(Files.exists(files.unsettledFile(), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(victim).hasContent("precious");
    }

    @Test
    void aFreshLockFilePassesTheCheckAndTellsWhoHoldsIt() throws Exception {
        try (ReplicaLock lock = files.lock()) {
            assertThat(lock).isNotNull();
            TrustedFiles.requireTrusted(files.lockFile(), "lock file", "advice");
            assertThat(files.lockFile()).content().startsWith("pid " + ProcessHandle.current().pid() + " replica ");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.lockFile())))
                    .isIn("rw-r--r--", "rw-------", "rw-r-----");
        }
    }

    @Test
    void theMemoryIsWrittenOwnerOnlyAndReadBack() throws Exception {
        assertThat(files.readMemory()).as("none yet").isEmpty();
        byte[] saved = {1, 2, 3, 4, 5};

        files.writeMemory(saved);

        assertThat(files.readMemory()).hasValueSatisfying(read -> assertThat(read).containsExactly(saved));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.memoryFile())))
                .isEqualTo("rw-------");
        TrustedFiles.requireTrusted(files.memoryFile(), "hash memory file", "advice");
        try (Stream<Path> left = Files.list(shared)) {
            assertThat(left).as("no temporary file left").containsExactly(files.memoryFile());
        }
    }

    @Test
    void writingTheMemoryReplacesAPlantedLinkInsteadOfWritingThroughIt() throws Exception {
        Files.createSymbolicLink(files.memoryFile(), victim);

        files.writeMemory(new byte[] {42});

        assertThat(victim).hasContent("precious");
        assertThat(Files.isSymbolicLink(files.memoryFile())).isFalse();
        assertThat(files.readMemory()).hasValueSatisfying(read -> assertThat(read).containsExactly(42));
    }

    @Test
    void aFilePlantedUnderTheTemporaryNameIsNeitherWrittenNorFollowed() throws Exception {
        String first = files.memoryFile().getFileName() + "." + ProcessHandle.current().pid() + "-0.tmp";
        Path planted = files.memoryFile().resolveSibling(first);
        Files.createSymbolicLink(planted, victim);

        files.writeMemory(new byte[] {42});

        assertThat(victim).hasContent("precious");
        assertThat(Files.isSymbolicLink(planted)).as("left as it was").isTrue();
        assertThat(files.readMemory()).hasValueSatisfying(read -> assertThat(read).containsExactly(42));
        try (Stream<Path> left = Files.list(shared)) {
            assertThat(left).as("no temporary file of ours left").containsExactlyInAnyOrder(files.memoryFile(), planted);
        }
    }

    @Test
    void everyStateFileIsNamedAfterTheReplicasRealPath() {
        StateFiles same = new StateFiles(shared, elsewhere.resolve("replica"));
        StateFiles other = new StateFiles(shared, elsewhere.resolve("other"));

        assertThat(same.lockFile()).isEqualTo(files.lockFile()).isNotEqualTo(other.lockFile());
        assertThat(files.lockFile().getParent()).isEqualTo(shared);
        assertThat(files.lockFile().getFileName().toString()).matches("dirsync-[0-9a-f]{16}\\.lock");
        assertThat(files.memoryFile().toString())
                .isEqualTo(files.lockFile().toString().replaceAll("\\.lock$", ".pairs"));
        assertThat(files.unsettledFile().toString())
                .isEqualTo(files.lockFile().toString().replaceAll("\\.lock$", ".unsettled"));
    }

    @Test
    void theNamesAreThoseOfEarlierRunsTheFirst8BytesOfTheSha256OfTheReplicasUri() {
        // Fixed: a run must find the memory and take the lock of the runs before it, whatever computes the hash.
        StateFiles local = new StateFiles(StatePlaces.in(shared), "/srv/mirror", "file:///srv/mirror");
        StateFiles remote = new StateFiles(StatePlaces.in(shared), "sftp://backup@vault/srv/mirror/data",
                "sftp://backup@vault:22/srv/mirror/data");

        assertThat(local.lockFile()).isEqualTo(shared.resolve("dirsync-9f21b53f13b36c47.lock"));
        assertThat(local.memoryFile()).isEqualTo(shared.resolve("dirsync-9f21b53f13b36c47.pairs"));
        assertThat(remote.unsettledFile()).isEqualTo(shared.resolve("dirsync-e1eee9fe6c32f5e4.unsettled"));
    }

    private static Arguments plant(String what, Plant plant, String reason) {
        return Arguments.of(what, plant, reason);
    }

    private static void ownFile(Path name, String mode) throws IOException {
        Files.writeString(name, "planted");
        Files.setPosixFilePermissions(name, PosixFilePermissions.fromString(mode));
    }

    private static void mkfifo(Path name) throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", name.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo").isTrue();
    }

    private static boolean root() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }
}
