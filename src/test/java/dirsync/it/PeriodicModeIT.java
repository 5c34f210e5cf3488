package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.Trees;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The long-running mode: passes repeat every INTERVAL seconds, and SIGTERM ends the process cleanly. */
class PeriodicModeIT {

    private static final Duration SYNC_DEADLINE = Duration.ofSeconds(20);
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(5);
    private static final long MIB = 1L << 20;

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @Test
    void replicaFollowsTheSourceFromPassToPass() throws Exception {
        Trees.at(jar.source())
                .file("keep.txt", "unchanged")
                .file("same-size.txt", "content-one")
                .file("removed.txt", "going away")
                .file("removed-dir/inner/file.txt", "going away too")
                .file("file-then-dir", "a file for now")
                .file("docs/a.txt", "alpha")
                .link("link", "keep.txt");
        JarRuns.Running dirsync = jar.start("periodic", jar.periodic(1));
        awaitReplicaMatchesSource(dirsync, "the first passes");

        Path sameSize = jar.source().resolve("same-size.txt");
        FileTime before = Files.getLastModifiedTime(sameSize);
        Files.writeString(sameSize, "content-two"); // same length, different bytes
        Files.setLastModifiedTime(sameSize, before); // and the same mtime: only the content tells
        Trees.at(jar.source()).file("docs/added.txt", "brand new");
        Files.delete(jar.source().resolve("removed.txt"));
        Trees.deleteRecursively(jar.source().resolve("removed-dir"));
        Files.delete(jar.source().resolve("file-then-dir"));
        Trees.at(jar.source()).file("file-then-dir/inside.txt", "now a directory");
        assertThat(Files.getLastModifiedTime(sameSize)).isEqualTo(before);

        awaitReplicaMatchesSource(dirsync, "the source changes");
        assertThat(jar.replica().resolve("same-size.txt")).as(dirsync.describe()).hasContent("content-two");
    }

    @Test
    void sigtermBetweenPassesStopsWithExitCode0AndLogsIt() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha").file("sub/b.txt", "beta");
        JarRuns.Running dirsync = jar.start("periodic", jar.periodic(1));
        JarRuns.await(SYNC_DEADLINE, "the first pass to finish",
                () -> JarRuns.readString(jar.logFile()).contains("pass 1 finished"), dirsync::describe);

        dirsync.process().destroy(); // SIGTERM
        JarRuns.Finished stopped = dirsync.awaitExit(STOP_DEADLINE);

        assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
        List<String> log = JarRuns.lines(jar.logFile());
        assertThat(log).as(stopped.describe()).isNotEmpty();
        assertThat(log.get(log.size() - 1)).as(stopped.describe()).endsWith(" dirsync stopped");
        assertThat(log).as(stopped.describe())
                .anySatisfy(line -> assertThat(line).contains("stop requested, finishing"))
                .anySatisfy(line -> assertThat(line).contains("started: source '" + jar.source().toRealPath()
                        + "', replica '" + jar.replica().toRealPath() + "', interval 1 s"));
        assertThat(JarRuns.tempFiles(jar.replica())).as(stopped.describe()).isEmpty();
    }

    /**
     * Stops the process while it copies a large file, after other files were already copied: what it leaves
     * under real names must be complete copies, and the next pass must finish the job.
     */
    @Test
    void ctrlCStopsLikeSigterm() throws Exception {
        // A build started in the background of a shell without job control (cmd &) runs with SIGINT ignored, and
        // every process under it inherits that: the JVM then rightly leaves Ctrl-C alone, as nohup'd daemons expect.
        Assumptions.assumeFalse(sigintIgnoredHere(), "SIGINT is ignored in this process tree (started with '&')");
        Trees.at(jar.source()).file("a.txt", "alpha");
        JarRuns.Running dirsync = jar.start("periodic", jar.periodic(1));
        JarRuns.await(SYNC_DEADLINE, "the first pass to finish",
                () -> JarRuns.readString(jar.logFile()).contains("pass 1 finished"), dirsync::describe);

        Process interrupt = new ProcessBuilder("kill", "-INT", Long.toString(dirsync.process().pid())).start();
        assertThat(interrupt.waitFor()).isZero();
        JarRuns.Finished stopped = dirsync.awaitExit(STOP_DEADLINE);

        assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
        List<String> log = JarRuns.lines(jar.logFile());
        assertThat(log.get(log.size() - 1)).as(stopped.describe()).endsWith(" dirsync stopped");
    }

    @Test
    void sigtermDuringAPassLeavesOnlyCompleteFilesAndTheNextPassCompletesTheMirror() throws Exception {
        // Within a directory, files are copied in name order before subdirectories are entered, so the pass
        // runs: small root files, z-big-1, z-big-2 (slow: real bytes are written), then the subdirectories.
        Trees.Builder tree = Trees.at(jar.source());
        for (int i = 0; i < 300; i++) {
            tree.file(String.format("a-%04d.txt", i), "small file " + i + "\n");
        }
        for (int d = 0; d < 10; d++) {
            for (int i = 0; i < 150; i++) {
                tree.file(String.format("d-%02d/f-%04d.txt", d, i), "file " + i + " in directory " + d + "\n");
            }
        }
        bigFile(jar.source().resolve("z-big-1.bin"), 32 * MIB, 1);
        bigFile(jar.source().resolve("z-big-2.bin"), 256 * MIB, 2);

        JarRuns.Running dirsync = jar.start("periodic", jar.periodic(60));
        Path firstBig = jar.replica().resolve("z-big-1.bin");
        JarRuns.await(Duration.ofSeconds(30), "the copy of z-big-2.bin to be under way",
                () -> {
                    if (JarRuns.readString(jar.logFile()).contains("pass 1 finished")) {
                        throw new AssertionError("the pass ended before it could be interrupted: the tree is "
                                + "too small for this machine\n" + dirsync.describe());
                    }
                    return Files.exists(firstBig) && !tempFilesIn(jar.replica()).isEmpty();
                },
                dirsync::describe);

        dirsync.process().destroy(); // SIGTERM
        JarRuns.Finished stopped = dirsync.awaitExit(STOP_DEADLINE);

        assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
        String log = JarRuns.readString(jar.logFile());
        assertThat(log).as(stopped.describe())
                .contains("pass 1 interrupted by a stop request")
                .contains("dirsync stopped");
        List<String> incomplete = new ArrayList<>();
        List<Path> realFiles = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(jar.replica())) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                if (JarRuns.TEMP_NAME.matcher(file.getFileName().toString()).matches()) {
                    continue;
                }
                realFiles.add(file);
                Path original = jar.source().resolve(jar.replica().relativize(file));
                if (!Files.isRegularFile(original) || Files.mismatch(original, file) != -1) {
                    incomplete.add(jar.replica().relativize(file) + " (" + Files.size(file) + " bytes)");
                }
            }
        }
        assertThat(incomplete).as("files under their real name that differ from the source\n%s",
                stopped.describe()).isEmpty();
        assertThat(realFiles).as("the interrupted pass had copied files").contains(firstBig);
        assertThat(JarRuns.tempFiles(jar.replica())).as("temporary files after a clean stop\n%s", stopped.describe())
                .isEmpty();

        JarRuns.Finished once = jar.run("once", Duration.ofSeconds(60),
                jar.sync(jar.source(), jar.replica(), "60", jar.logFile(), "--once"));
        assertThat(once.exitCode()).as(once.describe()).isZero();
        assertThat(JarRuns.tempFiles(jar.replica())).as(once.describe()).isEmpty();
        Trees.assertSameTree(jar.source(), jar.replica());
    }

    /**
     * Stops the process while it deletes a large replica directory the source no longer has: the log must not
     * claim the directory was deleted, nor the pass finished, and the next pass must finish the deletion.
     */
    @Test
    void sigtermDuringADirectoryDeletionIsNotReportedAsDoneAndTheNextPassFinishesIt() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha");
        // Enough entries that deleting them takes a while; hard links, because creating inodes is slow on
        // some machines (0.5 ms each), while a link is cheap to make and costs as much to delete as a file.
        Path gone = jar.replica().resolve("gone");
        List<Path> parts = new ArrayList<>();
        for (int d = 0; d < 20; d++) {
            Path part = Files.createDirectories(gone.resolve(String.format("part-%02d", d)));
            parts.add(part);
            Path original = Files.writeString(part.resolve("original"), "linked " + d);
            for (int i = 0; i < 2500; i++) {
                Files.createLink(part.resolve(String.format("link-%04d", i)), original);
            }
        }

        JarRuns.Running dirsync = jar.start("periodic", jar.periodic(60));
        JarRuns.await(Duration.ofSeconds(30), "the deletion of replica/gone to be under way",
                () -> {
                    if (JarRuns.readString(jar.logFile()).contains("pass 1 finished")) {
                        throw new AssertionError("the pass ended before it could be interrupted: the tree is "
                                + "too small for this machine\n" + dirsync.describe());
                    }
                    return parts.stream().anyMatch(part -> !Files.exists(part));
                },
                dirsync::describe);

        dirsync.process().destroy(); // SIGTERM
        JarRuns.Finished stopped = dirsync.awaitExit(STOP_DEADLINE);

        assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
        assertThat(gone).as("the deletion was interrupted, so part of the directory is left\n%s",
                stopped.describe()).isDirectory();
        List<String> log = JarRuns.lines(jar.logFile());
        assertThat(log).as("a directory that is still there must not be logged as deleted\n%s", stopped.describe())
                .noneSatisfy(line -> assertThat(line).contains("deleted directory gone"));
        assertThat(log).as(stopped.describe())
                .anySatisfy(line -> assertThat(line).contains("pass 1 interrupted by a stop request"))
                .noneSatisfy(line -> assertThat(line).contains("pass 1 finished"));

        JarRuns.Finished once = jar.run("once", Duration.ofSeconds(60),
                jar.sync(jar.source(), jar.replica(), "60", jar.logFile(), "--once"));
        assertThat(once.exitCode()).as(once.describe()).isZero();
        assertThat(gone).as(once.describe()).doesNotExist();
        Trees.assertSameTree(jar.source(), jar.replica());
    }

    /** Polls until the replica's snapshot equals the source's; on timeout fails with the difference. */
    private void awaitReplicaMatchesSource(JarRuns.Running dirsync, String after) {
        try {
            JarRuns.await(SYNC_DEADLINE, "the replica to match the source after " + after, () -> {
                if (!dirsync.process().isAlive()) {
                    throw new AssertionError("dirsync ended early\n" + dirsync.describe());
                }
                Map<String, String> expected = snapshotOrNull(jar.source());
                return expected != null && expected.equals(snapshotOrNull(jar.replica()));
            }, dirsync::describe);
        } catch (AssertionError timedOut) {
            try {
                Trees.assertSameTree(jar.source(), jar.replica());
            } catch (AssertionError difference) {
                timedOut.addSuppressed(difference);
            }
            throw timedOut;
        }
    }

    /** A snapshot, or null if the tree changed under the walk (dirsync may be mid-pass). */
    private static Map<String, String> snapshotOrNull(Path root) {
        try {
            return Trees.snapshot(root);
        } catch (UncheckedIOException changing) {
            return null;
        }
    }

    private static List<Path> tempFilesIn(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> JarRuns.TEMP_NAME.matcher(p.getFileName().toString()).matches()).toList();
        } catch (IOException e) {
            return List.of(); // not created yet
        }
    }

    /** A large file made quickly: mostly a hole, with some random bytes at the start, middle and end. */
    private static void bigFile(Path file, long size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[(int) MIB];
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
            for (long offset : new long[] {0, size / 2, size - MIB}) {
                random.nextBytes(chunk);
                raf.seek(offset);
                raf.write(chunk);
            }
            raf.seek(size / 3);
            raf.write(("seed " + seed).getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Whether this JVM was started with SIGINT ignored (its children inherit it): the SigIgn mask of /proc. */
    private static boolean sigintIgnoredHere() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }
}
