package dirsync.sync;

import static dirsync.testing.Trees.assertSameTree;
import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.fs.RelPath;
import dirsync.testing.Trees;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guards that keep a mirror from losing data or escaping the replica: deletion limits, swapped links,
 * copies that cannot be verified, a full disk, paths too long for the kernel.
 */
class SafetyTest {

    @TempDir
    Path temp;

    Path source;
    Path replica;
    Path outside;
    Trees.Builder src;
    Trees.Builder rep;
    Path mountPoint;

    @BeforeEach
    void layOut() {
        src = Trees.at(temp.resolve("source"));
        rep = Trees.at(temp.resolve("replica"));
        source = src.root();
        replica = rep.root();
        outside = temp.resolve("outside");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mountPoint != null) {
            command("umount", mountPoint.toString());
        }
    }

    private PassSummary sync(SyncOptions options, Cancellation cancellation) {
        return Mirrors.of(source, replica, options).runPass(cancellation);
    }

    private PassSummary sync() {
        return sync(SyncOptions.defaults(), Cancellation.NEVER);
    }

    private static SyncOptions maxDelete(long limit) {
        return SyncOptions.defaults().withMaxDelete(limit);
    }

    @Test
    void anEmptySourceDeletesNothingFromANonEmptyReplica() {
        rep.file("precious/a", "a").file("b", "b");
        src.mtime(".", Instant.parse("2024-01-02T03:04:05Z"));
        Map<String, String> before = Trees.snapshot(replica);

        PassSummary summary = sync();

        assertThat(summary.errors()).isEqualTo(1);
        assertThat(summary.count(Operation.DELETED) + summary.count(Operation.DELETED_DIRECTORY)).isZero();
        assertThat(Trees.snapshot(replica)).as("the root keeps its time too").isEqualTo(before);
    }

    @Test
    void anEmptySourceEmptiesTheReplicaWhenAllowed() {
        rep.file("precious/a", "a").file("b", "b");

        PassSummary summary = sync(SyncOptions.defaults().withAllowEmptySource(true), Cancellation.NEVER);

        assertThat(summary.errors()).isZero();
        assertSameTree(source, replica);
    }

    @Test
    void aPassOverTheDeletionLimitDeletesNothingButStillCopies() {
        src.file("new", "n");
        rep.file("gone/1", "x").file("gone/2", "x").file("gone/sub/3", "x").file("extra", "x");
        Map<String, String> before = Trees.snapshot(replica);

        PassSummary summary = sync(maxDelete(5), Cancellation.NEVER); // 6 entries: gone, 1, 2, sub, 3, extra

        assertThat(summary.errors()).isEqualTo(1);
        assertThat(summary.count(Operation.DELETED) + summary.count(Operation.DELETED_DIRECTORY)).isZero();
        assertThat(replica.resolve("new")).hasContent("n");
        before.keySet().removeIf(name -> name.equals("."));
        assertThat(Trees.snapshot(replica)).containsAllEntriesOf(before);
    }

    @Test
    void aDirectoryWhoseDeletionsWereRefusedKeepsItsModeAndTimesThoughCopiesWentIntoIt() throws IOException {
        src.file("d/new", "copied all the same").mtime("d", Instant.parse("2024-01-02T03:04:05Z"))
                .mode("d", "rwxr-xr-x");
        rep.file("d/x1", "1").file("d/x2", "2").mtime("d", Instant.parse("2023-05-06T07:08:09.123456789Z"))
                .mode("d", "r-x------");
        String before = Trees.describe(replica.resolve("d"));

        PassSummary summary = sync(maxDelete(1), Cancellation.NEVER);

        assertThat(summary.errors()).isEqualTo(1);
        assertThat(replica.resolve("d/new")).hasContent("copied all the same");
        assertThat(replica.resolve("d/x1")).exists();
        assertThat(Trees.describe(replica.resolve("d"))).isEqualTo(before);
    }

    @Test
    void aPassAtTheDeletionLimitDeletesEverythingItShould() {
        src.file("new", "n");
        rep.file("gone/1", "x").file("gone/2", "x").file("gone/sub/3", "x").file("extra", "x");

        PassSummary summary = sync(maxDelete(6), Cancellation.NEVER);

        assertThat(summary.errors()).isZero();
        assertSameTree(source, replica);
    }

    @Test
    void aDirectoryReplacedByAFileCountsTowardsTheDeletionLimit() {
        src.file("was-dir", "now a file");
        rep.file("was-dir/1", "x").file("was-dir/2", "x");

        PassSummary refused = sync(maxDelete(2), Cancellation.NEVER); // the directory and its two files

        assertThat(refused.errors()).isEqualTo(1);
        assertThat(replica.resolve("was-dir/1")).exists();
        assertThat(sync(maxDelete(3), Cancellation.NEVER).errors()).isZero();
        assertSameTree(source, replica);
    }

    @Test
    void aDirectorySwappedForALinkDuringItsDeletionIsUnlinkedAndNothingOutsideIsTouched() throws IOException {
        Trees.at(outside).file("precious", "keep").file("deep/er", "keep too");
        Map<String, String> outsideBefore = Trees.snapshot(outside);
        src.file("keep", "k");
        rep.file("gone/a-first", "deleted first").file("gone/b-swapped/inner", "x");
        // Sorted deletion: "a-first" goes before "b-swapped" is examined and entered. Between the two, swap
        // the directory for a link to outside, as an attacker racing the delete would.
        AtomicBoolean swapped = new AtomicBoolean();
        Path victim = replica.resolve("gone/b-swapped");
        Cancellation swapOnceDeletionBegins = () -> {
            if (!swapped.get() && Files.notExists(replica.resolve("gone/a-first"))
                    && Files.exists(replica.resolve("gone/b-swapped/inner"))) {
                try {
                    Files.move(victim, temp.resolve("moved-away"));
                    Files.createSymbolicLink(victim, outside);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                swapped.set(true);
            }
            return false;
        };

        PassSummary summary = sync(SyncOptions.defaults(), swapOnceDeletionBegins);

        assertThat(swapped).as("the swap happened during the deletion").isTrue();
        assertThat(summary.errors()).isZero();
        assertThat(Trees.snapshot(outside)).isEqualTo(outsideBefore);
        assertSameTree(source, replica);
    }

    @Test
    void aCopyThatDoesNotMatchTheHashOfThisPassIsNotInstalled() throws IOException {
        FileTime time = FileTime.fromMillis(1_600_000_000_000L);
        src.file("f", "OLD-CONTENT").mtime("f", time.toInstant());
        rep.file("f", "REPLICA-OLD").mtime("f", time.toInstant());
        // Right after the pass thread has hashed the source for the comparison, the source is rewritten with the
        // same size and time: only the MD5 of the copy can tell that it is not what was compared.
        AtomicBoolean rewritten = new AtomicBoolean();
        PassHooks rewriteOnceHashed = new PassHooks() {
            @Override
            public void afterHashingSource(RelPath file) {
                try {
                    Files.writeString(source.resolve("f"), "NEW-CONTENT");
                    Files.setLastModifiedTime(source.resolve("f"), time);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                rewritten.set(true);
            }
        };

        PassSummary summary = Mirrors.of(source, replica, SyncOptions.defaults(), rewriteOnceHashed)
                .runPass(Cancellation.NEVER);

        assertThat(rewritten).isTrue();
        assertThat(summary.count(Operation.CHANGING)).isEqualTo(1);
        assertThat(replica.resolve("f")).hasContent("REPLICA-OLD");
        assertThat(temporaryFiles()).isEmpty();
        sync();
        assertSameTree(source, replica);
    }

    @Test
    void aSourceRewrittenInPlaceDuringItsCopyIsNotInstalled() throws IOException {
        long size = 150L << 20; // three transfer chunks, with a stop check between them
        writeLarge(source.resolve("big"), size, (byte) 'a');
        FileTime time = Files.getLastModifiedTime(source.resolve("big"));
        AtomicBoolean rewritten = new AtomicBoolean();
        // Once the first chunk is copied, change a byte before it and a byte after it: installing this copy
        // would give a file that is neither the old nor the new content.
        Cancellation rewriteDuringCopy = () -> {
            if (!rewritten.get() && temporaryFiles().stream().anyMatch(temp -> sizeOf(temp) > 0)) {
                try (RandomAccessFile file = new RandomAccessFile(source.resolve("big").toFile(), "rw")) {
                    file.write('z');
                    file.seek(size - 1);
                    file.write('z'); // same size, and the time set back: only the change time tells
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                try {
                    Files.setLastModifiedTime(source.resolve("big"), time);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                rewritten.set(true);
            }
            return false;
        };

        PassSummary summary = sync(SyncOptions.defaults(), rewriteDuringCopy);

        assertThat(rewritten).isTrue();
        assertThat(summary.count(Operation.CHANGING)).isEqualTo(1);
        assertThat(replica.resolve("big")).doesNotExist();
        assertThat(temporaryFiles()).isEmpty();
        sync();
        assertSameTree(source, replica);
    }

    @Test
    void aFullDiskIsReportedKeepsTheOldFileAndTheNextPassRetries() throws Exception {
        mountSmallTmpfs();
        // "later/small" may meet the disk filled by "big"'s temporary file: it is copied again once "big" failed.
        src.file("big", new byte[3 << 20]).file("later/small", "fits");
        Trees.at(replica).file("big", "old version");

        PassSummary full = sync();

        assertThat(full.errors()).isEqualTo(1);
        assertThat(replica.resolve("big")).hasContent("old version");
        assertThat(replica.resolve("later/small")).hasContent("fits");
        assertThat(temporaryFiles()).isEmpty();

        command("mount", "-o", "remount,size=8m", mountPoint.toString());
        PassSummary retried = sync();

        assertThat(retried.errors()).isZero();
        assertSameTree(source, replica);
    }

    @Test
    void aFullExt4DiskWhereCopiesShareSyncsKeepsTheOldFileAndTheOthersArrive() throws Exception {
        mountSmallExt4(); // ext4: the copies are made durable together, by group syncs (README "Group syncs")
        // A file of "later/" copied while "huge" fills the disk meets the full disk too: it is copied again, alone,
        // once every copy has ended (and the failed one is cleaned up).
        for (int i = 0; i < 40; i++) {
            src.file("later/f" + i, new byte[64 << 10]);
        }
        src.file("huge", new byte[24 << 20]); // more than the 16 MiB disk holds
        Trees.at(replica).file("huge", "old version");

        PassSummary full = sync();

        assertThat(full.errors()).isEqualTo(1);
        assertThat(full.count(Operation.COPIED)).isEqualTo(40);
        assertThat(replica.resolve("huge")).hasContent("old version");
        assertThat(temporaryFiles()).isEmpty();

        src.file("huge", "fits now");
        PassSummary retried = sync();

        assertThat(retried.errors()).isZero();
        assertSameTree(source, replica);
    }

    @Test
    void aSourcePathPastPathMaxIsReportedAndTheRestSyncs() throws Exception {
        src.file("a", "1").file("z", "2");
        // Built with relative mkdir and cd, as no absolute path that long can be used.
        command("bash", "-c", "cd '" + source + "' && for i in $(seq 20); do mkdir " + "d".repeat(250) + " && cd "
                + "d".repeat(250) + "; done && echo deep > bottom");

        PassSummary summary = sync();

        assertThat(summary.errors()).isGreaterThanOrEqualTo(1);
        assertThat(summary.completed()).isTrue();
        assertThat(replica.resolve("a")).hasContent("1");
        assertThat(replica.resolve("z")).hasContent("2");
        command("rm", "-rf", source.resolve("d".repeat(250)).toString(), replica.resolve("d".repeat(250)).toString());
    }

    private void mountSmallTmpfs() throws Exception {
        replica = temp.resolve("small-disk");
        Files.createDirectories(replica);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", replica.toString())
                .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes());
        Assumptions.assumeTrue(mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0,
                "cannot mount a 2 MiB tmpfs here (needs root and CAP_SYS_ADMIN): " + output.strip());
        mountPoint = replica;
    }

    /** REPLICA on a 16 MiB ext4 of its own, through a loop device. */
    private void mountSmallExt4() throws Exception {
        Path image = temp.resolve("disk.img");
        replica = temp.resolve("small-ext4");
        Files.createDirectories(replica);
        Process made = new ProcessBuilder("sh", "-c", "mkfs.ext4 -q -F \"$0\" 16M && mount -o loop \"$0\" \"$1\"",
                image.toString(), replica.toString()).redirectErrorStream(true).start();
        String output = new String(made.getInputStream().readAllBytes());
        Assumptions.assumeTrue(made.waitFor(30, TimeUnit.SECONDS) && made.exitValue() == 0,
                "cannot make and mount a 16 MiB ext4 here (needs root, mkfs.ext4, a loop device): " + output.strip());
        mountPoint = replica;
        assertThat(Files.getFileStore(replica).type()).isEqualTo("ext4");
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
        try (Stream<Path> all = Files.walk(replica)) {
            return all.filter(p -> p.getFileName().toString().startsWith(".dirsync-")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
