package dirsync.watch;

import dirsync.fs.RelPath;
import dirsync.sync.PassScope;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When passes run in watch mode, on one thread so that they never overlap: a full pass at the start and then
 * {@code interval} after each full pass ends (the safety net), and between them a pass over what the watch
 * reported, once {@code delay} has passed since the first change it gathered (so that a burst of events, or a
 * file written in many pieces, makes one pass). Changes that name too many directories, or that ask for it (an
 * overflow at the root, a watch that could not be set), make the next pass a full one.
 */
final class WatchLoop {

    /** More directories than this in one gathering make a full pass instead. */
    static final int MOST_DIRECTORIES = 1000;

    private final Duration interval;
    private final Duration delay;
    private final LongSupplier nanoTime;

    // Guarded by this.
    private PassScope.Builder gathered = PassScope.builder();
    private boolean everything;
    private long events;
    private long firstEventAt;
    private boolean stopping;

    WatchLoop(Duration interval, Duration delay, LongSupplier nanoTime) {
        this.interval = interval;
        this.delay = delay;
        this.nanoTime = nanoTime;
    }

    /** The entries of {@code dir} changed. */
    synchronized void directory(RelPath dir) {
        gathered.directory(dir);
        noted();
    }

    /** Anything in or below {@code dir} may have changed. */
    synchronized void subtree(RelPath dir) {
        if (dir.isRoot()) {
            everything = true;
        } else {
            gathered.subtree(dir);
        }
        noted();
    }

    /** Only a full pass can tell what changed. */
    synchronized void everything() {
        everything = true;
        noted();
    }

    /** Counts raw events (for the status file's pending count). */
    synchronized void counted(int raw) {
        events += raw;
    }

    private void noted() {
        if (firstEventAt == 0) {
            firstEventAt = nanoTime.getAsLong() | 1; // never 0: 0 means "nothing gathered"
        }
        notifyAll();
    }

    /** Events seen since the last pass took what was gathered. */
    synchronized long pendingEvents() {
        return events;
    }

    /** What the next pass would cover if it started now (for tests). */
    synchronized PassScope peek() {
        return everything || gathered.size() > MOST_DIRECTORIES ? PassScope.everything() : gathered.build();
    }

    synchronized void stop() {
        stopping = true;
        notifyAll();
    }

    /** Runs passes until {@link #stop()}. */
    void run(SourceWatcher.Passes passes) throws InterruptedException {
        long nextFull = nanoTime.getAsLong();
        while (true) {
            PassScope scope;
            synchronized (this) {
                scope = null;
                while (!stopping && scope == null) {
                    long now = nanoTime.getAsLong();
                    long changesDue = firstEventAt == 0 ? Long.MAX_VALUE : firstEventAt + delay.toNanos();
                    if (now - nextFull >= 0 || (now - changesDue >= 0 && firstEventAt != 0)) {
                        scope = take(now - nextFull >= 0);
                    } else {
                        long wait = Math.min(nextFull - now, firstEventAt == 0 ? Long.MAX_VALUE : changesDue - now);
                        waitNanos(wait);
                    }
                }
                if (stopping) {
                    return;
                }
            }
            if (scope.isEverything()) {
                passes.full();
                nextFull = nanoTime.getAsLong() + interval.toNanos();
            } else {
                passes.partial(scope);
            }
        }
    }

    /** Takes what was gathered (all of it: a full pass covers any change made before it lists). */
    private PassScope take(boolean fullDue) {
        PassScope scope = fullDue || everything || gathered.size() > MOST_DIRECTORIES ? PassScope.everything()
                : gathered.build();
        gathered = PassScope.builder();
        everything = false;
        events = 0;
        firstEventAt = 0;
        return scope;
    }

    private void waitNanos(long nanos) throws InterruptedException {
        long millis = Math.max(1, nanos / 1_000_000);
        wait(Math.min(millis, Duration.ofDays(1).toMillis()));
    }
}
