package dirsync.app;

import dirsync.sync.LogText;
import dirsync.sync.PassScope;
import dirsync.watch.SourceWatcher;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs watch mode until the stop signal: the watcher's passes on a thread of their own, each guarded so that
 * whatever one throws is logged and the next still runs (a service runs for months); then a clean stop.
 */
final class WatchRunner {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");

    private final SourceWatcher watcher;
    private final Runnable full;
    private final Consumer<PassScope> partial;

    WatchRunner(SourceWatcher watcher, Runnable full, Consumer<PassScope> partial) {
        this.watcher = watcher;
        this.full = full;
        this.partial = partial;
    }

    /** Runs passes until {@code stop} is raised, then waits up to {@code grace} for the pass in flight. */
    void runUntil(StopSignal stop, Duration grace) throws InterruptedException {
        Thread passes = new Thread(this::runPasses, "dirsync-pass");
        passes.setDaemon(true);
        passes.start();
        try {
            stop.await();
            LOG.info("stop requested, finishing");
            watcher.stop();
            passes.join(grace.toMillis());
            LOG.info(passes.isAlive() ? "dirsync stopped while a pass was still ending" : "dirsync stopped");
        } finally {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.debug("closing the watch: {}", LogText.reason(e));
            }
        }
    }

    private void runPasses() {
        try {
            watcher.run(new SourceWatcher.Passes() {
                @Override
                public void full() {
                    guarded(full);
                }

                @Override
                public void partial(PassScope scope) {
                    guarded(() -> partial.accept(scope));
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Even a bug must not end a service that runs for months: log it, and go on with the next pass. */
    private static void guarded(Runnable pass) {
        try {
            pass.run();
        } catch (RuntimeException | Error unexpected) {
            LOG.error("pass failed unexpectedly, the next one follows as planned: {}", unexpected.toString(),
                    unexpected);
        }
    }
}
