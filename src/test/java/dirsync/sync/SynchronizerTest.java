package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dirsync.fs.Cancellation;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaTree;
import dirsync.fs.local.LocalTree;
import dirsync.testing.LogCapture;
import dirsync.testing.Trees;
import dirsync.testing.TwoTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What one pass does to a real replica on disk: each test one behaviour, each checked against the whole tree. */
class SynchronizerTest {

    private static final Instant LAST_YEAR = Instant.parse("2025-03-04T05:06:07.123456789Z");

    @RegisterExtension
    final TwoTrees trees = new TwoTrees();

    /** The replica under test; a test that needs another one (a longer path) replaces it. */
    ReplicaUnderTest replica;

    @BeforeEach
    void plugInTheReplica() {
        replica = replicaUnderTest();
    }

    /** The replica every behaviour runs against: a directory here, written through {@link #replicaTree}. */
    ReplicaUnderTest replicaUnderTest() {
        return ReplicaUnderTest.at(replicaRoot(), this::replicaTree);
    }

    /** Where the replica lives: a directory of the platform's file system here; subclasses move it elsewhere. */
    Path replicaRoot() {
        return trees.replica();
    }

    /** Whether the replica is on the platform's file system (some behaviours need its kernel: PATH_MAX, FIFOs). */
    boolean replicaOnPlatform() {
        return true;
    }

    /** Whether the replica keeps a name that is not UTF-8 byte for byte (a provider whose names are Strings cannot). */
    boolean replicaKeepsByteNames() {
        return replicaOnPlatform();
    }

    /** The tree a pass writes the replica directory through: a local tree here; subclasses reach it another way. */
    ReplicaTree replicaTree(Path replica) {
        return LocalTree.at(replica);
    }

    /** What a comparison of the replica with the source leaves out or adds (whole seconds, for SFTP). */
    Trees.Detail[] compared() {
        return new Trees.Detail[0];
    }

    /** The replica holds what the source holds (see {@link Trees#assertSameTree}), with what this replica keeps. */
    void assertMirrored() {
        assertThat(replica.snapshot(".", compared())).as("the replica compared with the source %s", trees.source())
                .containsExactlyEntriesOf(Trees.snapshot(trees.source(), compared()));
    }

    private PassSummary sync() {
        return Mirrors.of(trees.source(), replica.tree(), false).runPass(Cancellation.NEVER);
    }

    private PassSummary dryRun() {
        return Mirrors.of(trees.source(), replica.tree(), true).runPass(Cancellation.NEVER);
    }

    /** A synchronizer over this replica, with these hooks. */
    Synchronizer mirror(PassHooks hooks) {
        return Mirrors.of(trees.source(), replica.tree(), SyncOptions.defaults(), hooks);
    }

    @Test
    void copiesANewTreeWithEmptyDirectoriesIntoAnEmptyReplica() {
        trees.src().file("a.txt", "alpha").file("docs/guide/b.md", "# b").dir("empty").dir("docs/also-empty");

        PassSummary summary = sync();

        assertMirrored();
        assertThat(summary.count(Operation.COPIED)).isEqualTo(2);
        assertThat(summary.count(Operation.CREATED_DIRECTORY)).isEqualTo(4);
        assertThat(summary.bytesCopied()).isEqualTo(8);
        assertThat(summary.errors()).isZero();
        assertThat(summary.completed()).isTrue();
    }

    @Test
    void createsAReplicaRootThatDoesNotExist() throws IOException {
        trees.src().file("a", "1");
        replica.remove();

        sync();

        assertMirrored();
    }

    @Test
    void aSecondPassOverAnIdenticalTreeChangesNothing() {
        trees.src().file("a", "1").file("d/b", "2").link("l", "a").dir("e");
        sync();

        PassSummary second = sync();

        assertThat(second.changes()).isZero();
        assertThat(second.bytesCopied()).isZero();
        assertMirrored();
    }

    @Test
    void mirrorsHiddenFilesAndTheFoldersFilecmpIgnores() {
        trees.src().file(".hidden", "h").file(".git/config", "[core]").file("CVS/Entries", "e")
                .file("__pycache__/m.cpython-311.pyc", "pyc").file("tags", "t").file("sub/tags", "t2");

        sync();

        assertMirrored();
    }

    @Test
    void updatesAFileWhoseSizeChanged() {
        trees.src().file("a", "short");
        sync();
        trees.src().file("a", "much longer now");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.UPDATED)).isEqualTo(1);
        assertMirrored();
    }

    @Test
    void catchesAContentChangeWithTheSameSizeAndTheSameModificationTime() {
        trees.src().file("a", "AAAA").mtime("a", LAST_YEAR);
        sync();
        trees.src().file("a", "BBBB").mtime("a", LAST_YEAR);

        PassSummary summary = sync();

        assertThat(summary.count(Operation.UPDATED)).isEqualTo(1);
        assertThat(replica.text("a")).contains("BBBB");
        assertMirrored();
    }

    @Test
    void catchesAStealthChangeMadeInTheReplica() {
        trees.src().file("a", "AAAA").mtime("a", LAST_YEAR);
        sync();
        replica.layout().file("a", "XXXX").mtime("a", LAST_YEAR);

        sync();

        assertThat(replica.text("a")).contains("AAAA");
    }

    @Test
    void deletesFilesAndLinksMissingFromTheSource() {
        trees.src().file("keep", "k");
        replica.layout().file("keep", "k").file("gone", "g").link("dangling", "nowhere");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.DELETED)).isEqualTo(2);
        assertMirrored();
    }

    @Test
    void deletesDirectoryTreesMissingFromTheSource() {
        trees.src().file("keep", "k");
        replica.layout().file("old/a", "a").file("old/deep/b", "b").dir("old/deep/empty").link("old/l", "a");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.DELETED_DIRECTORY)).isEqualTo(1);
        assertMirrored();
    }

    @Test
    void removesALeftoverTemporaryFileOfAKilledRun() {
        trees.src().file("a", "1");
        replica.layout().file(".dirsync-0123456789abcdef.tmp", "half written");

        sync();

        assertMirrored();
    }

    /** The kinds an entry can have, for the type-change table. */
    enum Kind {
        FILE, DIRECTORY, SYMLINK, FIFO;

        void make(Trees.Layout tree, String name) {
            switch (this) {
                case FILE -> tree.file(name, "a file called " + name);
                case DIRECTORY -> tree.file(name + "/inside", "inside").dir(name + "/empty");
                case SYMLINK -> tree.link(name, "some/target");
                case FIFO -> tree.fifo(name);
            }
        }
    }

    @ParameterizedTest(name = "replica {0} becomes the source''s {1}")
    @EnumSource(value = Kind.class, names = {"FILE", "DIRECTORY", "SYMLINK"})
    void replacesAnEntryWhoseTypeChanged(Kind sourceKind) {
        for (Kind replicaKind : Kind.values()) {
            if (replicaKind == sourceKind || (replicaKind == Kind.FIFO && !replicaOnPlatform())) {
                continue; // a FIFO exists only on the platform's file system
            }
            String name = "was-" + replicaKind;
            sourceKind.make(trees.src(), name);
            replicaKind.make(replica.layout(), name);
        }

        PassSummary summary = sync();

        assertThat(summary.count(Operation.REPLACED)).isEqualTo(replicaOnPlatform() ? 3 : 2);
        assertThat(summary.errors()).isZero();
        assertMirrored();
    }

    @Test
    void copiesSymlinksAsLinksWithTheSameTargetText() {
        trees.src().file("target.txt", "t").link("relative", "target.txt")
                .link("absolute", trees.temp().resolve("anywhere").toString())
                .link("dangling", "does/not/exist").link("dir/up", "../target.txt");

        sync();

        assertMirrored();
        assertThat(replica.linkTarget("relative")).isPresent();
    }

    @Test
    void updatesALinkWhoseTargetChanged() throws IOException {
        trees.src().link("l", "one");
        sync();
        Files.delete(trees.source().resolve("l"));
        trees.src().link("l", "two");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.UPDATED)).isEqualTo(1);
        assertThat(replica.linkTarget("l")).contains("two");
    }

    @Test
    void neverFollowsALinkInTheSource() {
        Trees.at(trees.outside()).file("secret", "outside data");
        trees.src().link("to-outside", trees.outside().toString());

        sync();

        assertThat(replica.linkTarget("to-outside")).isPresent();
        assertMirrored();
    }

    @Test
    void aReplicaLinkToAnOutsideDirectoryIsRemovedAsALinkAndTheOutsideSurvives() {
        Trees.at(trees.outside()).file("precious", "keep me").file("sub/more", "and me");
        Map<String, String> outsideBefore = Trees.snapshot(trees.outside());
        trees.src().file("a", "1");
        replica.layout().link("extra", trees.outside().toString());

        sync();

        assertMirrored();
        assertThat(Trees.snapshot(trees.outside())).isEqualTo(outsideBefore);
    }

    @Test
    void aReplicaLinkWhereTheSourceHasADirectoryIsReplacedWithoutWritingThroughIt() {
        Trees.at(trees.outside()).file("precious", "keep me");
        Map<String, String> outsideBefore = Trees.snapshot(trees.outside());
        trees.src().file("data/new", "new").file("data/precious", "source version");
        replica.layout().link("data", trees.outside().toString());

        sync();

        assertMirrored();
        assertThat(Trees.snapshot(trees.outside())).isEqualTo(outsideBefore);
    }

    @Test
    void aReplicaLinkWhereTheSourceHasAFileIsReplacedWithoutWritingThroughIt() {
        Trees.at(trees.outside()).file("precious", "keep me");
        Map<String, String> outsideBefore = Trees.snapshot(trees.outside());
        trees.src().file("f", "source version, longer than the outside file");
        replica.layout().link("f", trees.outside().resolve("precious").toString());

        sync();

        assertMirrored();
        assertThat(Trees.snapshot(trees.outside())).isEqualTo(outsideBefore);
    }

    @Test
    void skipsASpecialFileWithoutOpeningIt() {
        trees.src().fifo("pipe").file("after", "still copied");

        PassSummary summary = assertTimeoutPreemptively(Duration.ofSeconds(10), this::sync,
                "opening a FIFO would block forever");

        assertThat(summary.count(Operation.SKIPPED)).isEqualTo(1);
        assertThat(replica.snapshot(".")).doesNotContainKey("pipe");
        assertThat(replica.text("after")).contains("still copied");
    }

    @Test
    void deletesASpecialFileInTheReplica() {
        assumeTrue(replicaOnPlatform(), "a FIFO exists only on the platform's file system");
        trees.src().file("a", "1");
        replica.layout().fifo("pipe");

        assertTimeoutPreemptively(Duration.ofSeconds(10), this::sync);

        assertMirrored();
    }

    @Test
    void carriesPermissionsAndModificationTimesOfFilesAndDirectories() {
        trees.src().file("private", "p").mode("private", "rw-------").file("script", "#!/bin/sh")
                .mode("script", "rwxr-x---")
                .file("locked/readonly", "r").mode("locked/readonly", "r--r--r--").mtime("locked/readonly", LAST_YEAR)
                .mtime("private", LAST_YEAR).mode("locked", "r-x------").mtime("locked", LAST_YEAR)
                .mode(".", "rwxr-x---").mtime(".", LAST_YEAR);

        sync();

        assertMirrored();
    }

    @Test
    void fixesAttributesOfAnUnchangedFileWithoutCopyingIt() {
        trees.src().file("a", "same");
        sync();
        trees.src().mode("a", "rwx------").mtime("a", LAST_YEAR);

        PassSummary summary = sync();

        assertThat(summary.count(Operation.ATTRIBUTES)).isEqualTo(1);
        assertThat(summary.bytesCopied()).isZero();
        assertMirrored();
    }

    @Test
    void keepsSyncingInsideAReadOnlyDirectory() {
        trees.src().file("ro/a", "1").mode("ro", "r-x------");
        sync();
        trees.src().mode("ro", "rwx------").file("ro/b", "2").file("ro/a", "changed").mode("ro", "r-x------");

        PassSummary summary = sync();

        assertThat(summary.errors()).isZero();
        assertMirrored();
    }

    @Test
    void aDryRunChangesNothingAndReportsWhatTheRealRunThenDoes() {
        trees.src().file("new", "n").file("changed", "new content").file("dir/x", "x").link("l", "new");
        replica.layout().file("changed", "old").file("extra", "e").file("gone/y", "y").link("l", "old")
                .file("dir", "a file");
        Map<String, String> before = replica.snapshot(".");

        PassSummary planned = dryRun();

        assertThat(replica.snapshot(".")).isEqualTo(before);
        PassSummary done = sync();
        assertThat(planned.counts()).isEqualTo(done.counts());
        assertThat(planned.bytesCopied()).isEqualTo(done.bytesCopied());
        assertMirrored();
    }

    @Test
    void aDryRunIntoAMissingReplicaCreatesNothing() throws IOException {
        trees.src().file("a/b", "1");
        replica.remove();

        PassSummary planned = dryRun();

        assertThat(replica.exists()).isFalse();
        assertThat(planned.count(Operation.COPIED)).isEqualTo(1);
        assertThat(planned.count(Operation.CREATED_DIRECTORY)).isEqualTo(2);
    }

    @Test
    void anErrorOnOneEntryIsCountedAndThePassGoesOn() throws IOException {
        // A replica root 200 bytes longer than the source root pushes the deep path past PATH_MAX (4096) on the
        // replica side only: a real ENAMETOOLONG that even root gets.
        replica = ReplicaUnderTest.at(trees.temp().resolve("r".repeat(200)), this::replicaTree);
        String level = "d".repeat(250);
        Path deep = trees.source();
        while (deep.toString().length() + level.length() + 3 < 4090) {
            deep = deep.resolve(level);
        }
        Files.createDirectories(deep);
        Files.writeString(deep.resolve("f"), "deep");
        trees.src().file("a-before", "1").file("z-after", "2");

        PassSummary summary = sync();

        assertThat(summary.errors()).isGreaterThanOrEqualTo(1);
        assertThat(summary.completed()).isTrue();
        assertThat(replica.text("a-before")).contains("1");
        assertThat(replica.text("z-after")).contains("2");
    }

    @Test
    void aMissingSourceRootIsAnErrorAndDeletesNothing() throws IOException {
        replica.layout().file("precious", "p");
        Map<String, String> before = replica.snapshot(".");
        Files.delete(trees.source());

        PassSummary summary = sync();

        assertThat(summary.errors()).isEqualTo(1);
        assertThat(replica.snapshot(".")).isEqualTo(before);
    }

    @Test
    void aMissingSourceRootIsOneErrorLineThatNamesItInWords() throws IOException {
        Files.delete(trees.source());

        try (LogCapture capture = new LogCapture()) {
            sync();

            assertThat(capture.errors()).singleElement().asString()
                    .startsWith("cannot read the source directory: ").doesNotContain(" .:");
        }
    }

    @Test
    void aSourceRootThatIsNoLongerADirectoryIsOneErrorLineWithoutADot() throws IOException {
        Files.delete(trees.source());
        Files.writeString(trees.source(), "a file now");

        try (LogCapture capture = new LogCapture()) {
            sync();

            assertThat(capture.errors()).containsExactly("the source is no longer a directory");
        }
    }

    @Test
    void aMissingReplicaRootIsCreatedWithALineThatNamesIt() throws IOException {
        trees.src().file("a", "1");
        replica.remove();

        try (LogCapture capture = new LogCapture()) {
            sync();

            assertThat(capture.messages()).contains("created the replica directory, which was missing")
                    .noneMatch(line -> line.equals("created directory ."));
        }
    }

    @Test
    void aSourceDirectoryThatCannotBeListedKeepsItsReplicaCounterpart() {
        assumeFalse(isRoot(), "root can list a directory with mode 000; UnprivilegedIT covers this as user nobody");
        trees.src().file("locked/a", "1").file("open/b", "2");
        sync();
        replica.layout().file("locked/only-in-replica", "keep");
        Map<String, String> lockedBefore = replica.snapshot("locked");
        trees.src().mode("locked", "---------");
        try {
            PassSummary summary = sync();

            assertThat(summary.errors()).isEqualTo(1);
            assertThat(replica.snapshot("locked")).isEqualTo(lockedBefore);
        } finally {
            trees.src().mode("locked", "rwx------");
        }
    }

    @Test
    void aFileThatVanishesBeforeItsCopyIsReportedButIsNoError() {
        trees.src().file("a", "1").file("b", "vanishes").file("c", "3");
        PassHooks deleteBOnceListed = afterPlanning(".", () -> Files.delete(trees.source().resolve("b")));

        PassSummary summary = mirror(deleteBOnceListed)
                .runPass(Cancellation.NEVER);

        assertThat(summary.count(Operation.VANISHED)).isEqualTo(1);
        assertThat(summary.errors()).isZero();
        assertThat(replica.text("c")).contains("3");
        sync(); // the source root's time changed mid-pass: the next pass carries it over
        assertMirrored();
    }

    @Test
    void aSourceDirectoryThatBecomesAFileMidPassIsReportedButIsNoError() {
        trees.src().file("d/f", "x");
        PassHooks swapBeforeListingD = new PassHooks() {
            @Override
            public void beforeListing(RelPath dir) {
                if (dir.equals(RelPath.of("d"))) {
                    Trees.deleteRecursively(trees.source().resolve("d"));
                    trees.src().file("d", "now a file");
                }
            }
        };

        PassSummary summary = mirror(swapBeforeListingD)
                .runPass(Cancellation.NEVER);

        assertThat(summary.errors()).isZero();
        assertThat(summary.count(Operation.VANISHED)).isEqualTo(1);
        sync();
        assertMirrored();
    }

    @Test
    void aDirectoryChangedAfterItsParentWasListedGetsTheTimeItHasOnceListed() throws IOException {
        trees.src().file("d/kept", "k").file("d/gone", "g").mtime("d", Instant.parse("2020-01-01T00:00:00Z"));
        PassHooks deleteFromDBeforeItsListing = new PassHooks() {
            @Override
            public void beforeListing(RelPath dir) {
                if (dir.equals(RelPath.of("d"))) {
                    try {
                        Files.delete(trees.source().resolve("d/gone")); // the root is listed: d's time there is 2020
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };

        PassSummary summary = mirror(deleteFromDBeforeItsListing).runPass(Cancellation.NEVER);

        assertThat(summary.errors()).isZero();
        assertMirrored(); // in one pass: in watch mode no event of d's would ask for another
    }

    @Test
    void aSourceFileThatBecomesADirectoryBeforeItsComparisonIsReportedButIsNoError() {
        trees.src().file("f", "xy");
        replica.layout().file("f", "ab");
        PassHooks swapOnceListed = afterPlanning(".", () -> {
            Files.delete(trees.source().resolve("f"));
            trees.src().file("f/inside", "now a directory");
        });

        PassSummary summary = mirror(swapOnceListed)
                .runPass(Cancellation.NEVER);

        assertThat(summary.errors()).isZero();
        assertThat(summary.count(Operation.VANISHED)).isEqualTo(1);
        sync();
        assertMirrored();
    }

    @Test
    void aFileThatChangesAfterItWasListedIsNotInstalledAndIsCopiedNextPass() {
        trees.src().file("a", "1").file("b", "grows");
        PassHooks appendToBOnceListed = afterPlanning(".", () -> Files.writeString(trees.source().resolve("b"), " more",
                StandardOpenOption.APPEND));

        PassSummary summary = mirror(appendToBOnceListed)
                .runPass(Cancellation.NEVER);

        assertThat(summary.count(Operation.CHANGING)).isEqualTo(1);
        assertThat(replica.snapshot(".")).doesNotContainKey("b");
        assertThat(replica.temporaryFiles()).isEmpty();
        sync();
        assertMirrored();
    }

    @Test
    void aStopRequestEndsThePassWithoutLeavingTemporaryFiles() {
        for (int i = 0; i < 20; i++) {
            trees.src().file("f" + i, "content " + i);
        }
        AtomicInteger checks = new AtomicInteger();
        Cancellation stopAfterFiveChecks = () -> checks.incrementAndGet() > 5;

        PassSummary summary = Mirrors.of(trees.source(), replica.tree(), false).runPass(stopAfterFiveChecks);

        assertThat(summary.completed()).isFalse();
        assertThat(replica.temporaryFiles()).isEmpty();
        sync();
        assertMirrored();
    }

    @Test
    void aStoppedPassLogsEveryCopyThatWasInstalled() throws IOException {
        for (int i = 0; i < 20; i++) {
            trees.src().file("f" + i, "content " + i);
        }
        AtomicBoolean planned = new AtomicBoolean();
        // The pass thread stops before it reports any action; the copier threads, not asked to stop, finish theirs.
        Cancellation stopThePassThreadOncePlanned = () -> planned.get()
                && !Thread.currentThread().getName().startsWith("dirsync-copy");

        PassSummary summary = mirror(afterPlanning(".",
                () -> planned.set(true))).runPass(stopThePassThreadOncePlanned);

        assertThat(summary.completed()).isFalse();
        long installed = replica.names(".").stream().filter(name -> !name.startsWith(".dirsync-")).count();
        assertThat(installed).isEqualTo(20);
        assertThat(summary.count(Operation.COPIED)).as("one line per installed file").isEqualTo(installed);
        assertThat(summary.bytesCopied()).isEqualTo(20 * "content 0".length() + 10);
    }

    @Test
    void aStopWhileThePassWaitsForItsLastCopiesEndsItUnfinished() throws IOException {
        for (int i = 0; i < 20; i++) {
            trees.src().file("f" + i, "content " + i);
        }
        Thread passThread = Thread.currentThread();
        AtomicBoolean stop = new AtomicBoolean();
        // The walk is over and the pass thread waits for the copies still running: only then does the stop come.
        Cancellation stopOnceThePassWaitsForTheCopies = () -> {
            if (!stop.get() && Thread.currentThread().getName().startsWith("dirsync-copy")) {
                awaitWaiting(passThread);
                stop.set(true);
            }
            return stop.get();
        };

        PassSummary summary = Mirrors.of(trees.source(), replica.tree(), false)
                .runPass(stopOnceThePassWaitsForTheCopies);

        assertThat(summary.completed()).isFalse();
        assertThat(summary.count(Operation.COPIED)).isLessThan(20);
        assertThat(replica.temporaryFiles()).isEmpty();
        sync();
        assertMirrored();
    }

    private static void awaitWaiting(Thread thread) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (thread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aStopDuringATreeDeletionIsNotReportedAsADeletion() {
        trees.src().file("keep", "k");
        for (int i = 0; i < 10; i++) {
            replica.layout().file("gone/f" + i, "doomed " + i);
        }
        Cancellation stopOnceTheDeletionHasBegun = () -> replica.names("gone").size() < 10;

        PassSummary summary;
        List<String> log;
        try (LogCapture capture = new LogCapture()) {
            summary = Mirrors.of(trees.source(), replica.tree(), false).runPass(stopOnceTheDeletionHasBegun);
            log = capture.messages();
        }

        assertThat(summary.completed()).isFalse();
        assertThat(summary.count(Operation.DELETED_DIRECTORY)).isZero();
        assertThat(log).as("what it did delete has its line").anySatisfy(line -> assertThat(line)
                .startsWith("stopped while deleting directory gone (").contains(" inside deleted before the stop"));
        sync();
        assertMirrored();
    }

    @Test
    void walksAThousandLevelsDeepWithoutOverflowingTheStack() throws IOException {
        Path deep = trees.source();
        for (int i = 0; i < 1000; i++) {
            deep = deep.resolve("d");
        }
        Files.createDirectories(deep);
        Files.writeString(deep.resolve("bottom"), "reached");
        try {
            PassSummary summary = sync();

            assertThat(summary.errors()).isZero();
            assertMirrored();
        } finally {
            // JUnit's own clean-up of a 1000-level tree takes ~20 s; a plain bottom-up walk takes milliseconds.
            Trees.deleteRecursively(trees.source());
            replica.remove();
        }
    }

    @Test
    void namesWhoseUtf16OrderDiffersFromTheirByteOrderPairUp() {
        // U+FFFD (EF BF BD) sorts before U+1F600 (F0 9F 98 80) by bytes, after it by UTF-16 (FFFD > D83D).
        trees.src().fileNamed(new byte[] {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD}, "replacement char")
                .fileNamed(new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}, "emoji")
                .fileNamed(new byte[] {'z'}, "ascii");
        sync();

        PassSummary second = sync();

        assertThat(second.changes()).isZero();
        assertThat(second.errors()).isZero();
        assertMirrored();
    }

    @Test
    void aNameThatIsNotUtf8IsMirroredByteForByteWhereTheReplicaCanHoldIt() {
        trees.src().fileNamed(new byte[] {(byte) 0xE9, 't', (byte) 0xE9}, "a Latin-1 name").file("plain", "p");

        PassSummary first = sync();

        assertThat(replica.text("plain")).contains("p");
        if (replicaKeepsByteNames()) {
            assertThat(first.errors()).isZero();
            assertThat(sync().changes()).isZero();
            assertMirrored();
        } else {
            // A provider whose names are Strings cannot hold it: one error, never a wrongly named copy.
            assertThat(first.errors()).isEqualTo(1);
            assertThat(first.count(Operation.COPIED)).isEqualTo(1);
        }
    }

    @Test
    void neverWritesToTheSource() {
        trees.src().file("a", "1").file("d/b", "2").link("l", "a").mtime("a", LAST_YEAR);
        replica.layout().file("extra", "e").file("d/b", "old");
        Map<String, String> before = Trees.snapshot(trees.source());

        sync();

        assertThat(Trees.snapshot(trees.source())).isEqualTo(before);
    }

    private static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Hooks that run {@code step} once the directory {@code dir} ("." for the root) is planned: a seam in time. */
    private static PassHooks afterPlanning(String dir, IoAction step) {
        return new PassHooks() {
            @Override
            public void afterPlanning(RelPath planned) {
                if (planned.equals(RelPath.of(dir))) {
                    try {
                        step.run();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // Moves (issue 24): found from the memory of an earlier pass, a rename in the replica instead of a copy

    /** Whether this replica finds moves: its entries have identities the memory trusts (not jimfs, not memory). */
    boolean replicaFindsMoves() {
        return true;
    }

    /** Moves {@code from} to {@code to} in the source, as a user would, making parents. */
    void moveInSource(String from, String to) throws IOException {
        Path target = trees.source().resolve(to);
        Files.createDirectories(target.getParent());
        Files.move(trees.source().resolve(from), target);
    }

    /** A pass of {@code mirror} after its first pass and then {@code change} in the source. */
    PassSummary passAfter(Synchronizer mirror, IoAction change) throws IOException {
        assertThat(mirror.runPass(Cancellation.NEVER).errors()).isZero();
        change.run();
        return mirror.runPass(Cancellation.NEVER);
    }

    /** {@code moved} moves and no copy or deletion, where this replica finds moves; none where it does not. */
    private void assertMoved(PassSummary summary, long moved) {
        assertThat(summary.errors()).isZero();
        if (replicaFindsMoves()) {
            assertThat(summary.count(Operation.MOVED)).isEqualTo(moved);
            assertThat(summary.bytesCopied()).isZero();
            assertThat(summary.count(Operation.COPIED)).isZero();
            assertThat(summary.count(Operation.DELETED) + summary.count(Operation.DELETED_DIRECTORY)).isZero();
        } else {
            assertThat(summary.count(Operation.MOVED)).isZero();
        }
    }

    @Test
    void theReplicasRenameNeverReplacesAnExistingName() throws IOException {
        replica.layout().file("a", "first").file("b", "second").file("d/c", "c").dir("e");
        ReplicaTree tree = replica.tree();
        assumeTrue(tree.features().renames().isPresent(), "a replica that renames");

        for (String[] onto : new String[][] {{"a", "b"}, {"d", "e"}, {"a", "e"}}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> tree.features().renames().orElseThrow()
                    .rename(RelPath.of(onto[0]), RelPath.of(onto[1]))).as("%s onto %s", onto[0], onto[1])
                    .isInstanceOf(IOException.class);
        }

        assertThat(replica.text("a")).contains("first");
        assertThat(replica.text("b")).contains("second");
        assertThat(replica.names("d")).containsExactly("c");
        assertThat(replica.names("e")).isEmpty();
    }

    @Test
    void aFileRenamedInItsDirectoryIsRenamedInTheReplicaNotCopied() throws IOException {
        trees.src().file("a/x", "some content").file("a/other", "o");

        try (LogCapture capture = new LogCapture()) {
            PassSummary summary = passAfter(mirror(PassHooks.NONE), () -> moveInSource("a/x", "a/y"));

            assertMirrored();
            assertMoved(summary, 1);
            if (replicaFindsMoves()) {
                assertThat(capture.messages()).contains("moved file a/x -> a/y");
            }
        }
    }

    @Test
    void aFileMovedToAnotherDirectoryIsRenamedThere() throws IOException {
        trees.src().file("a/x", "some content").file("b/y", "y").file("z/w", "w");

        try (LogCapture capture = new LogCapture()) {
            PassSummary summary = passAfter(mirror(PassHooks.NONE), () -> moveInSource("z/w", "a/w"));

            assertMirrored();
            assertMoved(summary, 1);
            if (replicaFindsMoves()) {
                assertThat(capture.messages()).contains("moved file z/w -> a/w");
            }
        }
    }

    @Test
    void aRenamedDirectoryIsOneRenameAndItsFilesAreCheckedAsPairs() throws IOException {
        trees.src().file("photos/2024/a.jpg", "aaa").file("photos/2024/b.jpg", "bbbb").file("photos/c.jpg", "c")
                .file("other", "o");

        try (LogCapture capture = new LogCapture()) {
            PassSummary summary = passAfter(mirror(PassHooks.NONE), () -> moveInSource("photos", "pictures"));

            assertMirrored();
            assertMoved(summary, 1);
            if (replicaFindsMoves()) {
                assertThat(capture.messages()).contains("moved directory photos -> pictures");
            }
        }
    }

    @Test
    void aDirectoryMovedDeeperIntoNewDirectoriesIsRenamedThere() throws IOException {
        trees.src().file("project/src/main.c", "int main;").file("project/README", "read me");

        PassSummary summary = passAfter(mirror(PassHooks.NONE), () -> moveInSource("project", "archive/2026/project"));

        assertMirrored();
        assertMoved(summary, 1);
        assertThat(summary.count(Operation.CREATED_DIRECTORY)).isEqualTo(replicaFindsMoves() ? 2 : 4);
    }

    @Test
    void aFileMovedIntoADirectoryNewInThisPassIsRenamedIntoIt() throws IOException {
        trees.src().file("x", "content of x");

        PassSummary summary = passAfter(mirror(PassHooks.NONE), () -> moveInSource("x", "new/x"));

        assertMirrored();
        assertMoved(summary, 1);
        assertThat(summary.count(Operation.CREATED_DIRECTORY)).isEqualTo(1);
    }

    @Test
    void twoNamesSwappedAreCopiedAndEndIdentical() throws IOException {
        trees.src().file("a", "first, the longer one").file("b", "second");

        PassSummary summary = passAfter(mirror(PassHooks.NONE), () -> {
            moveInSource("a", "t");
            moveInSource("b", "a");
            moveInSource("t", "b");
        });

        assertMirrored();
        assertThat(summary.errors()).isZero();
        assertThat(summary.count(Operation.MOVED)).isZero();
    }

    @Test
    void aMovedFileThatAlsoChangedIsCopiedSinceItsInodeAloneCouldBeANewFiles() throws IOException {
        trees.src().file("a/x", "old content");

        PassSummary summary = passAfter(mirror(PassHooks.NONE), () -> {
            moveInSource("a/x", "b/x");
            Files.writeString(trees.source().resolve("b/x"), "new and longer content");
        });

        assertMirrored();
        assertThat(summary.errors()).isZero();
        assertThat(summary.count(Operation.MOVED)).isZero();
        assertThat(summary.count(Operation.COPIED)).isEqualTo(1);
    }

    @Test
    void aFileMovedOutOfADirectoryNowExcludedIsCopiedAndTheExcludedOneKept() throws IOException {
        trees.src().file("ex/f", "kept where it was").file("g", "g");
        Synchronizer first = mirror(PassHooks.NONE);
        assertThat(first.runPass(Cancellation.NEVER).errors()).isZero();
        moveInSource("ex/f", "f");
        Synchronizer excluding = Mirrors.of(trees.source(), replica.tree(),
                SyncOptions.defaults().withExcludes(Excludes.of(List.of("ex")), false), PassHooks.NONE);
        excluding.importHashMemory(first.exportHashMemory());

        PassSummary summary = excluding.runPass(Cancellation.NEVER);

        assertThat(summary.errors()).isZero();
        assertThat(summary.count(Operation.MOVED)).isZero();
        assertThat(replica.text("f")).contains("kept where it was");
        assertThat(replica.text("ex/f")).contains("kept where it was");
    }

    @Test
    void aFileMovedIntoAnExcludedDirectoryIsDeletedFromTheReplica() throws IOException {
        trees.src().file("in/f", "f").file("ex/keep", "k");
        Synchronizer mirror = Mirrors.of(trees.source(), replica.tree(),
                SyncOptions.defaults().withExcludes(Excludes.of(List.of("ex")), false), PassHooks.NONE);

        PassSummary summary = passAfter(mirror, () -> moveInSource("in/f", "ex/f"));

        assertThat(summary.errors()).isZero();
        assertThat(summary.count(Operation.MOVED)).isZero();
        assertThat(replica.names("in")).isEmpty();
        assertThat(replica.names(".")).doesNotContain("ex");
    }

    @Test
    void aSourceFileChangedBetweenPlanAndRenameIsRenamedAndCopiedAgainByTheNextPass() throws IOException {
        trees.src().file("a/x", "as it was");
        AtomicBoolean changed = new AtomicBoolean();
        Synchronizer mirror = mirror(new PassHooks() {
            @Override
            public void afterPlanning(RelPath dir) {
                if (dir.equals(RelPath.of("b")) && changed.compareAndSet(false, true)) {
                    try {
                        Files.writeString(trees.source().resolve("b/x"), "written during the pass");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        });

        PassSummary during = passAfter(mirror, () -> moveInSource("a/x", "b/x"));
        PassSummary next = mirror.runPass(Cancellation.NEVER);

        assertThat(changed).isTrue();
        assertThat(during.count(Operation.MOVED)).isEqualTo(replicaFindsMoves() ? 1 : 0);
        assertThat(next.errors()).isZero();
        assertThat(replica.text("b/x")).contains("written during the pass");
        assertThat(replica.names("a")).isEmpty();
        assertMirrored();
    }

    @Test
    void aMovedNameOfAFileWithTwoNamesKeepsTheLinkStructure() throws IOException {
        trees.src().file("z/x", "linked content").hardLink("z/y", "z/x");

        PassSummary summary = passAfter(mirror(PassHooks.NONE), () -> moveInSource("z/x", "a/x"));

        assertThat(summary.errors()).isZero();
        assertMirrored();
        if (replicaOnPlatform()) {
            assertThat(replica.snapshot(".", Trees.Detail.HARD_LINKS))
                    .containsExactlyEntriesOf(Trees.snapshot(trees.source(), Trees.Detail.HARD_LINKS));
        }
    }

    @Test
    void aNewSecondNameOfAFileIsNoMoveSinceTheSourceKeepsTheFirst() throws IOException {
        trees.src().file("z/x", "one file, two names soon");

        PassSummary summary = passAfter(mirror(PassHooks.NONE), () -> trees.src().hardLink("a/x", "z/x"));

        assertThat(summary.errors()).isZero();
        assertThat(summary.count(Operation.MOVED)).isZero();
        assertMirrored();
        if (replicaOnPlatform()) {
            assertThat(replica.snapshot(".", Trees.Detail.HARD_LINKS))
                    .containsExactlyEntriesOf(Trees.snapshot(trees.source(), Trees.Detail.HARD_LINKS));
        }
    }

    @Test
    void aMoveDeletesNothingSoMaxDeleteZeroLetsItThrough() throws IOException {
        trees.src().file("a/x", "content");
        Synchronizer mirror = Mirrors.of(trees.source(), replica.tree(), SyncOptions.defaults().withMaxDelete(0),
                PassHooks.NONE);

        PassSummary summary = passAfter(mirror, () -> moveInSource("a/x", "a/y"));

        if (replicaFindsMoves()) {
            assertMoved(summary, 1);
            assertMirrored();
        } else {
            assertThat(summary.errors()).isEqualTo(1); // the copy's old name is a deletion, refused
        }
    }

    @Test
    void aMovePutsNothingInTheBackupDirectory() throws IOException {
        assumeTrue(replica.tree().features().backups().isPresent(), "a replica that keeps backups");
        trees.src().file("d/x", "content").file("d/sub/y", "y");
        Path backups = trees.outside().resolve("backups");
        Synchronizer mirror = Mirrors.of(trees.source(), replica.tree(),
                SyncOptions.defaults().withBackupDir(backups), PassHooks.NONE);

        PassSummary summary = passAfter(mirror, () -> {
            moveInSource("d/x", "x");
            moveInSource("d", "e");
        });

        assertMirrored();
        assertMoved(summary, 2);
        if (replicaFindsMoves()) {
            assertThat(Files.exists(backups)).isFalse();
        }
    }

    @Test
    void aDryRunLogsTheMovesAndChangesNothing() throws IOException {
        trees.src().file("d/x", "content").file("d/sub/y", "y").file("f", "f");
        Synchronizer first = mirror(PassHooks.NONE);
        assertThat(first.runPass(Cancellation.NEVER).errors()).isZero();
        moveInSource("f", "d/sub/f");
        moveInSource("d", "e");
        Map<String, String> before = replica.snapshot(".");
        Synchronizer dry = new Synchronizer(LocalTree.at(trees.source()),
                dirsync.fs.dryrun.DryRunReplica.over(replica.tree()), SyncOptions.defaults());
        dry.importHashMemory(first.exportHashMemory());

        try (LogCapture capture = new LogCapture()) {
            PassSummary summary = dry.runPass(Cancellation.NEVER);

            assertThat(replica.snapshot(".")).isEqualTo(before);
            assertThat(summary.errors()).isZero();
            if (replicaFindsMoves()) {
                assertThat(summary.count(Operation.MOVED)).isEqualTo(2);
                assertThat(summary.bytesCopied()).isZero();
                assertThat(capture.messages()).anyMatch(line -> line.endsWith("moved directory d -> e"))
                        .anyMatch(line -> line.endsWith("moved file f -> e/sub/f"));
            }
        }
    }

    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }

    @SuppressWarnings("unused")
    private static FileTime time(Path path) throws IOException {
        return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS);
    }

    @SuppressWarnings("unused")
    private static String text(Path path) throws IOException {
        return Files.readString(path, StandardCharsets.UTF_8);
    }

    @Test
    void theSummaryTellsWhenThePassStartedByTheSynchronizersClock() {
        java.time.Clock fixed = java.time.Clock.fixed(LAST_YEAR, java.time.ZoneOffset.UTC);
        Synchronizer synchronizer = Mirrors.of(trees.source(), replica.tree(), SyncOptions.defaults(), fixed);

        assertThat(synchronizer.runPass(Cancellation.NEVER).started()).isEqualTo(LAST_YEAR);
    }
}
