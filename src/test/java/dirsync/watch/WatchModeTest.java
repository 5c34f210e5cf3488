package dirsync.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.local.DirectoryWatch;
import dirsync.sync.Operation;
import dirsync.sync.PassSummary;
import dirsync.sync.SyncOptions;
import dirsync.testing.LogCapture;
import dirsync.testing.Trees;
import dirsync.testing.TwoTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Watch mode with real inotify, in this process: each change to the source reaches the replica by a pass over
 * the changed directories, without waiting for the periodic pass (its interval is an hour here), and each test
 * ends with the replica identical to the source.
 */
class WatchModeTest {

    /**
     * A bound on a hang, not a measure of speed: each wait ends as soon as its condition holds, and a loaded CI
     * machine took over 10 s to mirror a burst of 2,000 files.
     */
    private static final Duration SOON = Duration.ofSeconds(60);

    @RegisterExtension
    final TwoTrees trees = new TwoTrees();

    private RunningWatch watching() throws IOException {
        return RunningWatch.start(trees.source(), trees.replica());
    }

    private void awaitMirror(RunningWatch watch) {
        watch.awaitSameTree(trees.source(), trees.replica(), SOON);
        assertThat(watch.fullPasses).as("only the first pass was a full one").hasSize(1);
    }

    @Test
    void aNewFileArrives() throws Exception {
        trees.src().file("a/old", "o");
        try (RunningWatch watch = watching()) {
            trees.src().file("a/new", "n");

            awaitMirror(watch);
        }
    }

    @Test
    void aChangedFileIsUpdated() throws Exception {
        trees.src().file("a/f", "before");
        try (RunningWatch watch = watching()) {
            Files.writeString(trees.source().resolve("a/f"), "after, and longer");

            awaitMirror(watch);
        }
    }

    @Test
    void aDeletedFileIsDeleted() throws Exception {
        trees.src().file("a/f", "x").file("a/keep", "k");
        try (RunningWatch watch = watching()) {
            Files.delete(trees.source().resolve("a/f"));

            awaitMirror(watch);
        }
    }

    @Test
    void aRenamedFileIsRenamed() throws Exception {
        trees.src().file("a/f", "x").file("b/other", "o");
        try (RunningWatch watch = watching()) {
            Files.move(trees.source().resolve("a/f"), trees.source().resolve("b/g"));

            awaitMirror(watch);
        }
    }

    @Test
    void aFileMovedBetweenWatchedDirectoriesIsRenamedInTheReplicaNotCopied() throws Exception {
        trees.src().file("a/f", "moved, not copied").file("b/other", "o");
        try (RunningWatch watch = watching()) {
            Files.move(trees.source().resolve("a/f"), trees.source().resolve("b/f"));

            awaitMirror(watch);
            watch.await(SOON, "the pass that brought the file over", () -> watch.partialPasses.stream()
                    .anyMatch(pass -> pass.count(Operation.MOVED) + pass.count(Operation.COPIED) > 0));
            assertThat(watch.partialPasses.stream().mapToLong(pass -> pass.count(Operation.MOVED)).sum()).isEqualTo(1);
            assertThat(watch.partialPasses.stream().mapToLong(PassSummary::bytesCopied).sum()).isZero();
        }
    }

    @Test
    void aRenamedDirectoryArrivesUnderItsNewNameAndIsStillWatchedThere() throws Exception {
        trees.src().file("a/d/f", "x").file("a/d/sub/g", "y");
        try (RunningWatch watch = watching()) {
            Files.move(trees.source().resolve("a/d"), trees.source().resolve("e"));
            awaitMirror(watch);

            trees.src().file("e/sub/g", "changed under the new name").file("e/sub/h", "new");

            awaitMirror(watch);
        }
    }

    @Test
    void aDeletedDirectoryIsDeleted() throws Exception {
        trees.src().file("a/d/f", "x").file("a/d/sub/g", "y").file("a/keep", "k");
        try (RunningWatch watch = watching()) {
            Trees.deleteRecursively(trees.source().resolve("a/d"));

            awaitMirror(watch);
        }
    }

    @Test
    void aNewDirectoryFilledAsItIsCreatedArrivesWhole() throws Exception {
        trees.src().file("keep", "k");
        try (RunningWatch watch = watching()) {
            for (int i = 0; i < 20; i++) {
                Path dir = Files.createDirectories(trees.source().resolve("new/" + i + "/deeper"));
                Files.writeString(dir.resolve("f"), "file " + i);
                Files.writeString(dir.getParent().resolve("g"), "file " + i);
            }

            awaitMirror(watch);
        }
    }

    @Test
    void aBurstOf2000FilesInOneDirectoryArrivesThoughItOverflowsTheWatch() throws Exception {
        trees.src().file("burst/first", "1");
        try (RunningWatch watch = watching()) {
            for (int i = 0; i < 2000; i++) {
                Files.writeString(trees.source().resolve("burst/file-" + i), "content " + i);
            }

            awaitMirror(watch); // whether the watch overflowed or not: DirectoryWatchTest makes sure it does
        }
    }

    @Test
    void aSourceDirectoryReplacedByALinkBecomesALinkAndIsNotFollowed() throws Exception {
        Path outside = Files.createDirectories(trees.outside());
        Files.writeString(outside.resolve("not-mirrored"), "outside the source");
        trees.src().file("d/sub/f", "x").file("keep", "k");
        try (RunningWatch watch = watching()) {
            Trees.deleteRecursively(trees.source().resolve("d"));
            Files.createSymbolicLink(trees.source().resolve("d"), outside);

            awaitMirror(watch);
            assertThat(Files.isSymbolicLink(trees.replica().resolve("d"))).isTrue();
            assertThat(outside).isDirectoryContaining(path -> path.getFileName().toString().equals("not-mirrored"));
        }
    }

    @Test
    void onlyTheChangedDirectoryIsPassedOver() throws Exception {
        trees.src().file("a/f", "x").file("b/g", "y");
        try (RunningWatch watch = watching()) {
            trees.src().file("a/f", "changed");

            awaitMirror(watch);
            assertThat(watch.partialScopes).allSatisfy(scope -> {
                assertThat(scope.isEverything()).isFalse();
                assertThat(scope.toString()).doesNotContain("b");
            });
        }
    }

    @Test
    void anIdleWatchRunsNoPass() throws Exception {
        trees.src().file("a/f", "x");
        try (RunningWatch watch = watching()) {
            TimeUnit.MILLISECONDS.sleep(1500);

            assertThat(watch.partialScopes).isEmpty();
            assertThat(watch.fullPasses).hasSize(1);
            assertThat(watch.figures().watched()).isEqualTo(2);
            assertThat(watch.figures().pendingEvents()).isZero();
        }
    }

    @Test
    void aDirectoryThatCannotBeWatchedIsWarnedAboutOnceAndLeftToTheFullPasses() throws Exception {
        trees.src().file("a/f", "x").file("b/g", "y");
        DirectoryWatch.Registrar failing = (dir, service) -> {
            if (dir.endsWith("b")) {
                throw new IOException("User limit of inotify watches reached");
            }
            return dir.register(service, DirectoryWatch.kinds());
        };
        try (LogCapture log = new LogCapture();
             RunningWatch watch = RunningWatch.start(trees.source(), trees.replica(), Duration.ofSeconds(2),
                     Duration.ofMillis(300), SyncOptions.defaults(), failing)) {
            watch.await(SOON, "the full pass that follows a failed watch", () -> watch.fullPasses.size() >= 2);
            assertThat(watch.figures().unwatched()).isEqualTo(1);
            assertThat(watch.figures().watched()).isEqualTo(2);

            trees.src().file("b/g", "changed where no watch sees it");
            watch.awaitSameTree(trees.source(), trees.replica(), SOON);

            assertThat(log.messages()).filteredOn(line -> line.contains("cannot watch")).singleElement()
                    .asString().contains("cannot watch 1 of 3 source directories", "fs.inotify.max_user_watches=",
                            "sysctl -w");
        }
    }

    @Test
    void theWarningAtTheWatchLimitGivesTheLimitAndAValueThatCoversTheTree() throws Exception {
        for (int i = 0; i < 11; i++) {
            trees.src().file("d" + i + "/f", "x");
        }
        int limit = 4; // as the kernel does: the fifth watch of this user fails, and so does each one after it
        AtomicInteger inUse = new AtomicInteger();
        DirectoryWatch.Registrar kernel = (dir, service) -> {
            if (inUse.get() >= limit) {
                throw new IOException("User limit of inotify watches reached");
            }
            inUse.incrementAndGet();
            return dir.register(service, DirectoryWatch.kinds());
        };
        WatchLimit reached = new WatchLimit(WatchLimit.SYSTEM_WIDE, limit, false);
        try (LogCapture log = new LogCapture();
             RunningWatch watch = RunningWatch.start(trees.source(), trees.replica(), Duration.ofHours(1),
                     Duration.ofMillis(300), SyncOptions.defaults(), kernel, () -> Optional.of(reached))) {
            watch.await(SOON, "the full pass that follows the warning", () -> watch.fullPasses.size() >= 2);
            assertThat(watch.figures().unwatched()).isEqualTo(8);

            assertThat(log.messages()).filteredOn(line -> line.contains("cannot watch")).singleElement()
                    .isEqualTo("cannot watch 8 of 12 source directories: the kernel's limit "
                            + "fs.inotify.max_user_watches=4 is reached (User limit of inotify watches reached); it "
                            + "counts the inotify watches of all programs of this user. Changes in them wait for the "
                            + "full pass every 3600 s. To watch them all: sysctl -w fs.inotify.max_user_watches=15 "
                            + "(at least 12: the 4 in use plus 8; the rest is room for new directories and other "
                            + "programs)");
        }
    }

    @Test
    void deletionsSpreadOverSeveralPassesMeetTheLimitOverTheWindow() throws Exception {
        for (int i = 0; i < 8; i++) {
            trees.src().file("d/" + i, "x");
        }
        SyncOptions options = SyncOptions.defaults().withMaxDelete(5).withDeleteWindow(Duration.ofHours(1));
        try (RunningWatch watch = RunningWatch.start(trees.source(), trees.replica(), Duration.ofHours(1),
                Duration.ofMillis(300), options, null)) {
            for (int i = 0; i < 4; i++) {
                Files.delete(trees.source().resolve("d/" + i));
            }
            awaitMirror(watch);
            int passes = watch.partialScopes.size();

            for (int i = 4; i < 8; i++) {
                Files.delete(trees.source().resolve("d/" + i));
            }
            watch.await(SOON, "a pass over the second deletions", () -> watch.partialScopes.size() > passes);
            // A marker written after the deletions: once a pass has copied it, the events before it are all handled.
            int before = watch.partialPasses.size();
            trees.src().file("d/marker", "after the deletions");
            watch.await(SOON, "a pass that copied the marker", () -> watch.partialPasses.stream().skip(before)
                    .anyMatch(pass -> pass.count(Operation.COPIED) > 0));

            for (int i = 4; i < 8; i++) {
                assertThat(trees.replica().resolve("d/" + i)).as("4 + 4 are more than 5 in an hour").exists();
            }
        }
    }

    @Test
    void afterARefusalALaterSmallerBurstInAnotherDirectoryDeletesNothing() throws Exception {
        for (int i = 0; i < 8; i++) {
            trees.src().file("a/" + i, "x");
        }
        trees.src().file("b/0", "x").file("b/1", "x");
        SyncOptions options = SyncOptions.defaults().withMaxDelete(5).withDeleteWindow(Duration.ofHours(1));
        try (RunningWatch watch = RunningWatch.start(trees.source(), trees.replica(), Duration.ofHours(1),
                Duration.ofMillis(300), options, null)) {
            Files.move(trees.source().resolve("a"), trees.outside()); // all 9 at once, as no rm -rf could
            watch.await(SOON, "the refusal of 9 deletions",
                    () -> watch.partialPasses.stream().anyMatch(pass -> pass.errors() > 0));
            int before = watch.partialPasses.size();

            Files.delete(trees.source().resolve("b/0"));
            trees.src().file("b/marker", "the pass over b has run");
            watch.await(SOON, "a pass that copied the marker", () -> watch.partialPasses.stream().skip(before)
                    .anyMatch(pass -> pass.count(Operation.COPIED) > 0));

            assertThat(trees.replica().resolve("b/marker")).exists();
            assertThat(trees.replica().resolve("b/0")).as("1 is within 5, but the refusal holds deletions")
                    .exists();
            assertThat(trees.replica().resolve("a/7")).exists();
            assertThat(watch.partialPasses).allSatisfy(pass -> assertThat(pass.count(Operation.DELETED)
                    + pass.count(Operation.DELETED_DIRECTORY)).isZero());
        }
    }

    @Test
    void aSourceWhoseMountDisappearsIsCaughtByTheEmptySourceGuard() throws Exception {
        Assumptions.assumeTrue(isRoot(), "mounting a tmpfs needs root");
        Path source = trees.source();
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", source.toString()) == 0,
                "cannot mount a tmpfs here");
        try {
            trees.src().file("precious/a", "a").file("b", "b");
            try (RunningWatch watch = watching()) {
                trees.assertSame();

                assertThat(run("umount", source.toString())).isZero();

                watch.await(SOON, "the full pass after the source's watch ended", () -> watch.fullPasses.size() >= 2);
                PassSummary guarded = watch.fullPasses.get(1);
                assertThat(guarded.errors()).isEqualTo(1);
                assertThat(guarded.count(Operation.DELETED) + guarded.count(Operation.DELETED_DIRECTORY)).isZero();
                assertThat(trees.replica().resolve("precious/a")).hasContent("a");
            }
        } finally {
            run("umount", source.toString());
        }
    }

    private static boolean isRoot() throws IOException {
        return "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim());
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }
}
