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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What one pass does to a real replica on disk: each test one behaviour, each checked against the whole tree. */
class SynchronizerTest {

    private static final Instant LAST_YEAR = Instant.parse("2025-03-04T05:06:07.123456789Z");

    @TempDir
    Path temp;

    Path source;
    Path replica;
    Path outside;
    Trees.Builder src;
    Trees.Builder rep;

    @BeforeEach
    void layOut() {
        src = Trees.at(temp.resolve("source"));
        rep = Trees.at(replicaRoot());
        source = src.root();
        replica = rep.root();
        outside = temp.resolve("outside");
    }

    /** Where the replica lives: a directory of the platform's file system here; subclasses move it elsewhere. */
    Path replicaRoot() {
        return temp.resolve("replica");
    }

    /** Whether the replica is on the platform's file system (some behaviours need its kernel: PATH_MAX, uids). */
    boolean replicaOnPlatform() {
        return true;
    }

    /** The tree a pass writes the replica directory through: a local tree here; subclasses reach it another way. */
    ReplicaTree replicaTree(Path replica) {
        return LocalTree.at(replica);
    }

    /** What a comparison of the replica with the source leaves out or adds (whole seconds, for SFTP). */
    Trees.Detail[] compared() {
        return new Trees.Detail[0];
    }

    /** {@link Trees#assertSameTree}, with what this replica keeps. */
    void assertSameTree(Path expected, Path actual) {
        Trees.assertSameTree(expected, actual, compared());
    }

    private PassSummary sync() {
        return Mirrors.of(source, replicaTree(replica), false).runPass(Cancellation.NEVER);
    }

    private PassSummary dryRun() {
        return Mirrors.of(source, replicaTree(replica), true).runPass(Cancellation.NEVER);
    }

    @Test
    void copiesANewTreeWithEmptyDirectoriesIntoAnEmptyReplica() {
        src.file("a.txt", "alpha").file("docs/guide/b.md", "# b").dir("empty").dir("docs/also-empty");

        PassSummary summary = sync();

        assertSameTree(source, replica);
        assertThat(summary.count(Operation.COPIED)).isEqualTo(2);
        assertThat(summary.count(Operation.CREATED_DIRECTORY)).isEqualTo(4);
        assertThat(summary.bytesCopied()).isEqualTo(8);
        assertThat(summary.errors()).isZero();
        assertThat(summary.completed()).isTrue();
    }

    @Test
    void createsAReplicaRootThatDoesNotExist() throws IOException {
        src.file("a", "1");
        Files.delete(replica);

        sync();

        assertSameTree(source, replica);
    }

    @Test
    void aSecondPassOverAnIdenticalTreeChangesNothing() {
        src.file("a", "1").file("d/b", "2").link("l", "a").dir("e");
        sync();

        PassSummary second = sync();

        assertThat(second.changes()).isZero();
        assertThat(second.bytesCopied()).isZero();
        assertSameTree(source, replica);
    }

    @Test
    void mirrorsHiddenFilesAndTheFoldersFilecmpIgnores() {
        src.file(".hidden", "h").file(".git/config", "[core]").file("CVS/Entries", "e")
                .file("__pycache__/m.cpython-311.pyc", "pyc").file("tags", "t").file("sub/tags", "t2");

        sync();

        assertSameTree(source, replica);
    }

    @Test
    void updatesAFileWhoseSizeChanged() {
        src.file("a", "short");
        sync();
        src.file("a", "much longer now");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.UPDATED)).isEqualTo(1);
        assertSameTree(source, replica);
    }

    @Test
    void catchesAContentChangeWithTheSameSizeAndTheSameModificationTime() {
        src.file("a", "AAAA").mtime("a", LAST_YEAR);
        sync();
        src.file("a", "BBBB").mtime("a", LAST_YEAR);

        PassSummary summary = sync();

        assertThat(summary.count(Operation.UPDATED)).isEqualTo(1);
        assertThat(replica.resolve("a")).hasContent("BBBB");
        assertSameTree(source, replica);
    }

    @Test
    void catchesAStealthChangeMadeInTheReplica() {
        src.file("a", "AAAA").mtime("a", LAST_YEAR);
        sync();
        rep.file("a", "XXXX").mtime("a", LAST_YEAR);

        sync();

        assertThat(replica.resolve("a")).hasContent("AAAA");
    }

    @Test
    void deletesFilesAndLinksMissingFromTheSource() {
        src.file("keep", "k");
        rep.file("keep", "k").file("gone", "g").link("dangling", "nowhere");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.DELETED)).isEqualTo(2);
        assertSameTree(source, replica);
    }

    @Test
    void deletesDirectoryTreesMissingFromTheSource() {
        src.file("keep", "k");
        rep.file("old/a", "a").file("old/deep/b", "b").dir("old/deep/empty").link("old/l", "a");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.DELETED_DIRECTORY)).isEqualTo(1);
        assertSameTree(source, replica);
    }

    @Test
    void removesALeftoverTemporaryFileOfAKilledRun() {
        src.file("a", "1");
        rep.file(".dirsync-0123456789abcdef.tmp", "half written");

        sync();

        assertSameTree(source, replica);
    }

    /** The kinds an entry can have, for the type-change table. */
    enum Kind {
        FILE, DIRECTORY, SYMLINK, FIFO;

        void make(Trees.Builder tree, String name) {
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
            sourceKind.make(src, name);
            replicaKind.make(rep, name);
        }

        PassSummary summary = sync();

        assertThat(summary.count(Operation.REPLACED)).isEqualTo(replicaOnPlatform() ? 3 : 2);
        assertThat(summary.errors()).isZero();
        assertSameTree(source, replica);
    }

    @Test
    void copiesSymlinksAsLinksWithTheSameTargetText() {
        src.file("target.txt", "t").link("relative", "target.txt").link("absolute", temp.resolve("anywhere").toString())
                .link("dangling", "does/not/exist").link("dir/up", "../target.txt");

        sync();

        assertSameTree(source, replica);
        assertThat(replica.resolve("relative")).isSymbolicLink();
    }

    @Test
    void updatesALinkWhoseTargetChanged() throws IOException {
        src.link("l", "one");
        sync();
        Files.delete(source.resolve("l"));
        src.link("l", "two");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.UPDATED)).isEqualTo(1);
        assertThat(Files.readSymbolicLink(replica.resolve("l"))).hasToString("two");
    }

    @Test
    void neverFollowsALinkInTheSource() {
        Trees.at(outside).file("secret", "outside data");
        src.link("to-outside", outside.toString());

        sync();

        assertThat(replica.resolve("to-outside")).isSymbolicLink();
        assertSameTree(source, replica);
    }

    @Test
    void aReplicaLinkToAnOutsideDirectoryIsRemovedAsALinkAndTheOutsideSurvives() {
        Trees.at(outside).file("precious", "keep me").file("sub/more", "and me");
        Map<String, String> outsideBefore = Trees.snapshot(outside);
        src.file("a", "1");
        rep.link("extra", outside.toString());

        sync();

        assertSameTree(source, replica);
        assertThat(Trees.snapshot(outside)).isEqualTo(outsideBefore);
    }

    @Test
    void aReplicaLinkWhereTheSourceHasADirectoryIsReplacedWithoutWritingThroughIt() {
        Trees.at(outside).file("precious", "keep me");
        Map<String, String> outsideBefore = Trees.snapshot(outside);
        src.file("data/new", "new").file("data/precious", "source version");
        rep.link("data", outside.toString());

        sync();

        assertSameTree(source, replica);
        assertThat(Trees.snapshot(outside)).isEqualTo(outsideBefore);
    }

    @Test
    void aReplicaLinkWhereTheSourceHasAFileIsReplacedWithoutWritingThroughIt() {
        Trees.at(outside).file("precious", "keep me");
        Map<String, String> outsideBefore = Trees.snapshot(outside);
        src.file("f", "source version, longer than the outside file");
        rep.link("f", outside.resolve("precious").toString());

        sync();

        assertSameTree(source, replica);
        assertThat(Trees.snapshot(outside)).isEqualTo(outsideBefore);
    }

    @Test
    void skipsASpecialFileWithoutOpeningIt() {
        src.fifo("pipe").file("after", "still copied");

        PassSummary summary = assertTimeoutPreemptively(Duration.ofSeconds(10), this::sync,
                "opening a FIFO would block forever");

        assertThat(summary.count(Operation.SKIPPED)).isEqualTo(1);
        assertThat(replica.resolve("pipe")).doesNotExist();
        assertThat(replica.resolve("after")).hasContent("still copied");
    }

    @Test
    void deletesASpecialFileInTheReplica() {
        assumeTrue(replicaOnPlatform(), "a FIFO exists only on the platform's file system");
        src.file("a", "1");
        rep.fifo("pipe");

        assertTimeoutPreemptively(Duration.ofSeconds(10), this::sync);

        assertSameTree(source, replica);
    }

    @Test
    void carriesPermissionsAndModificationTimesOfFilesAndDirectories() {
        src.file("private", "p").mode("private", "rw-------").file("script", "#!/bin/sh").mode("script", "rwxr-x---")
                .file("locked/readonly", "r").mode("locked/readonly", "r--r--r--").mtime("locked/readonly", LAST_YEAR)
                .mtime("private", LAST_YEAR).mode("locked", "r-x------").mtime("locked", LAST_YEAR)
                .mode(".", "rwxr-x---").mtime(".", LAST_YEAR);

        sync();

        assertSameTree(source, replica);
    }

    @Test
    void fixesAttributesOfAnUnchangedFileWithoutCopyingIt() {
        src.file("a", "same");
        sync();
        src.mode("a", "rwx------").mtime("a", LAST_YEAR);

        PassSummary summary = sync();

        assertThat(summary.count(Operation.ATTRIBUTES)).isEqualTo(1);
        assertThat(summary.bytesCopied()).isZero();
        assertSameTree(source, replica);
    }

    @Test
    void keepsSyncingInsideAReadOnlyDirectory() {
        src.file("ro/a", "1").mode("ro", "r-x------");
        sync();
        src.mode("ro", "rwx------").file("ro/b", "2").file("ro/a", "changed").mode("ro", "r-x------");

        PassSummary summary = sync();

        assertThat(summary.errors()).isZero();
        assertSameTree(source, replica);
    }

    @Test
    void aDryRunChangesNothingAndReportsWhatTheRealRunThenDoes() {
        src.file("new", "n").file("changed", "new content").file("dir/x", "x").link("l", "new");
        rep.file("changed", "old").file("extra", "e").file("gone/y", "y").link("l", "old").file("dir", "a file");
        Map<String, String> before = Trees.snapshot(replica);

        PassSummary planned = dryRun();

        assertThat(Trees.snapshot(replica)).isEqualTo(before);
        PassSummary done = sync();
        assertThat(planned.counts()).isEqualTo(done.counts());
        assertThat(planned.bytesCopied()).isEqualTo(done.bytesCopied());
        assertSameTree(source, replica);
    }

    @Test
    void aDryRunIntoAMissingReplicaCreatesNothing() throws IOException {
        src.file("a/b", "1");
        Files.delete(replica);

        PassSummary planned = dryRun();

        assertThat(replica).doesNotExist();
        assertThat(planned.count(Operation.COPIED)).isEqualTo(1);
        assertThat(planned.count(Operation.CREATED_DIRECTORY)).isEqualTo(2);
    }

    @Test
    void anErrorOnOneEntryIsCountedAndThePassGoesOn() throws IOException {
        // A replica root 200 bytes longer than the source root pushes the deep path past PATH_MAX (4096) on the
        // replica side only: a real ENAMETOOLONG that even root gets.
        Path longReplica = temp.resolve("r".repeat(200));
        replica = longReplica;
        String level = "d".repeat(250);
        Path deep = source;
        while (deep.toString().length() + level.length() + 3 < 4090) {
            deep = deep.resolve(level);
        }
        Files.createDirectories(deep);
        Files.writeString(deep.resolve("f"), "deep");
        src.file("a-before", "1").file("z-after", "2");

        PassSummary summary = sync();

        assertThat(summary.errors()).isGreaterThanOrEqualTo(1);
        assertThat(summary.completed()).isTrue();
        assertThat(longReplica.resolve("a-before")).hasContent("1");
        assertThat(longReplica.resolve("z-after")).hasContent("2");
    }

    @Test
    void aMissingSourceRootIsAnErrorAndDeletesNothing() throws IOException {
        rep.file("precious", "p");
        Map<String, String> before = Trees.snapshot(replica);
        Files.delete(source);

        PassSummary summary = sync();

        assertThat(summary.errors()).isEqualTo(1);
        assertThat(Trees.snapshot(replica)).isEqualTo(before);
    }

    @Test
    void aSourceDirectoryThatCannotBeListedKeepsItsReplicaCounterpart() {
        assumeFalse(isRoot(), "root can list a directory with mode 000; UnprivilegedIT covers this as user nobody");
        src.file("locked/a", "1").file("open/b", "2");
        sync();
        rep.file("locked/only-in-replica", "keep");
        Map<String, String> lockedBefore = Trees.snapshot(replica.resolve("locked"));
        src.mode("locked", "---------");
        try {
            PassSummary summary = sync();

            assertThat(summary.errors()).isEqualTo(1);
            assertThat(Trees.snapshot(replica.resolve("locked"))).isEqualTo(lockedBefore);
        } finally {
            src.mode("locked", "rwx------");
        }
    }

    @Test
    void aFileThatVanishesBeforeItsCopyIsReportedButIsNoError() {
        src.file("a", "1").file("b", "vanishes").file("c", "3");
        PassHooks deleteBOnceListed = afterPlanning(".", () -> Files.delete(source.resolve("b")));

        PassSummary summary = Mirrors.of(source, replicaTree(replica), SyncOptions.defaults(), deleteBOnceListed)
                .runPass(Cancellation.NEVER);

        assertThat(summary.count(Operation.VANISHED)).isEqualTo(1);
        assertThat(summary.errors()).isZero();
        assertThat(replica.resolve("c")).hasContent("3");
        sync(); // the source root's time changed mid-pass: the next pass carries it over
        assertSameTree(source, replica);
    }

    @Test
    void aSourceDirectoryThatBecomesAFileMidPassIsReportedButIsNoError() {
        src.file("d/f", "x");
        PassHooks swapBeforeListingD = new PassHooks() {
            @Override
            public void beforeListing(RelPath dir) {
                if (dir.equals(RelPath.of("d"))) {
                    Trees.deleteRecursively(source.resolve("d"));
                    src.file("d", "now a file");
                }
            }
        };

        PassSummary summary = Mirrors.of(source, replicaTree(replica), SyncOptions.defaults(), swapBeforeListingD)
                .runPass(Cancellation.NEVER);

        assertThat(summary.errors()).isZero();
        assertThat(summary.count(Operation.VANISHED)).isEqualTo(1);
        sync();
        assertSameTree(source, replica);
    }

    @Test
    void aSourceFileThatBecomesADirectoryBeforeItsComparisonIsReportedButIsNoError() {
        src.file("f", "xy");
        rep.file("f", "ab");
        PassHooks swapOnceListed = afterPlanning(".", () -> {
            Files.delete(source.resolve("f"));
            src.file("f/inside", "now a directory");
        });

        PassSummary summary = Mirrors.of(source, replicaTree(replica), SyncOptions.defaults(), swapOnceListed)
                .runPass(Cancellation.NEVER);

        assertThat(summary.errors()).isZero();
        assertThat(summary.count(Operation.VANISHED)).isEqualTo(1);
        sync();
        assertSameTree(source, replica);
    }

    @Test
    void aFileThatChangesAfterItWasListedIsNotInstalledAndIsCopiedNextPass() {
        src.file("a", "1").file("b", "grows");
        PassHooks appendToBOnceListed = afterPlanning(".", () -> Files.writeString(source.resolve("b"), " more",
                StandardOpenOption.APPEND));

        PassSummary summary = Mirrors.of(source, replicaTree(replica), SyncOptions.defaults(), appendToBOnceListed)
                .runPass(Cancellation.NEVER);

        assertThat(summary.count(Operation.CHANGING)).isEqualTo(1);
        assertThat(replica.resolve("b")).doesNotExist();
        assertThat(temporaryFiles(replica)).isEmpty();
        sync();
        assertSameTree(source, replica);
    }

    @Test
    void aStopRequestEndsThePassWithoutLeavingTemporaryFiles() {
        for (int i = 0; i < 20; i++) {
            src.file("f" + i, "content " + i);
        }
        AtomicInteger checks = new AtomicInteger();
        Cancellation stopAfterFiveChecks = () -> checks.incrementAndGet() > 5;

        PassSummary summary = Mirrors.of(source, replicaTree(replica), false).runPass(stopAfterFiveChecks);

        assertThat(summary.completed()).isFalse();
        assertThat(temporaryFiles(replica)).isEmpty();
        sync();
        assertSameTree(source, replica);
    }

    @Test
    void aStoppedPassLogsEveryCopyThatWasInstalled() throws IOException {
        for (int i = 0; i < 20; i++) {
            src.file("f" + i, "content " + i);
        }
        AtomicBoolean planned = new AtomicBoolean();
        // The pass thread stops before it reports any action; the copier threads, not asked to stop, finish theirs.
        Cancellation stopThePassThreadOncePlanned = () -> planned.get()
                && !Thread.currentThread().getName().startsWith("dirsync-copy");

        PassSummary summary = Mirrors.of(source, replicaTree(replica), SyncOptions.defaults(), afterPlanning(".",
                () -> planned.set(true))).runPass(stopThePassThreadOncePlanned);

        assertThat(summary.completed()).isFalse();
        long installed;
        try (Stream<Path> files = Files.list(replica)) {
            installed = files.filter(file -> !file.getFileName().toString().startsWith(".dirsync-")).count();
        }
        assertThat(installed).isEqualTo(20);
        assertThat(summary.count(Operation.COPIED)).as("one line per installed file").isEqualTo(installed);
        assertThat(summary.bytesCopied()).isEqualTo(20 * "content 0".length() + 10);
    }

    @Test
    void aStopWhileThePassWaitsForItsLastCopiesEndsItUnfinished() throws IOException {
        for (int i = 0; i < 20; i++) {
            src.file("f" + i, "content " + i);
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

        PassSummary summary = Mirrors.of(source, replicaTree(replica), false).runPass(stopOnceThePassWaitsForTheCopies);

        assertThat(summary.completed()).isFalse();
        assertThat(summary.count(Operation.COPIED)).isLessThan(20);
        assertThat(temporaryFiles(replica)).isEmpty();
        sync();
        assertSameTree(source, replica);
    }

    private static void awaitWaiting(Thread thread) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (thread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aStopDuringATreeDeletionIsNotReportedAsADeletion() {
        src.file("keep", "k");
        for (int i = 0; i < 10; i++) {
            rep.file("gone/f" + i, "doomed " + i);
        }
        Cancellation stopOnceTheDeletionHasBegun = () -> entriesIn(replica.resolve("gone")) < 10;

        PassSummary summary;
        List<String> log;
        try (LogCapture capture = new LogCapture()) {
            summary = Mirrors.of(source, replicaTree(replica), false).runPass(stopOnceTheDeletionHasBegun);
            log = capture.messages();
        }

        assertThat(summary.completed()).isFalse();
        assertThat(summary.count(Operation.DELETED_DIRECTORY)).isZero();
        assertThat(log).as("what it did delete has its line").anySatisfy(line -> assertThat(line)
                .startsWith("stopped while deleting directory gone (").contains(" entries inside deleted before the stop"));
        sync();
        assertSameTree(source, replica);
    }

    private static long entriesIn(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.count();
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    void walksAThousandLevelsDeepWithoutOverflowingTheStack() throws IOException {
        Path deep = source;
        for (int i = 0; i < 1000; i++) {
            deep = deep.resolve("d");
        }
        Files.createDirectories(deep);
        Files.writeString(deep.resolve("bottom"), "reached");
        try {
            PassSummary summary = sync();

            assertThat(summary.errors()).isZero();
            assertSameTree(source, replica);
        } finally {
            // JUnit's own clean-up of a 1000-level tree takes ~20 s; a plain bottom-up walk takes milliseconds.
            Trees.deleteRecursively(source);
            Trees.deleteRecursively(replica);
        }
    }

    @Test
    void namesWhoseUtf16OrderDiffersFromTheirByteOrderPairUp() {
        // U+FFFD (EF BF BD) sorts before U+1F600 (F0 9F 98 80) by bytes, after it by UTF-16 (FFFD > D83D).
        src.fileNamed(new byte[] {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD}, "replacement char")
                .fileNamed(new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}, "emoji")
                .fileNamed(new byte[] {'z'}, "ascii");
        sync();

        PassSummary second = sync();

        assertThat(second.changes()).isZero();
        assertThat(second.errors()).isZero();
        assertSameTree(source, replica);
    }

    @Test
    void aNameThatIsNotUtf8IsMirroredByteForByteWhereTheReplicaCanHoldIt() {
        src.fileNamed(new byte[] {(byte) 0xE9, 't', (byte) 0xE9}, "a Latin-1 name").file("plain", "p");

        PassSummary first = sync();

        assertThat(replica.resolve("plain")).hasContent("p");
        if (replicaOnPlatform()) {
            assertThat(first.errors()).isZero();
            assertThat(sync().changes()).isZero();
            assertSameTree(source, replica);
        } else {
            // A provider whose names are Strings cannot hold it: one error, never a wrongly named copy.
            assertThat(first.errors()).isEqualTo(1);
            assertThat(first.count(Operation.COPIED)).isEqualTo(1);
        }
    }

    @Test
    void neverWritesToTheSource() {
        src.file("a", "1").file("d/b", "2").link("l", "a").mtime("a", LAST_YEAR);
        rep.file("extra", "e").file("d/b", "old");
        Map<String, String> before = Trees.snapshot(source);

        sync();

        assertThat(Trees.snapshot(source)).isEqualTo(before);
    }

    private static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<Path> temporaryFiles(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> p.getFileName().toString().startsWith(".dirsync-")).toList().stream();
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

    @FunctionalInterface
    private interface IoAction {
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
        Synchronizer synchronizer = Mirrors.of(source, replicaTree(replica), SyncOptions.defaults(), fixed);

        assertThat(synchronizer.runPass(Cancellation.NEVER).started()).isEqualTo(LAST_YEAR);
    }
}
