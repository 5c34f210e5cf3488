package dirsync.app;

import dirsync.fs.SourceTree;
import dirsync.sync.Pools;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A full pass at once and then again {@code interval} after each pass ends (end-to-start, like the original
 * script's sleep loop), on one thread, so passes never overlap, until the stop signal. Each pass is guarded: a
 * bare {@link ScheduledExecutorService} would silently cancel the task for good the first time it threw.
 */
final class PeriodicRunner implements Runner {

    private final SourceTree source;
    private final Duration interval;

    PeriodicRunner(SourceTree source, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.source = source;
        this.interval = interval;
    }

    @Override
    public SourceTree source() {
        return source;
    }

    @Override
    public String startText() {
        return "";
    }

    @Override
    public int run(Passes passes, StopSignal stop) throws InterruptedException {
        PassGuard guard = new PassGuard("next pass in " + interval.toSeconds() + " s");
        ScheduledExecutorService scheduler = Pools.timer("dirsync-pass");
        try {
            scheduler.scheduleWithFixedDelay(() -> guard.run(passes::full), 0, interval.toNanos(),
                    TimeUnit.NANOSECONDS);
            return Runner.untilStopped(stop, grace -> {
                // Not shutdownNow: interrupting a pass would close its file channels mid-copy; the pass watches
                // its cancellation flag instead and ends cleanly between chunks.
                scheduler.shutdown();
                return scheduler.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS);
            });
        } finally {
            scheduler.shutdown(); // interrupted while waiting: no pass starts any more
        }
    }
}
