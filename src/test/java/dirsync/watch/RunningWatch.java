package dirsync.watch;

import static org.assertj.core.api.Assertions.fail;

import dirsync.fs.Cancellation;
import dirsync.fs.local.DirectoryWatch;
import dirsync.fs.local.LocalTree;
import dirsync.sync.PassScope;
import dirsync.sync.PassSummary;
import dirsync.sync.SyncOptions;
import dirsync.sync.Synchronizer;
import dirsync.testing.Eventually;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Watch mode in this process, as the application runs it: a {@link SourceWatcher} over a real source directory
 * (real inotify), a synchronizer reading the watched source, and the passes on their own thread. Records every
 * pass, full or partial, so that a test can wait for what it expects.
 */
final class RunningWatch implements AutoCloseable {

    private final SourceWatcher watcher;
    private final Synchronizer synchronizer;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;
    final List<PassSummary> fullPasses = new CopyOnWriteArrayList<>();
    final List<PassScope> partialScopes = new CopyOnWriteArrayList<>();
    /** The summaries of the partial passes, each added once its pass has ended. */
    final List<PassSummary> partialPasses = new CopyOnWriteArrayList<>();

    private RunningWatch(SourceWatcher watcher, Path replica, SyncOptions options) {
        this.watcher = watcher;
        this.synchronizer = new Synchronizer(watcher.source(), LocalTree.at(replica), options);
        this.thread = new Thread(this::runPasses, "test-passes");
    }

    /** Starts watch mode and waits for its first full pass. */
    static RunningWatch start(Path source, Path replica, Duration interval, Duration delay, SyncOptions options,
                              DirectoryWatch.Registrar registrar) throws IOException {
        LocalTree tree = LocalTree.at(source);
        return start(replica, options, registrar == null ? SourceWatcher.over(tree, interval, delay)
                : SourceWatcher.over(tree, interval, delay, registrar));
    }

    /** The same, with the kernel's limit on watches as {@code limit} says. */
    static RunningWatch start(Path source, Path replica, Duration interval, Duration delay, SyncOptions options,
                              DirectoryWatch.Registrar registrar, Supplier<Optional<WatchLimit>> limit)
            throws IOException {
        return start(replica, options, SourceWatcher.over(LocalTree.at(source), interval, delay, registrar, limit));
    }

    private static RunningWatch start(Path replica, SyncOptions options, SourceWatcher watcher) {
        RunningWatch running = new RunningWatch(watcher, replica, options);
        running.thread.start();
        running.await(Duration.ofSeconds(20), "the first full pass", () -> !running.fullPasses.isEmpty());
        return running;
    }

    /** With the defaults of these tests: an interval of an hour (no full pass but the first), a 0.3 s delay. */
    static RunningWatch start(Path source, Path replica) throws IOException {
        return start(source, replica, Duration.ofHours(1), Duration.ofMillis(300), SyncOptions.defaults(), null);
    }

    private void runPasses() {
        try {
            watcher.run(new SourceWatcher.Passes() {
                @Override
                public void full() {
                    fullPasses.add(synchronizer.runPass(Cancellation.of(stop::get)));
                }

                @Override
                public void partial(PassScope scope) {
                    partialScopes.add(scope);
                    partialPasses.add(synchronizer.runPass(Cancellation.of(stop::get), scope));
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    SourceWatcher.Figures figures() {
        return watcher.figures();
    }

    /** Waits until the replica is the source's mirror, failing with the last difference after {@code timeout}. */
    void awaitSameTree(Path source, Path replica, Duration timeout) {
        Eventually.within(timeout, "the replica to match the source", () -> Trees.assertSameTree(source, replica));
    }

    void await(Duration timeout, String what, BooleanSupplier condition) {
        Eventually.until(timeout, what, condition, () -> "full passes " + fullPasses.size() + ", partial "
                + partialScopes);
    }

    @Override
    public void close() throws Exception {
        stop.set(true);
        watcher.stop();
        // The pass under way ends at its next stop check; on a loaded machine that can take a while, and the test's
        // directories must not be deleted under it (that would be an error of the fixture, not of dirsync).
        thread.join(Duration.ofSeconds(120).toMillis());
        watcher.close();
        if (thread.isAlive()) {
            fail("the passes did not stop within 120 s of the stop request");
        }
    }
}
