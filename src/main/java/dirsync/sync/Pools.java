package dirsync.sync;

import dirsync.fs.HelperFailures;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The program's own threads, all daemons (a run ends when its main thread is done, whatever a helper is doing):
 * the pass's helpers (pools whose idle threads end after a few seconds, so nothing needs closing), and how their
 * results are awaited; and, for the application, its thread factory and timers.
 */
public final class Pools {

    private Pools() {
    }

    /** Makes daemon threads named {@code name}. */
    public static ThreadFactory daemonThreads(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** One daemon thread named {@code name} that runs tasks later or over and over, one at a time. */
    public static ScheduledExecutorService timer(String name) {
        return Executors.newSingleThreadScheduledExecutor(daemonThreads(name));
    }

    static ThreadPoolExecutor daemons(String name, int threads) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 5, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads(name));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** What a helper computed, or the exception it met, as if the caller had done the work itself. */
    static <T> T await(CompletableFuture<T> result) throws IOException {
        try {
            return result.join();
        } catch (CompletionException e) {
            throw HelperFailures.rethrown(e.getCause());
        }
    }
}
