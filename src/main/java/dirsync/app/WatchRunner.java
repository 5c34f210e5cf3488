package dirsync.app;

import dirsync.fs.SourceTree;
import dirsync.sync.LogText;
import dirsync.sync.PassScope;
import dirsync.sync.Pools;
import dirsync.watch.SourceWatcher;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watch mode until the stop signal: the watcher's passes (full ones, and passes over what changed) on a thread of
 * their own, each guarded so that the next still runs whatever one throws; then a clean stop.
 */
final class WatchRunner implements Runner {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");
    private static final PassGuard GUARD = new PassGuard("the next one follows as planned");

    private final SourceWatcher watcher;

    WatchRunner(SourceWatcher watcher) {
        this.watcher = watcher;
    }

    @Override
    public SourceTree source() {
        return watcher.source();
    }

    @Override
    public String startText() {
        return ", watching (delay " + watcher.delayText() + ")";
    }

    @Override
    public Optional<Supplier<SourceWatcher.Figures>> figures() {
        return Optional.of(watcher::figures);
    }

    @Override
    public int run(Passes passes, StopSignal stop) throws InterruptedException {
        Thread thread = Pools.daemonThreads("dirsync-pass").newThread(() -> runPasses(passes));
        thread.start();
        return Runner.untilStopped(stop, grace -> {
            watcher.stop();
            thread.join(grace.toMillis());
            return !thread.isAlive();
        });
    }

    private void runPasses(Passes passes) {
        try {
            watcher.run(new SourceWatcher.Passes() {
                @Override
                public void full() {
                    GUARD.run(passes::full);
                }

                @Override
                public void partial(PassScope scope) {
                    GUARD.run(() -> passes.partial(scope));
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the watch (its events thread and the kernel's watches); whatever else the run closes goes on. */
    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.debug("closing the watch: {}", LogText.reason(e));
        }
    }
}
