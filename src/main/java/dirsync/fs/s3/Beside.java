package dirsync.fs.s3;

import dirsync.fs.HelperFailures;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;

/**
 * A request sent beside the caller's own, on another thread, where neither needs the other's answer: started, then
 * awaited, its failure thrown to the caller as the request threw it. The wait is not cut short by an interrupt (the
 * caller's flag is set again after it): nothing it started runs on past the caller's step, and the SDK's own timeouts
 * bound it.
 *
 * @param <T> what the request answers
 */
final class Beside<T> {

    /** A request to the store. */
    interface Request<T> {
        T send() throws IOException;
    }

    private final FutureTask<T> task;

    private Beside(FutureTask<T> task) {
        this.task = task;
    }

    /** Starts {@code request} on {@code threads} (a direct executor runs it at once, in the caller's thread). */
    static <T> Beside<T> start(Executor threads, Request<T> request) {
        FutureTask<T> task = new FutureTask<>(request::send);
        threads.execute(task);
        return new Beside<>(task);
    }

    /** Runs each task on a daemon thread of its own named {@code name}: for a request or two at a run's start. */
    static Executor ownThread(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            thread.start();
        };
    }

    /** Its answer, once it has one; or its failure. */
    T await() throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException again) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException failed) {
            throw HelperFailures.rethrown(failed.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
