package dirsync.fs.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.fs.Name;
import dirsync.fs.RelPath;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch of a local tree's directories, on real inotify: what it reports, and under which paths. */
class DirectoryWatchTest {

    @TempDir
    Path root;

    DirectoryWatch watch;
    final ExecutorService taker = Executors.newSingleThreadExecutor();

    @BeforeEach
    void open() throws IOException {
        watch = DirectoryWatch.over(LocalTree.at(root));
    }

    @AfterEach
    void close() throws IOException {
        watch.close();
        taker.shutdownNow();
    }

    /**
     * The events up to and including the first that {@code awaited} matches, which the test caused last: every event
     * of what it did before has arrived by then, as one inotify instance reports in order.
     */
    private List<DirectoryWatch.Event> eventsUntil(Predicate<DirectoryWatch.Event> awaited) throws Exception {
        List<DirectoryWatch.Event> all = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (all.stream().noneMatch(awaited)) {
            Future<List<DirectoryWatch.Event>> next = taker.submit(watch::take);
            try {
                all.addAll(next.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (java.util.concurrent.TimeoutException none) {
                next.cancel(true);
                throw new AssertionError("the awaited event did not arrive within 30 s; arrived: " + all);
            }
        }
        return all;
    }

    /** The events up to and including {@code last}. */
    private List<DirectoryWatch.Event> eventsUntil(DirectoryWatch.Event last) throws Exception {
        return eventsUntil(last::equals);
    }

    private static DirectoryWatch.Event event(String dir, String name, DirectoryWatch.Kind kind) {
        return new DirectoryWatch.Event(RelPath.of(dir), name == null ? null : Name.of(name), kind);
    }

    @Test
    void aDirectoryPastTheKernelsWatchLimitIsAWatchLimitException() throws IOException {
        Files.createDirectory(root.resolve("d"));
        DirectoryWatch limited = DirectoryWatch.over(LocalTree.at(root), (dir, service) -> {
            throw new IOException("User limit of inotify watches reached"); // what the JDK throws for ENOSPC
        });

        try (limited) {
            assertThatThrownBy(() -> limited.register(RelPath.of("d"))).isInstanceOf(WatchLimitException.class)
                    .hasMessage("User limit of inotify watches reached");
        }
    }

    @Test
    void aDirectoryThatCannotBeWatchedForAnotherReasonIsNoWatchLimitException() throws IOException {
        Files.createDirectory(root.resolve("d"));
        DirectoryWatch failing = DirectoryWatch.over(LocalTree.at(root), (dir, service) -> {
            throw new IOException("Input/output error");
        });

        try (failing) {
            assertThatThrownBy(() -> failing.register(RelPath.of("d"))).isNotInstanceOf(WatchLimitException.class)
                    .hasMessage("Input/output error");
        }
    }

    @Test
    void aNewFileIsReportedUnderItsDirectory() throws Exception {
        Files.createDirectories(root.resolve("a"));
        watch.register(RelPath.of("a"));

        Files.writeString(root.resolve("a/f"), "x");

        DirectoryWatch.Event awaited = event("a", "f", DirectoryWatch.Kind.CREATED);
        assertThat(eventsUntil(awaited)).contains(awaited);
    }

    @Test
    void namesArriveAsTheirBytesEvenWhenTheyAreNotUtf8() throws Exception {
        watch.register(RelPath.ROOT);
        byte[] latin1 = {'c', 'a', 'f', (byte) 0xE9};

        Files.writeString(Trees.child(root, latin1), "x");

        assertThat(eventsUntil(e -> Name.of(latin1).equals(e.name()))).extracting(e -> e.name())
                .contains(Name.of(latin1));
    }

    @Test
    void aBurstOfTwoThousandEventsOverflowsTheDirectory() throws Exception {
        Files.createDirectories(root.resolve("burst"));
        watch.register(RelPath.of("burst"));

        for (int i = 0; i < 2000; i++) {
            Files.writeString(root.resolve("burst/f" + i), "x");
        }

        DirectoryWatch.Event awaited = event("burst", null, DirectoryWatch.Kind.OVERFLOW);
        assertThat(eventsUntil(awaited)).contains(awaited);
    }

    @Test
    void aRenamedDirectoryRegisteredUnderItsNewPathReportsUnderIt() throws Exception {
        Files.createDirectories(root.resolve("old"));
        watch.register(RelPath.of("old"));
        Files.move(root.resolve("old"), root.resolve("new"));

        assertThat(watch.register(RelPath.of("new"))).isTrue();
        Files.writeString(root.resolve("new/f"), "x");

        DirectoryWatch.Event awaited = event("new", "f", DirectoryWatch.Kind.CREATED);
        assertThat(eventsUntil(awaited)).contains(awaited)
                .noneMatch(e -> e.directory().equals(RelPath.of("old")));
        assertThat(watch.isWatched(RelPath.of("old"))).isFalse();
        assertThat(watch.watched()).isEqualTo(1);
    }

    @Test
    void aForgottenDirectoryAndThoseBelowItAreNoLongerWatched() throws Exception {
        Files.createDirectories(root.resolve("a/b"));
        Files.createDirectories(root.resolve("c"));
        watch.register(RelPath.of("a"));
        watch.register(RelPath.of("a/b"));
        watch.register(RelPath.of("c"));

        watch.forget(RelPath.of("a"));
        Files.writeString(root.resolve("a/b/f"), "x");
        Files.writeString(root.resolve("c/f"), "x");

        DirectoryWatch.Event awaited = event("c", "f", DirectoryWatch.Kind.CREATED);
        assertThat(eventsUntil(awaited)).contains(awaited)
                .allMatch(e -> e.directory().equals(RelPath.of("c")));
        assertThat(watch.watched()).isEqualTo(1);
    }

    @Test
    void aDeletedDirectorysWatchEnds() throws Exception {
        Files.createDirectories(root.resolve("gone"));
        watch.register(RelPath.of("gone"));

        Files.delete(root.resolve("gone"));

        DirectoryWatch.Event awaited = event("gone", null, DirectoryWatch.Kind.ENDED);
        assertThat(eventsUntil(awaited)).contains(awaited);
        assertThat(watch.isWatched(RelPath.of("gone"))).isFalse();
    }

    @Test
    void anotherDirectoryAtAWatchedPathGetsAWatchOfItsOwn() throws Exception {
        Files.createDirectories(root.resolve("d"));
        LocalTree tree = LocalTree.at(root);
        watch.register(RelPath.of("d"), tree.examine(RelPath.of("d")).identity());
        Files.move(root.resolve("d"), root.resolve("moved-away"));
        Files.createDirectories(root.resolve("d"));

        assertThat(watch.register(RelPath.of("d"), tree.examine(RelPath.of("d")).identity())).isTrue();
        Files.writeString(root.resolve("moved-away/f"), "not in d any more");
        Files.writeString(root.resolve("d/g"), "x");

        DirectoryWatch.Event awaited = event("d", "g", DirectoryWatch.Kind.CREATED);
        assertThat(eventsUntil(awaited)).contains(awaited)
                .noneMatch(e -> e.name() != null && e.name().equals(Name.of("f")));
        assertThat(watch.watched()).isEqualTo(1);
    }

    @Test
    void registeringAWatchedDirectoryAgainIsANoOp() throws Exception {
        watch.register(RelPath.ROOT);

        assertThat(watch.register(RelPath.ROOT)).isFalse();
        assertThat(watch.watched()).isEqualTo(1);
    }
}
