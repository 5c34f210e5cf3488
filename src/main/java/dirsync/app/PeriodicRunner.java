package dirsync.app;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a pass at once and then again {@code interval} after each pass ends (end-to-start, like the original
 * script's sleep loop), on one thread, so passes never overlap. Whatever a pass throws is logged and the
 * schedule goes on: a bare {@link ScheduledExecutorService} would silently cancel the task for good.
 */
final class PeriodicRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "dirsync-pass");
        thread.setDaemon(true);
        return thread;
    });
    private final Duration interval;
    private final Runnable pass;

    PeriodicRunner(Duration interval, Runnable pass) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.interval = interval;
        this.pass = pass;
    }

    void start() {
        scheduler.scheduleWithFixedDelay(this::runGuarded, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void runGuarded() {
        try {
            pass.run();
        } catch (Throwable unexpected) {
            // Even a bug must not end a service that runs for months: log it, and try again next interval.
            LOG.error("pass failed unexpectedly, next pass in {} s: {}", interval.toSeconds(), unexpected.toString(),
                    unexpected);
        }
    }

    /**
     * Stops scheduling and waits up to {@code grace} for a running pass to end (the caller should have asked
     * it to stop). Returns true if no pass is running any more.
     */
    boolean stop(Duration grace) throws InterruptedException {
        // Not shutdownNow: interrupting a pass would close its file channels mid-copy; the pass watches its
        // cancellation flag instead and ends cleanly between chunks.
        scheduler.shutdown();
        return scheduler.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        try {
            stop(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
