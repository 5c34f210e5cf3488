package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.fs.dryrun.DryRunReplica;
import dirsync.fs.local.LocalTree;
import dirsync.testing.SourceWrittenWhileRead;
import dirsync.testing.Trees;
import dirsync.testing.TwoTrees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The verified-hash memory learns what a pass copies: the pass after a copy reads no file data, and still catches
 * every change made to either side since; a copy whose source changed while it was read is never trusted.
 */
class LearnedAtCopyTest {

    private static final Instant LAST_YEAR = Instant.parse("2025-03-04T05:06:07.123456789Z");
    /** A clock ten seconds ahead: files written by the test count as settled, not as changed "just now". */
    private static final Clock AHEAD = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(10));
    private static final long ALL_BYTES = 5 + 4 + 5;

    @RegisterExtension
    final TwoTrees trees = TwoTrees.withoutReplica();

    @BeforeEach
    void layOut() {
        trees.src().file("a", "alpha").file("d/b", "beta").file("d/e/c", "gamma")
                .mtime("a", LAST_YEAR).mtime("d/b", LAST_YEAR).mtime("d/e/c", LAST_YEAR);
    }

    private Synchronizer mirror(SyncOptions options, Clock clock) {
        return Mirrors.of(trees.source(), trees.replica(), options, clock);
    }

    private Synchronizer mirror() {
        return mirror(SyncOptions.defaults(), AHEAD);
    }

    /** Runs a pass, which must meet no error; returns the bytes it hashed. */
    private static long hashedBy(Synchronizer synchronizer) {
        PassSummary summary = synchronizer.runPass(Cancellation.NEVER);
        assertThat(summary.errors()).isZero();
        return synchronizer.progress().snapshot().bytesHashed();
    }

    /** How many facts the memory keeps for the next run. */
    private static long facts(Synchronizer synchronizer) {
        return ByteBuffer.wrap(synchronizer.exportHashMemory()).getLong(Long.BYTES);
    }

    @Test
    void thePassAfterACopyReadsNoFileData() {
        Synchronizer synchronizer = mirror();
        PassSummary copy = synchronizer.runPass(Cancellation.NEVER);

        long next = hashedBy(synchronizer);

        assertThat(copy.count(Operation.COPIED)).isEqualTo(3);
        assertThat(next).isZero();
        trees.assertSame();
    }

    @Test
    void theRunAfterACopyReadsNoFileData() {
        Synchronizer copying = mirror();
        hashedBy(copying);
        Synchronizer next = mirror();

        assertThat(next.importHashMemory(copying.exportHashMemory())).isTrue();

        assertThat(hashedBy(next)).isZero();
    }

    @Test
    void aFileUpdatedBecauseItsHashDifferedIsTrustedByThePassAfter() {
        Synchronizer synchronizer = mirror();
        hashedBy(synchronizer);
        trees.src().file("d/b", "BETA").mtime("d/b", LAST_YEAR); // only the change time tells
        PassSummary update = synchronizer.runPass(Cancellation.NEVER);

        long next = hashedBy(synchronizer);

        assertThat(update.count(Operation.UPDATED)).isEqualTo(1);
        assertThat(next).isZero();
        assertThat(trees.replica().resolve("d/b")).hasContent("BETA");
    }

    @Test
    void aReplicaFileRewrittenAfterItsCopyWithItsSizeAndTimeIsCaught() {
        Synchronizer synchronizer = mirror();
        hashedBy(synchronizer);
        trees.rep().file("d/b", "BETA").mtime("d/b", LAST_YEAR); // only the change time tells

        PassSummary repair = synchronizer.runPass(Cancellation.NEVER);

        assertThat(repair.count(Operation.UPDATED)).isEqualTo(1);
        assertThat(trees.replica().resolve("d/b")).hasContent("beta");
    }

    @Test
    void aSourceFileRewrittenAfterItsCopyWithItsSizeAndTimeIsCaught() {
        Synchronizer synchronizer = mirror();
        hashedBy(synchronizer);
        trees.src().file("a", "ALPHA").mtime("a", LAST_YEAR);

        PassSummary update = synchronizer.runPass(Cancellation.NEVER);

        assertThat(update.count(Operation.UPDATED)).isEqualTo(1);
        assertThat(trees.replica().resolve("a")).hasContent("ALPHA");
    }

    @Test
    void aCopyWhoseTimeIsWithinTwoSecondsOfItsInstallIsHashedByThePassAfter() {
        // Written now, copied a moment later: a write to the copy in the same clock tick could keep its time.
        trees.src().mtime("a", Instant.now());
        Synchronizer synchronizer = mirror();
        hashedBy(synchronizer);

        assertThat(hashedBy(synchronizer)).isEqualTo(2 * 5);
    }

    @Test
    void aCopyOfASourceChangedJustBeforeThePassIsHashedByThePassAfter() {
        Synchronizer synchronizer = mirror(SyncOptions.defaults(), Clock.systemUTC()); // the files' ctimes: now

        hashedBy(synchronizer);

        assertThat(hashedBy(synchronizer)).isEqualTo(2 * ALL_BYTES);
    }

    @Test
    void aDryRunLearnsNothing() {
        Synchronizer dryRun = new Synchronizer(LocalTree.at(trees.source()),
                DryRunReplica.over(LocalTree.at(trees.replica())), SyncOptions.defaults(), AHEAD);

        PassSummary wouldCopy = dryRun.runPass(Cancellation.NEVER);

        assertThat(wouldCopy.count(Operation.COPIED)).isEqualTo(3);
        assertThat(facts(dryRun)).isZero();
    }

    @Test
    void aCopyRefusedBecauseItsSourceChangedWhileReadLearnsNothingAndTheNextCopyIsTrusted() throws IOException {
        Path a = trees.source().resolve("a");
        // The same size and time each time: only the change time tells.
        SourceWrittenWhileRead source = SourceWrittenWhileRead.over(trees.source(), "a")
                .whileRead(() -> Files.setLastModifiedTime(Files.writeString(a, "ALPHA"), FileTime.from(LAST_YEAR)));
        Synchronizer synchronizer = new Synchronizer(source, LocalTree.at(trees.replica()), SyncOptions.defaults(),
                AHEAD);

        PassSummary refused = synchronizer.runPass(Cancellation.NEVER);
        long factsAfterRefusal = facts(synchronizer);
        source.leftAlone();
        hashedBy(synchronizer);

        assertThat(refused.count(Operation.CHANGING)).isEqualTo(1);
        assertThat(factsAfterRefusal).as("the other two copies only").isEqualTo(2);
        assertThat(hashedBy(synchronizer)).isZero();
        assertThat(trees.replica().resolve("a")).hasContent("ALPHA");
    }

    @Test
    void aCopyMadeAsReadWhileItsSourceChangedIsNotTrusted() throws IOException {
        Path a = trees.source().resolve("a");
        // Each copy's first read meets a rewrite of the same size and time: the copy as read of the third pass
        // holds what the file had before it.
        int[] round = {0};
        SourceWrittenWhileRead source = SourceWrittenWhileRead.over(trees.source(), "a").whileRead(() -> {
            Files.setLastModifiedTime(Files.writeString(a, "ALPH" + round[0]++ % 10), FileTime.from(LAST_YEAR));
        });
        Synchronizer synchronizer = new Synchronizer(source, LocalTree.at(trees.replica()),
                SyncOptions.defaults().withCopyUnsettled(true), AHEAD);
        for (int pass = 1; pass <= Unsettled.PASSES; pass++) {
            synchronizer.runPass(Cancellation.NEVER);
        }
        assertThat(trees.replica().resolve("a")).as("copied as read in the last pass").hasContent("ALPH1");
        source.leftAlone(); // the source, "ALPH2", holds still from now on

        PassSummary next = synchronizer.runPass(Cancellation.NEVER);

        assertThat(next.count(Operation.UPDATED)).isEqualTo(1);
        Trees.assertSameTree(trees.source(), trees.replica());
    }
}
