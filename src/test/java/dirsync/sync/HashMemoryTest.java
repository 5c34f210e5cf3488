package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.fs.RelPath;
import dirsync.fs.Entry;
import dirsync.testing.Trees;
import dirsync.testing.TwoTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Verified-hash memory: later passes read nothing they need not, and still catch every change. */
class HashMemoryTest {

    private static final Instant LAST_YEAR = Instant.parse("2025-03-04T05:06:07.123456789Z");
    /** A clock ten seconds ahead: files written by the test count as settled, not as changed "just now". */
    private static final Clock AHEAD = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(10));

    @RegisterExtension
    final TwoTrees trees = new TwoTrees();

    @BeforeEach
    void layOut() {
        trees.src().file("a", "alpha").file("d/b", "beta").file("d/e/c", "gamma");
    }

    private static long hashedBy(Synchronizer synchronizer) {
        PassSummary summary = synchronizer.runPass(Cancellation.NEVER);
        assertThat(summary.errors()).isZero();
        return synchronizer.progress().snapshot().bytesHashed();
    }

    @Test
    void onceEveryPairIsVerifiedANoChangePassReadsNoFileData() {
        Synchronizer synchronizer = Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(), AHEAD);
        hashedBy(synchronizer); // copies
        long verifying = hashedBy(synchronizer); // hashes both sides once

        long remembered = hashedBy(synchronizer);

        assertThat(verifying).isEqualTo(2 * (5 + 4 + 5));
        assertThat(remembered).isZero();
        trees.assertSame();
    }

    @Test
    void aSameSizeSameTimeChangeInTheSourceIsStillCaught() {
        trees.src().mtime("a", LAST_YEAR);
        Synchronizer synchronizer = Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(), AHEAD);
        hashedBy(synchronizer);
        hashedBy(synchronizer);
        trees.src().file("a", "ALPHA").mtime("a", LAST_YEAR); // only the change time tells

        PassSummary summary = synchronizer.runPass(Cancellation.NEVER);

        assertThat(summary.count(Operation.UPDATED)).isEqualTo(1);
        assertThat(trees.replica().resolve("a")).hasContent("ALPHA");
    }

    @Test
    void aSameSizeSameTimeChangeInTheReplicaIsStillCaught() {
        trees.src().mtime("d/b", LAST_YEAR);
        Synchronizer synchronizer = Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(), AHEAD);
        hashedBy(synchronizer);
        hashedBy(synchronizer);
        trees.rep().file("d/b", "BETA").mtime("d/b", LAST_YEAR);

        PassSummary summary = synchronizer.runPass(Cancellation.NEVER);

        assertThat(summary.count(Operation.UPDATED)).isEqualTo(1);
        assertThat(trees.replica().resolve("d/b")).hasContent("beta");
    }

    @Test
    void aFileThatChangedJustBeforeItsPassIsNotRememberedAndIsHashedAgain() {
        Synchronizer synchronizer = Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(),
                Clock.systemUTC());
        hashedBy(synchronizer);
        hashedBy(synchronizer); // every file was written less than two seconds ago: racy

        assertThat(hashedBy(synchronizer)).isEqualTo(2 * (5 + 4 + 5));
    }

    @Test
    void aFileWithAFutureModificationTimeIsRememberedLikeAnyOther() {
        trees.src().mtime("a", Instant.now().plus(Duration.ofDays(30)));
        Synchronizer synchronizer = Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(), AHEAD);
        hashedBy(synchronizer);
        hashedBy(synchronizer);

        assertThat(hashedBy(synchronizer)).isZero();
    }

    @Test
    void aFileModifiedAtThePassStartIsNotRemembered() {
        Synchronizer synchronizer = Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(), AHEAD);
        hashedBy(synchronizer);
        trees.src().mtime("a", AHEAD.instant()); // as close to the (shifted) pass start as a test can set it
        trees.rep().mtime("a", AHEAD.instant());
        hashedBy(synchronizer);

        assertThat(hashedBy(synchronizer)).isEqualTo(2 * 5);
    }

    @Test
    void withoutTheMemoryEveryPassHashesEveryPair() {
        Synchronizer synchronizer = Mirrors.of(trees.source(), trees.replica(),
                SyncOptions.defaults().withRememberHashes(false), AHEAD);
        hashedBy(synchronizer);
        hashedBy(synchronizer);

        assertThat(hashedBy(synchronizer)).isEqualTo(2 * (5 + 4 + 5));
    }

    @Test
    void aReplacedReplicaFileIsVerifiedAgain() throws Exception {
        Synchronizer synchronizer = Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(), AHEAD);
        hashedBy(synchronizer);
        hashedBy(synchronizer);
        Path copy = trees.temp().resolve("copy");
        Files.copy(trees.replica().resolve("a"), copy);
        // a new inode
        Files.move(copy, trees.replica().resolve("a"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThat(hashedBy(synchronizer)).isEqualTo(2 * 5);
    }

    @Test
    void quickCompareTrustsEqualTimesWithoutReadingAnything() {
        trees.src().mtime("a", LAST_YEAR);
        Synchronizer quick = Mirrors.of(trees.source(), trees.replica(),
                SyncOptions.defaults().withCompare(SyncOptions.Compare.QUICK), AHEAD);
        hashedBy(quick);
        trees.src().file("a", "ALPHA").mtime("a", LAST_YEAR); // the blind spot quick mode accepts

        assertThat(hashedBy(quick)).isZero();
        assertThat(trees.replica().resolve("a")).hasContent("alpha");
    }

    @Test
    void quickCompareCopiesAFileWhoseTimeChangedWithoutHashingIt() {
        Synchronizer quick = Mirrors.of(trees.source(), trees.replica(),
                SyncOptions.defaults().withCompare(SyncOptions.Compare.QUICK), AHEAD);
        hashedBy(quick);
        trees.src().file("a", "ALPHA").mtime("a", LAST_YEAR);

        PassSummary summary = quick.runPass(Cancellation.NEVER);

        assertThat(summary.count(Operation.UPDATED)).isEqualTo(1);
        assertThat(quick.progress().snapshot().bytesHashed()).isZero();
        trees.assertSame();
    }

    @Test
    void exportedFactsLetTheNextRunReadNothing() {
        Synchronizer first = Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(), AHEAD);
        hashedBy(first);
        hashedBy(first);
        byte[] saved = first.exportHashMemory();

        Synchronizer next = Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(), AHEAD);

        assertThat(next.importHashMemory(saved)).isTrue();
        assertThat(hashedBy(next)).isZero();
    }

    @Test
    void aSourceFileRewrittenAfterItsListingIsNotRememberedThoughItsContentIsTheSame() {
        assertThat(factsAfterRewritingBeforeHashing(trees.source())).isEqualTo(2L);
    }

    @Test
    void aReplicaFileRewrittenAfterItsListingIsNotRememberedThoughItsContentIsTheSame() {
        assertThat(factsAfterRewritingBeforeHashing(trees.replica())).isEqualTo(2L);
    }

    /**
     * Verifies the three pairs while "d/b" of {@code side} is rewritten with its own content and time between
     * the listing and the hashing: each side is examined again once read, so that pair's listed state, which
     * is not the state that was read, is not remembered. Returns how many facts the pass kept.
     */
    private long factsAfterRewritingBeforeHashing(Path side) {
        trees.src().mtime("a", LAST_YEAR).mtime("d/b", LAST_YEAR).mtime("d/e/c", LAST_YEAR);
        hashedBy(Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(), AHEAD)); // copies
        AtomicBoolean rewritten = new AtomicBoolean();
        PassHooks rewriteAfterListing = new PassHooks() {
            @Override
            public void afterPlanning(RelPath dir) {
                if (dir.toString().equals("d")) {
                    Trees.at(side).file("d/b", "beta").mtime("d/b", LAST_YEAR); // only the change time tells
                    rewritten.set(true);
                }
            }
        };
        Synchronizer synchronizer = Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(), AHEAD,
                rewriteAfterListing);

        assertThat(hashedBy(synchronizer)).isEqualTo(2 * (5 + 4 + 5));
        assertThat(rewritten).isTrue();
        trees.assertSame();
        return java.nio.ByteBuffer.wrap(synchronizer.exportHashMemory()).getLong(Long.BYTES);
    }

    @Test
    void withTheMemoryOffThereIsNothingToExportOrImport() {
        Synchronizer remembering = Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(), AHEAD);
        hashedBy(remembering);
        hashedBy(remembering);
        Synchronizer forgetting = Mirrors.of(trees.source(), trees.replica(),
                SyncOptions.defaults().withRememberHashes(false), AHEAD);

        assertThat(forgetting.exportHashMemory()).isNull();
        assertThat(forgetting.importHashMemory(remembering.exportHashMemory())).isFalse();
    }

    @Test
    void aMemoryWhosePlacesAnEarlierBuildSavedStillGivesItsPairs() {
        Synchronizer first = Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(), AHEAD);
        hashedBy(first);
        hashedBy(first);
        byte[] saved = first.exportHashMemory();
        int pairs = 4 * Long.BYTES + (int) java.nio.ByteBuffer.wrap(saved).getLong(Long.BYTES) * 2 * Long.BYTES;
        java.nio.ByteBuffer earlier = java.nio.ByteBuffer.allocate(pairs + 2 * Long.BYTES)
                .put(saved, 0, pairs).putLong(0x6469727379_6e6350L).putLong(0); // "dirsyncP", no places
        Synchronizer next = Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(), AHEAD);

        assertThat(next.importHashMemory(earlier.array())).isTrue();
        assertThat(hashedBy(next)).isZero();
    }

    @Test
    void aDamagedMemoryIsIgnoredAndKeepsNothing() {
        Synchronizer first = Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(), AHEAD);
        hashedBy(first);
        hashedBy(first);
        byte[] saved = first.exportHashMemory();
        Synchronizer synchronizer = Mirrors.of(trees.source(), trees.replica(), SyncOptions.defaults(), AHEAD);

        assertThat(synchronizer.importHashMemory(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
                .isFalse();
        assertThat(synchronizer.importHashMemory(java.util.Arrays.copyOf(saved, saved.length - 1)))
                .as("truncated").isFalse();
        assertThat(synchronizer.importHashMemory(new byte[0])).isFalse();
        assertThat(synchronizer.importHashMemory(null)).isFalse();
        assertThat(hashedBy(synchronizer)).as("nothing was kept").isEqualTo(2 * (5 + 4 + 5));
        trees.assertSame();
    }

    @Test
    void factsNotMetInACompletedPassAreForgotten() {
        VerifiedPairs pairs = new VerifiedPairs();
        List<long[]> facts = new ArrayList<>();
        Instant later = Instant.now().plusSeconds(60);
        for (int i = 0; i < 5000; i++) {
            Entry sourceFile = file(i, 1);
            Entry replicaFile = file(i, 2);
            long[] fact = pairs.fingerprint(sourceFile, replicaFile);
            pairs.learn(fact, sourceFile, replicaFile, later);
            facts.add(fact);
        }
        pairs.passEnded(true);
        for (int i = 0; i < 5000; i += 2) {
            assertThat(pairs.recall(facts.get(i))).isTrue();
        }

        pairs.passEnded(true);

        for (int i = 0; i < 5000; i++) {
            assertThat(pairs.recall(facts.get(i))).as("fact %d", i).isEqualTo(i % 2 == 0);
        }
    }

    @Test
    void afterAnIncompletePassEveryFactIsKeptAndSavedForTheNextRun() {
        VerifiedPairs pairs = new VerifiedPairs();
        List<long[]> facts = new ArrayList<>();
        Instant later = Instant.now().plusSeconds(60);
        for (int i = 0; i < 6000; i++) {
            Entry sourceFile = file(i, 1);
            Entry replicaFile = file(i, 2);
            facts.add(pairs.fingerprint(sourceFile, replicaFile));
            if (i < 5000) {
                pairs.learn(facts.get(i), sourceFile, replicaFile, later);
            }
        }
        pairs.passEnded(true);
        for (int i = 0; i < 2500; i++) { // stopped after half of the old facts were met, and 1,000 new ones
            assertThat(pairs.recall(facts.get(i))).isTrue();
        }
        for (int i = 5000; i < 6000; i++) {
            pairs.learn(facts.get(i), file(i, 1), file(i, 2), later);
        }
        pairs.passEnded(false);
        VerifiedPairs nextRun = new VerifiedPairs();

        assertThat(nextRun.fromBytes(pairs.toBytes())).isTrue();

        assertThat(nextRun.size()).isEqualTo(6000);
        for (int i = 0; i < 6000; i++) {
            assertThat(nextRun.recall(facts.get(i))).as("fact %d", i).isTrue();
        }
        assertThat(nextRun.recall(pairs.fingerprint(file(6000, 1), file(6000, 2)))).isFalse();
    }

    private static Entry file(int inode, int device) {
        return Entry.file(dirsync.fs.Name.of("f" + inode), 10, FileTime.fromMillis(1_000), Set.of())
                .withIdentity(new Entry.Identity(device, inode, FileTime.fromMillis(2_000)));
    }
}
