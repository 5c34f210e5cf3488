package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Backup;
import dirsync.fs.Cancellation;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import dirsync.fs.dryrun.DryRunReplica;
import dirsync.fs.local.LocalTree;
import dirsync.testing.LogCapture;
import dirsync.testing.MemoryTree;
import dirsync.testing.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real synchronizer from a directory on disk into a replica held in memory: each test one behaviour, each
 * checked with one comparison of the whole replica with the whole source. That the core does the same over a
 * tree that is not a local directory shows it asks the replica only through {@link dirsync.fs.ReplicaTree}.
 */
class MemoryReplicaTest {

    private static final Instant LAST_YEAR = Instant.parse("2025-03-04T05:06:07.123456789Z");

    // U+FFFD is EF BF BD in UTF-8 and U+1F600 is F0 9F 98 80: bytes put U+FFFD first, UTF-16 (D83D...) last.
    private static final String REPLACEMENT = "\uFFFD";
    private static final String EMOJI = "\uD83D\uDE00";
    /** E9 78: not UTF-8, first by bytes (E9 < EF), but read as text ("\uFFFDx") after both names above. */
    private static final byte[] LATIN1_NAME = {(byte) 0xE9, 'x'};

    @TempDir
    Path temp;

    Path source;
    Trees.Builder src;
    MemoryTree memory;

    @BeforeEach
    void layOut() {
        src = Trees.at(temp.resolve("source"));
        source = src.root();
        memory = MemoryTree.empty();
    }

    private PassSummary sync() {
        return sync(SyncOptions.defaults());
    }

    private PassSummary sync(SyncOptions options) {
        return new Synchronizer(LocalTree.at(source), memory, options).runPass(Cancellation.NEVER);
    }

    private void assertMirrored() {
        assertThat(memory.snapshot()).containsExactlyEntriesOf(Trees.snapshot(source));
    }

    @Test
    void copiesATreeWithNestedAndEmptyDirectoriesAndASymlink() {
        src.file("a.txt", "alpha").file("docs/guide/b.md", "# b").dir("empty").dir("docs/also-empty")
                .link("docs/to-a", "../a.txt").mode("docs/guide/b.md", "rw-------").mtime("a.txt", LAST_YEAR);

        PassSummary summary = sync();

        assertThat(summary.count(Operation.COPIED)).isEqualTo(3);
        assertThat(summary.count(Operation.CREATED_DIRECTORY)).isEqualTo(4);
        assertThat(summary.bytesCopied()).isEqualTo(8);
        assertThat(summary.errors()).isZero();
        assertMirrored();
    }

    @Test
    void createsTheReplicaRootWhenItIsMissing() {
        memory = MemoryTree.withoutRoot();
        src.file("a", "1").dir("d");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.CREATED_DIRECTORY)).isEqualTo(2);
        assertMirrored();
    }

    @Test
    void copiesAWideDirectoryWhoseFilesAreCopiedAndHashedOnSeveralThreads() {
        for (int i = 0; i < 300; i++) {
            src.file("wide/f" + i, "content " + "x".repeat(i));
        }
        sync();

        PassSummary second = sync();

        assertThat(second.changes()).isZero();
        assertMirrored();
    }

    @Test
    void aSecondPassOverAnIdenticalTreeChangesNothing() {
        src.file("a", "1").file("d/b", "2").link("l", "a").dir("e").mode("d", "rwx------").mtime("a", LAST_YEAR);
        sync();

        PassSummary second = sync();

        assertThat(second.changes()).isZero();
        assertThat(second.bytesCopied()).isZero();
        assertMirrored();
    }

    @Test
    void catchesAContentChangeWithTheSameSizeAndTheSameModificationTimeByMd5() {
        src.file("a", "AAAA").mtime("a", LAST_YEAR);
        sync();
        src.file("a", "BBBB").mtime("a", LAST_YEAR);

        PassSummary summary = sync();

        assertThat(summary.count(Operation.UPDATED)).isEqualTo(1);
        assertMirrored();
    }

    @Test
    void catchesAStealthChangeMadeInTheMemoryReplica() {
        src.file("a", "AAAA").mtime("a", LAST_YEAR);
        sync();
        memory.file("a", "XXXX").mtime("a", LAST_YEAR);

        PassSummary summary = sync();

        assertThat(summary.count(Operation.UPDATED)).isEqualTo(1);
        assertMirrored();
    }

    @Test
    void aFileThatBecameADirectoryIsReplaced() throws IOException {
        src.file("x", "a file");
        sync();
        removeFromSource("x");
        src.file("x/inside", "now a directory").dir("x/empty");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.REPLACED)).isEqualTo(1);
        assertThat(summary.errors()).isZero();
        assertMirrored();
    }

    @Test
    void aDirectoryThatBecameAFileIsReplaced() throws IOException {
        src.file("x/inside", "a directory").dir("x/empty").link("x/l", "inside");
        sync();
        removeFromSource("x");
        src.file("x", "now a file");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.REPLACED)).isEqualTo(1);
        assertThat(summary.errors()).isZero();
        assertMirrored();
    }

    @Test
    void aLinkThatBecameAFileIsReplaced() throws IOException {
        src.file("target", "t").link("x", "target");
        sync();
        removeFromSource("x");
        src.file("x", "now a file");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.REPLACED)).isEqualTo(1);
        assertThat(summary.errors()).isZero();
        assertMirrored();
    }

    @Test
    void aFileThatBecameALinkIsReplaced() throws IOException {
        src.file("x", "a file");
        sync();
        removeFromSource("x");
        src.link("x", "elsewhere");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.REPLACED)).isEqualTo(1);
        assertThat(summary.errors()).isZero();
        assertMirrored();
    }

    @Test
    void updatesALinkWhoseTargetChanged() throws IOException {
        src.link("l", "one");
        sync();
        removeFromSource("l");
        src.link("l", "two");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.UPDATED)).isEqualTo(1);
        assertMirrored();
    }

    @Test
    void deletesFilesAndLinksMissingFromTheSource() {
        src.file("keep", "k");
        memory.file("keep", "k").file("gone", "g").link("dangling", "nowhere");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.DELETED)).isEqualTo(2);
        assertMirrored();
    }

    @Test
    void deletesWholeDirectoryTreesMissingFromTheSource() {
        src.file("keep", "k");
        memory.file("old/a", "a").file("old/deep/b", "b").dir("old/deep/empty").link("old/l", "a");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.DELETED_DIRECTORY)).isEqualTo(1);
        assertThat(summary.errors()).isZero();
        assertMirrored();
    }

    @Test
    void deletesInsideADirectoryThatIsReadOnly() {
        src.file("ro/a", "1").mode("ro", "r-x------");
        sync();
        memory.file("ro/extra", "e").file("ro/more/deep", "d");

        PassSummary summary = sync();

        assertThat(summary.errors()).isZero();
        assertMirrored();
    }

    @Test
    void keepsCopyingIntoADirectoryThatIsReadOnly() {
        src.file("ro/a", "1").mode("ro", "r-x------");
        sync();
        src.mode("ro", "rwx------").file("ro/b", "2").file("ro/a", "changed").mode("ro", "r-x------");

        PassSummary summary = sync();

        assertThat(summary.errors()).isZero();
        assertMirrored();
    }

    @Test
    void aModeOnlyChangeIsCarriedWithoutACopy() {
        src.file("a", "same");
        sync();
        src.mode("a", "rwx------");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.ATTRIBUTES)).isEqualTo(1);
        assertThat(summary.bytesCopied()).isZero();
        assertMirrored();
    }

    @Test
    void anMtimeOnlyChangeIsCarriedWithoutACopy() {
        src.file("a", "same");
        sync();
        src.mtime("a", LAST_YEAR);

        PassSummary summary = sync();

        assertThat(summary.count(Operation.ATTRIBUTES)).isEqualTo(1);
        assertThat(summary.bytesCopied()).isZero();
        assertMirrored();
    }

    @Test
    void aDirectorysNewModeAndTimeAreCarried() {
        src.file("d/a", "a");
        sync();
        src.mode("d", "rwx--x---").mtime("d", LAST_YEAR).mode(".", "rwxr-x---").mtime(".", LAST_YEAR);

        PassSummary summary = sync();

        assertThat(summary.count(Operation.ATTRIBUTES)).isEqualTo(2);
        assertThat(summary.bytesCopied()).isZero();
        assertMirrored();
    }

    @Test
    void anEmptySourceLeavesTheMemoryReplicaUnchanged() throws IOException {
        memory.file("precious/a", "a").file("b", "b").link("l", "b");
        giveTheMemoryRootTheSourceRootsAttributes();
        Map<String, String> before = memory.snapshot();

        PassSummary summary = sync();

        assertThat(summary.errors()).isEqualTo(1);
        assertThat(summary.changes()).isZero();
        assertThat(memory.snapshot()).containsExactlyEntriesOf(before);
    }

    @Test
    void anEmptySourceEmptiesTheMemoryReplicaWhenAllowed() {
        memory.file("precious/a", "a").file("b", "b");

        PassSummary summary = sync(SyncOptions.defaults().withAllowEmptySource(true));

        assertThat(summary.errors()).isZero();
        assertMirrored();
    }

    @Test
    void aPassOverTheDeletionLimitLeavesTheMemoryReplicaUnchanged() throws IOException {
        src.file("keep", "k");
        sync();
        memory.file("gone/1", "x").file("gone/2", "x").file("gone/sub/3", "x").file("extra", "x");
        giveTheMemoryRootTheSourceRootsAttributes();
        Map<String, String> before = memory.snapshot();

        PassSummary summary = sync(SyncOptions.defaults().withMaxDelete(5)); // 6: gone, 1, 2, sub, 3, extra

        assertThat(summary.errors()).isEqualTo(1);
        assertThat(summary.changes()).isZero();
        assertThat(memory.snapshot()).containsExactlyEntriesOf(before);
    }

    @Test
    void aPassAtTheDeletionLimitDeletesEverythingItShould() {
        src.file("keep", "k");
        memory.file("gone/1", "x").file("gone/2", "x").file("gone/sub/3", "x").file("extra", "x");

        PassSummary summary = sync(SyncOptions.defaults().withMaxDelete(6));

        assertThat(summary.errors()).isZero();
        assertMirrored();
    }

    @Test
    void excludedEntriesAreNeitherCopiedNorDeleted() {
        src.file("keep.c", "c").file("skip.o", "o").file("node_modules/x/index.js", "js").file("sub/deep.o", "o");
        memory.file("old.o", "the replica's own build output").file("node_modules/y", "the replica's own");
        Map<String, String> replicasOwn = new TreeMap<>(memory.snapshot());
        replicasOwn.keySet().retainAll(Set.of("old.o", "node_modules", "node_modules/y"));

        PassSummary summary = sync(SyncOptions.defaults()
                .withExcludes(Excludes.of(List.of("*.o", "node_modules/")), false));

        Map<String, String> expected = new TreeMap<>(Trees.snapshot(source));
        expected.keySet().removeIf(name -> name.endsWith(".o") || name.startsWith("node_modules"));
        expected.putAll(replicasOwn);
        assertThat(summary.errors()).isZero();
        assertThat(memory.snapshot()).containsExactlyEntriesOf(expected);
    }

    @Test
    void aDryRunChangesNothingAndPredictsTheRealRunsCounts() {
        src.file("new", "n").file("changed", "new content").file("dir/x", "x").link("l", "new")
                .file("same-size", "BBBB").mtime("same-size", LAST_YEAR);
        memory.file("changed", "old").file("extra", "e").file("gone/y", "y").link("l", "old").file("dir", "a file")
                .file("same-size", "AAAA").mtime("same-size", LAST_YEAR);
        Map<String, String> before = memory.snapshot();

        PassSummary planned = new Synchronizer(LocalTree.at(source), DryRunReplica.over(memory),
                SyncOptions.defaults()).runPass(Cancellation.NEVER);

        assertThat(memory.snapshot()).containsExactlyEntriesOf(before);
        PassSummary done = sync();
        assertThat(planned.counts()).isEqualTo(done.counts());
        assertThat(planned.bytesCopied()).isEqualTo(done.bytesCopied());
        assertMirrored();
    }

    @Test
    void namesWhoseUtf16OrderDiffersFromTheirByteOrderAreCopiedAndASecondPassChangesNothing() throws IOException {
        src.file(REPLACEMENT, "replacement character").file(EMOJI, "emoji").file(EMOJI + "dir/" + REPLACEMENT, "in")
                .file(REPLACEMENT + "dir/" + EMOJI, "in too").file("z", "z");
        Files.writeString(sourceEntryNamed(LATIN1_NAME), "not UTF-8");
        sync();

        PassSummary second = sync();

        assertThat(second.changes()).isZero();
        assertMirrored();
    }

    @Test
    void aByteNamePutIntoTheMemoryTreePairsWithItsTwinInTheSource() throws IOException {
        Path latin1 = sourceEntryNamed(LATIN1_NAME);
        Files.writeString(latin1, "one");
        Files.setPosixFilePermissions(latin1, PosixFilePermissions.fromString("rw-r-----"));
        Files.setLastModifiedTime(latin1, FileTime.from(LAST_YEAR));
        src.file(REPLACEMENT, "two").mode(REPLACEMENT, "rw-r-----").mtime(REPLACEMENT, LAST_YEAR)
                .file(EMOJI, "three").mode(EMOJI, "rw-r-----").mtime(EMOJI, LAST_YEAR);
        RelPath latin1InMemory = RelPath.ROOT.resolve(Name.of(LATIN1_NAME));
        memory.file(latin1InMemory, "one".getBytes(StandardCharsets.UTF_8)).mode(latin1InMemory, "rw-r-----")
                .mtime(latin1InMemory, LAST_YEAR)
                .file(REPLACEMENT, "two").mode(REPLACEMENT, "rw-r-----").mtime(REPLACEMENT, LAST_YEAR)
                .file(EMOJI, "three").mode(EMOJI, "rw-r-----").mtime(EMOJI, LAST_YEAR)
                .mode(".", PosixFilePermissions.toString(Files.getPosixFilePermissions(source)));

        PassSummary first = sync();

        assertThat(first.changes()).isZero(); // three pairs, each found equal: nothing copied, nothing deleted
        assertThat(sync().changes()).isZero();
        assertMirrored();
    }

    @Test
    void aByteNamedEntryOnlyInTheMemoryTreeIsDeleted() {
        src.file(REPLACEMENT, "kept");
        memory.file(REPLACEMENT, "kept").file(RelPath.ROOT.resolve(Name.of(LATIN1_NAME)), new byte[] {1})
                .dir(RelPath.ROOT.resolve(Name.of(new byte[] {(byte) 0xE9, 'd'})));

        PassSummary summary = sync();

        assertThat(summary.count(Operation.DELETED)).isEqualTo(1);
        assertThat(summary.count(Operation.DELETED_DIRECTORY)).isEqualTo(1);
        assertThat(summary.count(Operation.COPIED)).isZero();
        assertMirrored();
    }

    @Test
    void deletedAndOverwrittenEntriesAreKeptInTheMemoryBackup() {
        Instant start = Instant.parse("2026-01-02T03:04:05.678Z");
        Path backupDir = temp.resolve("backups");
        src.file("changed", "new content").file("keep", "k");
        memory.file("changed", "old").file("gone/a", "a").link("dangling", "nowhere").file("keep", "k");
        Map<String, String> old = memory.snapshot();

        new Synchronizer(LocalTree.at(source), memory, SyncOptions.defaults().withBackupDir(backupDir),
                Clock.fixed(start, ZoneOffset.UTC)).runPass(Cancellation.NEVER);

        String pass = Backup.forPass(backupDir, start).passDirectory().toString();
        Map<String, String> expected = new TreeMap<>();
        for (String kept : List.of("changed", "gone", "gone/a", "dangling")) {
            expected.put(pass + "/" + kept, old.get(kept));
        }
        assertThat(memory.backups()).containsExactlyEntriesOf(expected);
        assertMirrored();
    }

    @Test
    void aFileThatChangesAfterItWasListedIsNotInstalledAndIsCopiedNextPass() {
        src.file("a", "1").file("b", "grows");
        PassHooks appendToBOnceListed = new PassHooks() {
            @Override
            public void afterPlanning(RelPath dir) {
                try {
                    Files.writeString(source.resolve("b"), " more", StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };

        PassSummary summary = new Synchronizer(LocalTree.at(source), memory, SyncOptions.defaults(),
                Clock.systemUTC(), appendToBOnceListed).runPass(Cancellation.NEVER);

        assertThat(summary.count(Operation.CHANGING)).isEqualTo(1);
        assertThat(memory.snapshot()).doesNotContainKey("b");
        sync();
        assertMirrored();
    }

    /** Gives the memory root the source root's mode and time, so that a pass that only sets them changes nothing. */
    private void giveTheMemoryRootTheSourceRootsAttributes() throws IOException {
        memory.mode(".", PosixFilePermissions.toString(Files.getPosixFilePermissions(source)))
                .mtime(".", Files.getLastModifiedTime(source).toInstant());
    }

    private void removeFromSource(String relative) throws IOException {
        Path path = source.resolve(relative);
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Trees.deleteRecursively(path);
        } else {
            Files.delete(path);
        }
    }

    /** The source path of a top-level name given as bytes (a URI's percent-escapes carry any byte). */
    private Path sourceEntryNamed(byte... name) {
        StringBuilder escaped = new StringBuilder(source.toUri().toString());
        if (escaped.charAt(escaped.length() - 1) != '/') {
            escaped.append('/');
        }
        for (byte b : name) {
            escaped.append(String.format("%%%02X", b & 0xff));
        }
        return Path.of(URI.create(escaped.toString()));
    }

    @Test
    void aReplicaThatCannotBeReachedFailsThePassWithOneErrorAndTheNextPassSyncs() {
        src.file("a", "alpha").file("d/b", "beta");
        memory.reachable(false);
        Map<String, String> before = memory.snapshot();

        PassSummary unreachable = sync();

        assertThat(unreachable.errors()).isEqualTo(1);
        assertThat(unreachable.completed()).isFalse();
        assertThat(memory.snapshot()).isEqualTo(before);
        memory.reachable(true);
        assertThat(sync().errors()).isZero();
        assertMirrored();
    }

    @Test
    void aCopyThatFoundNoSpaceIsCopiedAgainOnceTheOthersHaveEnded() {
        src.file("d/a", "alpha").file("d/b", "beta").file("e/c", "gamma");
        memory.noSpaceFor("d/b", 1);

        PassSummary pass = sync();

        assertThat(pass.errors()).isZero();
        assertThat(pass.count(Operation.COPIED)).isEqualTo(3);
        assertMirrored();
    }

    @Test
    void aCopyThatFoundNoSpaceIsCopiedAgainWithoutKeepingTheOldFileTwice() {
        Instant start = Instant.parse("2026-01-02T03:04:05.678Z");
        Path backupDir = temp.resolve("backups");
        src.file("changed", "new content");
        memory.file("changed", "old");
        memory.noSpaceFor("changed", 1);

        PassSummary pass = new Synchronizer(LocalTree.at(source), memory, SyncOptions.defaults().withBackupDir(backupDir),
                Clock.fixed(start, ZoneOffset.UTC)).runPass(Cancellation.NEVER);

        assertThat(pass.errors()).isZero();
        assertThat(pass.count(Operation.UPDATED)).isEqualTo(1);
        String kept = Backup.forPass(backupDir, start).passDirectory() + "/changed";
        assertThat(memory.backups()).containsOnlyKeys(kept);
        assertMirrored();
    }

    @Test
    void aCopyThatFindsNoSpaceAgainIsOneErrorAndTheNextPassCopiesIt() {
        src.file("d/a", "alpha").file("d/b", "beta");
        memory.noSpaceFor("d/b", 2);

        PassSummary pass = sync();

        assertThat(pass.errors()).isEqualTo(1);
        assertThat(pass.count(Operation.COPIED)).isEqualTo(1);
        assertThat(sync().errors()).isZero();
        assertMirrored();
    }

    @Test
    void aReplicaLostWithCopiesUnderWayAndDirectoriesWaitingIsOneErrorNamingItsCause() {
        // 40 directories of 10 files: when the 51st install breaks the connection, copies of many directories are
        // queued or running on the copier threads, and the directories the walk has left wait for their attributes.
        for (int i = 0; i < 400; i++) {
            src.file("d" + (i % 40) + "/f" + i, "content " + i);
        }
        memory.loseConnectionAfterInstalls(50);

        PassSummary lost;
        List<String> errors;
        try (LogCapture log = new LogCapture()) {
            lost = sync();
            errors = log.errors();
        }

        assertThat(lost.completed()).isFalse();
        assertThat(lost.errors()).as("errors: %s", errors).isEqualTo(1);
        assertThat(errors).singleElement().asString().contains("lost the connection to replica",
                "Connection reset by peer");
        assertThat(lost.count(Operation.COPIED)).isLessThan(400);
        PassSummary next = sync();
        assertThat(next.errors()).isZero();
        assertMirrored();
    }
}
