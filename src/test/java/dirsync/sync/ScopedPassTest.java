package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.fs.RelPath;
import dirsync.testing.LogCapture;
import dirsync.testing.TwoTrees;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Passes over part of the tree (what watch mode runs between full passes): they cover the directories of their
 * {@link PassScope} and nothing else, never write through a link, never enter what is excluded, and their
 * deletions meet the guards as one.
 */
class ScopedPassTest {

    @RegisterExtension
    final TwoTrees trees = new TwoTrees();

    private Synchronizer mirror(SyncOptions options) {
        return Mirrors.of(trees.source(), trees.replica(), options);
    }

    private PassSummary pass(Synchronizer mirror, PassScope.Builder scope) {
        return mirror.runPass(Cancellation.NEVER, scope.build());
    }

    private Synchronizer mirroredOnce(SyncOptions options) {
        Synchronizer mirror = mirror(options);
        mirror.runPass(Cancellation.NEVER);
        trees.assertSame();
        return mirror;
    }

    @Test
    void aDirectoryInScopeIsSyncedAndOneOutsideIsNot() {
        trees.src().file("a/1", "one").file("b/2", "two");
        Synchronizer mirror = mirroredOnce(SyncOptions.defaults());
        trees.src().file("a/1", "changed").file("a/new", "n").file("b/2", "changed too");

        PassSummary summary = pass(mirror, PassScope.builder().directory(RelPath.of("a")));

        assertThat(summary.errors()).isZero();
        assertThat(trees.replica().resolve("a/1")).hasContent("changed");
        assertThat(trees.replica().resolve("a/new")).hasContent("n");
        assertThat(trees.replica().resolve("b/2")).as("outside the scope").hasContent("two");
    }

    @Test
    void aNewSubdirectoryOfADirectoryInScopeArrivesWhole() {
        trees.src().file("a/1", "one");
        Synchronizer mirror = mirroredOnce(SyncOptions.defaults());
        trees.src().file("a/new/x/y/z", "deep").file("a/new/top", "t");

        pass(mirror, PassScope.builder().directory(RelPath.of("a")));

        trees.assertSame();
    }

    @Test
    void aFileMovedBetweenTwoDirectoriesInScopeIsRenamedNotCopied() throws IOException {
        trees.src().file("a/x", "moved content").file("b/y", "y");
        Synchronizer mirror = mirroredOnce(SyncOptions.defaults());
        Files.move(trees.source().resolve("a/x"), trees.source().resolve("b/x"));

        PassSummary summary = pass(mirror, PassScope.builder().directory(RelPath.of("a")).directory(RelPath.of("b")));

        assertThat(summary.errors()).isZero();
        assertThat(summary.count(Operation.MOVED)).isEqualTo(1);
        assertThat(summary.bytesCopied()).isZero();
        trees.assertSame();
    }

    @Test
    void aDirectoryMovedWithinTheScopeIsMadeAnewSoThatTheWalkEntersItAndItsFilesAreMovedIntoIt() throws IOException {
        trees.src().file("d/sub/x", "x");
        Synchronizer mirror = mirroredOnce(SyncOptions.defaults());
        Files.move(trees.source().resolve("d"), trees.source().resolve("e"));

        try (LogCapture capture = new LogCapture()) {
            PassSummary summary = pass(mirror, PassScope.builder().directory(RelPath.ROOT));

            assertThat(summary.errors()).isZero();
            assertThat(summary.count(Operation.CREATED_DIRECTORY)).isEqualTo(2);
            assertThat(capture.messages()).contains("moved file d/sub/x -> e/sub/x")
                    .noneMatch(line -> line.startsWith("moved directory"));
            assertThat(summary.bytesCopied()).isZero();
        }
        trees.assertSame();
    }

    @Test
    void anExistingSubdirectoryIsLeftAloneUnlessTheWholeSubtreeIsInScope() {
        trees.src().file("a/old/x", "one");
        Synchronizer mirror = mirroredOnce(SyncOptions.defaults());
        trees.src().file("a/old/x", "changed");

        pass(mirror, PassScope.builder().directory(RelPath.of("a")));
        assertThat(trees.replica().resolve("a/old/x")).hasContent("one");

        pass(mirror, PassScope.builder().subtree(RelPath.of("a")));
        trees.assertSame();
    }

    @Test
    void aDirectoryTheReplicaLacksIsReachedThroughTheDeepestOneItHas() {
        trees.src().file("keep", "k");
        Synchronizer mirror = mirroredOnce(SyncOptions.defaults());
        trees.src().file("a/b/c/file", "f").file("a/other", "o");

        PassSummary summary = pass(mirror, PassScope.builder().directory(RelPath.of("a/b/c")));

        assertThat(summary.errors()).isZero();
        trees.assertSame();
    }

    @Test
    void aLinkInTheReplicaWhereTheSourceHasADirectoryIsReplacedNeverWrittenThrough() throws IOException {
        Path outside = Files.createDirectories(trees.outside());
        trees.src().file("a/secret", "from the source");
        trees.rep().link("a", outside.toString());
        Synchronizer mirror = mirror(SyncOptions.defaults());

        pass(mirror, PassScope.builder().directory(RelPath.of("a")));

        assertThat(outside).isEmptyDirectory();
        assertThat(trees.replica().resolve("a/secret")).hasContent("from the source");
        trees.assertSame();
    }

    @Test
    void aSourceDirectoryReplacedByALinkBecomesALinkThoughTheScopeNamesWhatWasInIt() throws IOException {
        Path outside = Files.createDirectories(trees.outside());
        Files.writeString(outside.resolve("file"), "not to be copied");
        trees.src().file("d/sub/file", "x");
        Synchronizer mirror = mirroredOnce(SyncOptions.defaults());
        Trees.deleteRecursively(trees.source().resolve("d"));
        trees.src().link("d", outside.toString());

        PassSummary summary = pass(mirror, PassScope.builder().directory(RelPath.of("d/sub"))
                .directory(RelPath.ROOT));

        assertThat(summary.errors()).isZero();
        assertThat(Files.isSymbolicLink(trees.replica().resolve("d"))).isTrue();
        assertThat(outside.resolve("sub")).doesNotExist();
        trees.assertSame();
    }

    @Test
    void anExcludedDirectoryIsNotEnteredThoughTheScopeNamesIt() {
        trees.src().file("keep", "k");
        SyncOptions options = SyncOptions.defaults().withExcludes(Excludes.of(java.util.List.of("cache/")), false);
        Synchronizer mirror = mirroredOnce(options);
        trees.src().file("cache/big", "never copied");

        pass(mirror, PassScope.builder().subtree(RelPath.of("cache")).directory(RelPath.of("cache")));

        assertThat(trees.replica().resolve("cache")).doesNotExist();
    }

    @Test
    void theDeletionsOfAllDirectoriesInScopeMeetTheLimitTogether() {
        trees.src().file("a/1", "x").file("a/2", "x").file("b/1", "x").file("b/2", "x");
        Synchronizer mirror = mirroredOnce(SyncOptions.defaults().withMaxDelete(3));
        Map<String, String> before = Trees.snapshot(trees.replica());
        Trees.deleteRecursively(trees.source().resolve("a"));
        Trees.deleteRecursively(trees.source().resolve("b"));
        trees.src().dir("a").dir("b");
        trees.src().mtime("a", Instant.parse("2024-01-01T00:00:00Z")).mtime("b", Instant.parse("2024-01-01T00:00:00Z"));

        PassSummary summary = pass(mirror, PassScope.builder().directory(RelPath.of("a")).directory(RelPath.of("b")));

        assertThat(summary.errors()).isEqualTo(1);
        assertThat(summary.count(Operation.DELETED)).isZero();
        assertThat(Trees.snapshot(trees.replica())).isEqualTo(before);
    }

    @Test
    void withAWindowTheLimitCountsWhatEarlierPassesDeletedWithinIt() {
        trees.src().file("a/1", "x").file("a/2", "x").file("b/1", "x").file("b/2", "x");
        MovableClock clock = new MovableClock(Instant.parse("2026-06-01T10:00:00Z"));
        SyncOptions options = SyncOptions.defaults().withMaxDelete(3).withDeleteWindow(Duration.ofHours(1));
        Synchronizer mirror = Mirrors.of(trees.source(), trees.replica(), options, clock);
        mirror.runPass(Cancellation.NEVER);
        clock.advance(Duration.ofMinutes(1));
        deleteFiles("a/1", "a/2");
        assertThat(pass(mirror, PassScope.builder().directory(RelPath.of("a"))).count(Operation.DELETED))
                .isEqualTo(2);

        clock.advance(Duration.ofMinutes(1));
        deleteFiles("b/1", "b/2");
        PassSummary refused = pass(mirror, PassScope.builder().directory(RelPath.of("b")));
        assertThat(refused.errors()).as("2 now and 2 a minute ago are more than 3").isEqualTo(1);
        assertThat(trees.replica().resolve("b/1")).exists();

        clock.advance(Duration.ofHours(1));
        PassSummary later = pass(mirror, PassScope.builder().directory(RelPath.of("b")));
        assertThat(later.errors()).isZero();
        trees.assertSame();
    }

    @Test
    void afterARefusalALaterSmallerBurstDeletesNothingWithinTheWindow() {
        trees.src().file("a/1", "x").file("a/2", "x").file("a/3", "x").file("a/4", "x").file("b/1", "x")
                .file("b/2", "x");
        MovableClock clock = new MovableClock(Instant.parse("2026-06-01T10:00:00Z"));
        Synchronizer mirror = Mirrors.of(trees.source(), trees.replica(), windowOf(3), clock);
        mirror.runPass(Cancellation.NEVER);
        clock.advance(Duration.ofMinutes(1));
        deleteFiles("a/1", "a/2", "a/3", "a/4");
        assertThat(pass(mirror, PassScope.builder().directory(RelPath.of("a"))).errors()).as("4 are more than 3")
                .isEqualTo(1);

        clock.advance(Duration.ofHours(1).minusSeconds(1));
        deleteFiles("b/1");
        PassSummary held;
        try (LogCapture log = new LogCapture()) {
            held = pass(mirror, PassScope.builder().directory(RelPath.of("b")));
            assertThat(log.messages()).anySatisfy(line -> assertThat(line).contains("deleted nothing in the replica this pass: "
                    + "it would delete 1 entry, but deletions are held: a pass 3599 s earlier was refused (more "
                            + "than --max-delete 3 allows in 3600 s), and nothing is deleted for 1 s more"));
        }

        assertThat(held.errors()).as("1 alone is within 3, but a refusal holds deletions for the hour")
                .isEqualTo(1);
        assertThat(held.count(Operation.DELETED)).isZero();
        assertThat(trees.replica().resolve("b/1")).exists();
        clock.advance(Duration.ofSeconds(1));
        assertThat(pass(mirror, PassScope.builder().directory(RelPath.of("b"))).count(Operation.DELETED))
                .as("an hour after the refused pass").isEqualTo(1);
    }

    @Test
    void theTotalDeletedWithinTheWindowNeverExceedsTheLimit() {
        // An rm -rf in bursts of irregular sizes at irregular times over three hours, each burst in the next
        // directory, as rm walks the tree: {minute, files}.
        int[][] bursts = {{1, 2}, {3, 5}, {10, 1}, {12, 7}, {20, 1}, {30, 1}, {45, 2}, {58, 4}, {62, 1}, {70, 3},
                {80, 1}, {95, 6}, {121, 1}, {130, 2}, {150, 8}, {170, 1}, {185, 3}};
        int files = 0;
        for (int d = 0; d < bursts.length; d++) {
            for (int i = 0; i < 10; i++, files++) {
                trees.src().file("d" + d + "/" + i, "x");
            }
        }
        MovableClock clock = new MovableClock(Instant.parse("2026-06-01T10:00:00Z"));
        Synchronizer mirror = Mirrors.of(trees.source(), trees.replica(), windowOf(10), clock);
        mirror.runPass(Cancellation.NEVER);
        Instant start = clock.instant();
        Map<Instant, Long> deletedAt = new java.util.TreeMap<>();
        for (int d = 0; d < bursts.length; d++) {
            clock.advance(Duration.between(clock.instant(), start.plus(Duration.ofMinutes(bursts[d][0]))));
            for (int i = 0; i < bursts[d][1]; i++) {
                deleteFiles("d" + d + "/" + i);
            }
            deletedAt.put(clock.instant(), pass(mirror, PassScope.builder().directory(RelPath.of("d" + d)))
                    .count(Operation.DELETED));
        }

        for (Instant passStart : deletedAt.keySet()) {
            long inWindow = deletedAt.entrySet().stream()
                    .filter(other -> !other.getKey().isAfter(passStart)
                            && other.getKey().isAfter(passStart.minus(Duration.ofHours(1))))
                    .mapToLong(Map.Entry::getValue).sum();
            assertThat(inWindow).as("deleted in the hour up to %s", passStart).isLessThanOrEqualTo(10);
        }
        long deleted = deletedAt.values().stream().mapToLong(Long::longValue).sum();
        assertThat(deleted).as("the first bursts within the limit were deleted").isGreaterThanOrEqualTo(8);
        assertThat(Trees.snapshot(trees.replica()).keySet()).filteredOn(path -> path.contains("/"))
                .hasSize((int) (files - deleted));
    }

    @Test
    void aFullPassWithinTheWindowAfterARefusalCopiesButDeletesNothing() {
        trees.src().file("a/1", "x").file("a/2", "x").file("a/3", "x").file("a/4", "x").file("b/1", "x")
                .file("b/2", "old");
        MovableClock clock = new MovableClock(Instant.parse("2026-06-01T10:00:00Z"));
        Synchronizer mirror = Mirrors.of(trees.source(), trees.replica(), windowOf(3), clock);
        mirror.runPass(Cancellation.NEVER);
        clock.advance(Duration.ofMinutes(1));
        deleteFiles("a/1", "a/2", "a/3", "a/4");
        assertThat(pass(mirror, PassScope.builder().directory(RelPath.of("a"))).errors()).isEqualTo(1);
        trees.src().file("a/1", "x").file("a/2", "x").file("a/3", "x").file("a/4", "x"); // put back
        deleteFiles("b/1");
        trees.src().file("b/2", "new content").file("b/new", "n");
        clock.advance(Duration.ofMinutes(30));

        PassSummary full = mirror.runPass(Cancellation.NEVER);

        assertThat(full.errors()).as("1 deletion is within 3, but the refusal holds deletions").isEqualTo(1);
        assertThat(full.count(Operation.DELETED)).isZero();
        assertThat(trees.replica().resolve("b/1")).exists();
        assertThat(trees.replica().resolve("b/2")).hasContent("new content");
        assertThat(trees.replica().resolve("b/new")).hasContent("n");
    }

    @Test
    void aFullPassAfterTheWindowMeetsTheLimitAgainWithAllThatIsLeftToDelete() {
        trees.src().file("a/1", "x").file("a/2", "x").file("a/3", "x").file("a/4", "x").file("b/1", "x");
        MovableClock clock = new MovableClock(Instant.parse("2026-06-01T10:00:00Z"));
        Synchronizer mirror = Mirrors.of(trees.source(), trees.replica(), windowOf(3), clock);
        mirror.runPass(Cancellation.NEVER);
        clock.advance(Duration.ofMinutes(1));
        deleteFiles("a/1", "a/2", "a/3", "a/4");
        assertThat(pass(mirror, PassScope.builder().directory(RelPath.of("a"))).errors()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(61));

        PassSummary full = mirror.runPass(Cancellation.NEVER);
        assertThat(full.errors()).as("the 4 are still more than 3").isEqualTo(1);
        deleteFiles("b/1");
        clock.advance(Duration.ofMinutes(10));
        PassSummary later = pass(mirror, PassScope.builder().directory(RelPath.of("b")));

        assertThat(later.errors()).as("that refusal holds deletions for another hour").isEqualTo(1);
        assertThat(trees.replica().resolve("a/1")).exists();
        assertThat(trees.replica().resolve("b/1")).exists();
    }

    private static SyncOptions windowOf(long maxDelete) {
        return SyncOptions.defaults().withMaxDelete(maxDelete).withDeleteWindow(Duration.ofHours(1));
    }

    @Test
    void aPassOverPartOfTheTreeKeepsTheVerifiedPairsOfTheRest() {
        trees.src().file("a/1", "alpha").file("b/2", "beta");
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(10)); // the files count as settled
        Synchronizer mirror = Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(), ahead);
        mirror.runPass(Cancellation.NEVER); // copies
        mirror.runPass(Cancellation.NEVER); // verifies both pairs by hashing
        assertThat(mirror.progress().snapshot().bytesHashed()).isEqualTo(2 * (5 + 4));
        pass(mirror, PassScope.builder().directory(RelPath.of("a")));

        mirror.runPass(Cancellation.NEVER);

        assertThat(mirror.progress().snapshot().bytesHashed()).as("the pairs of b, outside the scope, too")
                .isZero();
    }

    @Test
    void aFileWithANameOutsideTheScopeIsOneFileWithSeveralNamesAgainAfterTheNextFullPass() throws IOException {
        trees.src().file("a/x", "shared content").hardLink("b/y", "a/x");
        Synchronizer mirror = mirroredOnce(SyncOptions.defaults());
        Files.writeString(trees.source().resolve("a/x"), "changed through one name");

        pass(mirror, PassScope.builder().directory(RelPath.of("a")));
        assertThat(trees.replica().resolve("a/x")).hasContent("changed through one name");

        mirror.runPass(Cancellation.NEVER);
        trees.assertSame(Trees.Detail.HARD_LINKS);
    }

    private void deleteFiles(String... relative) {
        for (String path : relative) {
            try {
                Files.delete(trees.source().resolve(path));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** A clock a test moves by hand. */
    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
