package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.fs.RelPath;
import dirsync.testing.Trees;
import dirsync.testing.TwoTrees;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The guards that keep a mirror from losing data or escaping the replica: deletion limits, swapped links,
 * copies that cannot be verified, a full disk, paths too long for the kernel.
 */
class SafetyTest {

    @RegisterExtension
    final TwoTrees trees = new TwoTrees();

    Path mountPoint;

    @AfterEach
    void unmount() throws Exception {
        if (mountPoint != null) {
            command("umount", mountPoint.toString());
        }
    }

    private static SyncOptions maxDelete(long limit) {
        return SyncOptions.defaults().withMaxDelete(limit);
    }

    @Test
    void anEmptySourceDeletesNothingFromANonEmptyReplica() {
        trees.rep().file("precious/a", "a").file("b", "b");
        trees.src().mtime(".", Instant.parse("2024-01-02T03:04:05Z"));
        Map<String, String> before = Trees.snapshot(trees.replica());

        PassSummary summary = trees.sync();

        assertThat(summary.errors()).isEqualTo(1);
        assertThat(summary.count(Operation.DELETED) + summary.count(Operation.DELETED_DIRECTORY)).isZero();
        assertThat(Trees.snapshot(trees.replica())).as("the root keeps its time too").isEqualTo(before);
    }

    @Test
    void anEmptySourceEmptiesTheReplicaWhenAllowed() {
        trees.rep().file("precious/a", "a").file("b", "b");

        PassSummary summary = trees.sync(SyncOptions.defaults().withAllowEmptySource(true), Cancellation.NEVER);

        assertThat(summary.errors()).isZero();
        trees.assertSame();
    }

    @Test
    void aPassOverTheDeletionLimitDeletesNothingButStillCopies() {
        trees.src().file("new", "n");
        trees.rep().file("gone/1", "x").file("gone/2", "x").file("gone/sub/3", "x").file("extra", "x");
        Map<String, String> before = Trees.snapshot(trees.replica());

        PassSummary summary = trees.sync(maxDelete(5), Cancellation.NEVER); // 6 entries: gone, 1, 2, sub, 3, extra

        assertThat(summary.errors()).isEqualTo(1);
        assertThat(summary.count(Operation.DELETED) + summary.count(Operation.DELETED_DIRECTORY)).isZero();
        assertThat(trees.replica().resolve("new")).hasContent("n");
        before.keySet().removeIf(name -> name.equals("."));
        assertThat(Trees.snapshot(trees.replica())).containsAllEntriesOf(before);
    }

    @Test
    void aDirectoryWhoseDeletionsWereRefusedKeepsItsModeAndTimesThoughCopiesWentIntoIt() throws IOException {
        trees.src().file("d/new", "copied all the same").mtime("d", Instant.parse("2024-01-02T03:04:05Z"))
                .mode("d", "rwxr-xr-x");
        trees.rep().file("d/x1", "1").file("d/x2", "2").mtime("d", Instant.parse("2023-05-06T07:08:09.123456789Z"))
                .mode("d", "r-x------");
        String before = Trees.describe(trees.replica().resolve("d"));

        PassSummary summary = trees.sync(maxDelete(1), Cancellation.NEVER);

        assertThat(summary.errors()).isEqualTo(1);
        assertThat(trees.replica().resolve("d/new")).hasContent("copied all the same");
        assertThat(trees.replica().resolve("d/x1")).exists();
        assertThat(Trees.describe(trees.replica().resolve("d"))).isEqualTo(before);
    }

    @Test
    void aPassAtTheDeletionLimitDeletesEverythingItShould() {
        trees.src().file("new", "n");
        trees.rep().file("gone/1", "x").file("gone/2", "x").file("gone/sub/3", "x").file("extra", "x");

        PassSummary summary = trees.sync(maxDelete(6), Cancellation.NEVER);

        assertThat(summary.errors()).isZero();
        trees.assertSame();
    }

    @Test
    void aDirectoryReplacedByAFileCountsTowardsTheDeletionLimit() {
        trees.src().file("was-dir", "now a file");
        trees.rep().file("was-dir/1", "x").file("was-dir/2", "x");

        PassSummary refused = trees.sync(maxDelete(2), Cancellation.NEVER); // the directory and its two files

        assertThat(refused.errors()).isEqualTo(1);
        assertThat(trees.replica().resolve("was-dir/1")).exists();
        assertThat(trees.sync(maxDelete(3), Cancellation.NEVER).errors()).isZero();
        trees.assertSame();
    }

    @Test
    void aDirectorySwappedForALinkDuringItsDeletionIsUnlinkedAndNothingOutsideIsTouched() throws IOException {
        Trees.at(trees.outside()).file("precious", "keep").file("deep/er", "keep too");
        Map<String, String> outsideBefore = Trees.snapshot(trees.outside());
        trees.src().file("keep", "k");
        trees.rep().file("gone/a-first", "deleted first").file("gone/b-swapped/inner", "x");
        // Sorted deletion: "a-first" goes before "b-swapped" is examined and entered. Between the two, swap
        // the directory for a link to outside, as an attacker racing the delete would.
        AtomicBoolean swapped = new AtomicBoolean();
        Path victim = trees.replica().resolve("gone/b-swapped");
        Cancellation swapOnceDeletionBegins = () -> {
            if (!swapped.get() && Files.notExists(trees.replica().resolve("gone/a-first"))
                    && Files.exists(trees.replica().resolve("gone/b-swapped/inner"))) {
                try {
                    Files.move(victim, trees.temp().resolve("moved-away"));
                    Files.createSymbolicLink(victim, trees.outside());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                swapped.set(true);
            }
            return false;
        };

        PassSummary summary = trees.sync(SyncOptions.defaults(), swapOnceDeletionBegins);

        assertThat(swapped).as("the swap happened during the deletion").isTrue();
        assertThat(summary.errors()).isZero();
        assertThat(Trees.snapshot(trees.outside())).isEqualTo(outsideBefore);
        trees.assertSame();
    }

    @Test
    void aCopyThatDoesNotMatchTheHashOfThisPassIsNotInstalled() throws IOException {
        FileTime time = FileTime.fromMillis(1_600_000_000_000L);
        trees.src().file("f", "OLD-CONTENT").mtime("f", time.toInstant());
        trees.rep().file("f", "REPLICA-OLD").mtime("f", time.toInstant());
        // Right after the pass thread has hashed the source for the comparison, the source is rewritten with the
        // same size and time: only the MD5 of the copy can tell that it is not what was compared.
        AtomicBoolean rewritten = new AtomicBoolean();
        PassHooks rewriteOnceHashed = new PassHooks() {
            @Override
            public void afterHashingSource(RelPath file) {
                try {
                    Files.writeString(trees.source().resolve("f"), "NEW-CONTENT");
                    Files.setLastModifiedTime(trees.source().resolve("f"), time);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                rewritten.set(true);
            }
        };

        PassSummary summary = Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(), rewriteOnceHashed)
                .runPass(Cancellation.NEVER);

        assertThat(rewritten).isTrue();
        assertThat(summary.count(Operation.CHANGING)).isEqualTo(1);
        assertThat(trees.replica().resolve("f")).hasContent("REPLICA-OLD");
        assertThat(temporaryFiles()).isEmpty();
        trees.sync();
        trees.assertSame();
    }

    @Test
    void aSourceRewrittenInPlaceDuringItsCopyIsNotInstalled() throws IOException {
        long size = 150L << 20; // three transfer chunks, with a stop check between them
        writeLarge(trees.source().resolve("big"), size, (byte) 'a');
        FileTime time = Files.getLastModifiedTime(trees.source().resolve("big"));
        AtomicBoolean rewritten = new AtomicBoolean();
        // Once the first chunk is copied, change a byte before it and a byte after it: installing this copy
        // would give a file that is neither the old nor the new content.
        Cancellation rewriteDuringCopy = () -> {
            if (!rewritten.get() && temporaryFiles().stream().anyMatch(file -> sizeOf(file) > 0)) {
                try (RandomAccessFile file = new RandomAccessFile(trees.source().resolve("big").toFile(), "rw")) {
                    file.write('z');
                    file.seek(size - 1);
                    file.write('z'); // same size, and the time set back: only the change time tells
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                try {
                    Files.setLastModifiedTime(trees.source().resolve("big"), time);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                rewritten.set(true);
            }
            return false;
        };

        PassSummary summary = trees.sync(SyncOptions.defaults(), rewriteDuringCopy);

        assertThat(rewritten).isTrue();
        assertThat(summary.count(Operation.CHANGING)).isEqualTo(1);
        assertThat(trees.replica().resolve("big")).doesNotExist();
        assertThat(temporaryFiles()).isEmpty();
        trees.sync();
        trees.assertSame();
    }

    @Test
    void aFullDiskIsReportedKeepsTheOldFileAndTheNextPassRetries() throws Exception {
        mountSmallTmpfs();
        // "later/small" may meet the disk filled by "big"'s temporary file: it is copied again once "big" failed.
        trees.src().file("big", new byte[3 << 20]).file("later/small", "fits");
        trees.rep().file("big", "old version");

        PassSummary full = trees.sync();

        assertThat(full.errors()).isEqualTo(1);
        assertThat(trees.replica().resolve("big")).hasContent("old version");
        assertThat(trees.replica().resolve("later/small")).hasContent("fits");
        assertThat(temporaryFiles()).isEmpty();

        command("mount", "-o", "remount,size=8m", mountPoint.toString());
        PassSummary retried = trees.sync();

        assertThat(retried.errors()).isZero();
        trees.assertSame();
    }

    @Test
    void aFullExt4DiskWhereCopiesShareSyncsKeepsTheOldFileAndTheOthersArrive() throws Exception {
        mountSmallExt4(); // ext4: the copies are made durable together, by group syncs (README "Group syncs")
        // A file of "later/" copied while "huge" fills the disk meets the full disk too: it is copied again, alone,
        // once every copy has ended (and the failed one is cleaned up).
        for (int i = 0; i < 40; i++) {
            trees.src().file("later/f" + i, new byte[64 << 10]);
        }
        trees.src().file("huge", new byte[24 << 20]); // more than the 16 MiB disk holds
        trees.rep().file("huge", "old version");

        PassSummary full = trees.sync();

        assertThat(full.errors()).isEqualTo(1);
        assertThat(full.count(Operation.COPIED)).isEqualTo(40);
        assertThat(trees.replica().resolve("huge")).hasContent("old version");
        assertThat(temporaryFiles()).isEmpty();

        trees.src().file("huge", "fits now");
        PassSummary retried = trees.sync();

        assertThat(retried.errors()).isZero();
        trees.assertSame();
    }

    @Test
    void aSourcePathPastPathMaxIsReportedAndTheRestSyncs() throws Exception {
        trees.src().file("a", "1").file("z", "2");
        // Built with relative mkdir and cd, as no absolute path that long can be used.
        command("bash", "-c", "cd '" + trees.source() + "' && for i in $(seq 20); do mkdir " + "d".repeat(250)
                + " && cd " + "d".repeat(250) + "; done && echo deep > bottom");

        PassSummary summary = trees.sync();

        assertThat(summary.errors()).isGreaterThanOrEqualTo(1);
        assertThat(summary.completed()).isTrue();
        assertThat(trees.replica().resolve("a")).hasContent("1");
        assertThat(trees.replica().resolve("z")).hasContent("2");
        command("rm", "-rf", trees.source().resolve("d".repeat(250)).toString(),
                trees.replica().resolve("d".repeat(250)).toString());
    }

    private void mountSmallTmpfs() throws Exception {
        trees.moveReplicaTo("small-disk");
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", trees.replica().toString())
                .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes());
        Assumptions.assumeTrue(mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0,
                "cannot mount a 2 MiB tmpfs here (needs root and CAP_SYS_ADMIN): " + output.strip());
        mountPoint = trees.replica();
    }

    /** REPLICA on a 16 MiB ext4 of its own, through a loop device. */
    private void mountSmallExt4() throws Exception {
        Path image = trees.temp().resolve("disk.img");
        trees.moveReplicaTo("small-ext4");
        Process made = new ProcessBuilder("sh", "-c", "mkfs.ext4 -q -F \"$0\" 16M && mount -o loop \"$0\" \"$1\"",
                image.toString(), trees.replica().toString()).redirectErrorStream(true).start();
        String output = new String(made.getInputStream().readAllBytes());
        Assumptions.assumeTrue(made.waitFor(30, TimeUnit.SECONDS) && made.exitValue() == 0,
                "cannot make and mount a 16 MiB ext4 here (needs root, mkfs.ext4, a loop device): " + output.strip());
        mountPoint = trees.replica();
        assertThat(Files.getFileStore(trees.replica()).type()).isEqualTo("ext4");
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return 0;
        }
    }

    private static void command(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }

    private static void writeLarge(Path file, long size, byte fill) throws IOException {
        byte[] block = new byte[1 << 20];
        Arrays.fill(block, fill);
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            for (long written = 0; written < size; written += block.length) {
                out.write(block);
            }
        }
    }

    private java.util.List<Path> temporaryFiles() {
        try (Stream<Path> all = Files.walk(trees.replica())) {
            return all.filter(p -> p.getFileName().toString().startsWith(".dirsync-")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
