package dirsync.watch;

import dirsync.fs.SourceTree;
import dirsync.fs.local.DirectoryWatch;
import dirsync.fs.local.LocalTree;
import dirsync.sync.PassScope;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watch mode: the source as passes must read it ({@link #source()}, which watches each directory it lists) and
 * the loop that runs the passes: full ones every interval, and between them passes over just the directories
 * the watch reported. One thread waits for the watch's events (blocked in the kernel while nothing changes: no
 * polling) and hands them to the loop; the caller's thread runs the passes.
 */
public final class SourceWatcher implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");

    /** The two kinds of pass, both run on the thread that called {@link #run}. */
    public interface Passes {
        /** A pass over the whole tree. */
        void full();

        /** A pass over the directories of {@code scope}. */
        void partial(PassScope scope);
    }

    /** What the status file tells of the watch. */
    public record Figures(int watched, int unwatched, long pendingEvents) {
    }

    private final DirectoryWatch watch;
    private final WatchLoop loop;
    private final Registrations registrations;
    private final WatchedSource source;
    private final EventRouter router;
    private final Thread events;
    private final Duration delay;

    private SourceWatcher(LocalTree tree, DirectoryWatch watch, Duration interval, Duration delay,
                          Supplier<Optional<WatchLimit>> limit) {
        this.watch = watch;
        this.delay = delay;
        this.loop = new WatchLoop(interval, delay, System::nanoTime);
        this.registrations = new Registrations(tree, watch, loop, interval.toSeconds(), limit);
        this.source = new WatchedSource(tree, registrations);
        this.router = new EventRouter(tree, watch, loop);
        this.events = new Thread(this::takeEvents, "dirsync-watch");
        this.events.setDaemon(true);
    }

    /** Watch mode over the local source {@code tree}, with a full pass every {@code interval}. */
    public static SourceWatcher over(LocalTree tree, Duration interval, Duration delay) throws IOException {
        return new SourceWatcher(tree, DirectoryWatch.over(tree), interval, delay, WatchLimit::current);
    }

    /** The same, with directories registered by {@code registrar}: a seam for tests of failed registrations. */
    public static SourceWatcher over(LocalTree tree, Duration interval, Duration delay,
                                     DirectoryWatch.Registrar registrar) throws IOException {
        return new SourceWatcher(tree, DirectoryWatch.over(tree, registrar), interval, delay, WatchLimit::current);
    }

    /** The same, with the kernel's limit on watches as {@code limit} says: a seam for tests of the warning. */
    static SourceWatcher over(LocalTree tree, Duration interval, Duration delay, DirectoryWatch.Registrar registrar,
                              Supplier<Optional<WatchLimit>> limit) throws IOException {
        return new SourceWatcher(tree, DirectoryWatch.over(tree, registrar), interval, delay, limit);
    }

    /** The source for the synchronizer: listing a directory watches it first. */
    public SourceTree source() {
        return source;
    }

    /** Runs passes until {@link #stop()}: a full pass first, which also sets the watches. */
    public void run(Passes passes) throws InterruptedException {
        events.start();
        loop.run(new Passes() {
            @Override
            public void full() {
                passes.full();
                registrations.afterFullPass();
            }

            @Override
            public void partial(PassScope scope) {
                passes.partial(scope);
            }
        });
    }

    /** Ends {@link #run} after the pass it runs, if any (which the caller asks to stop by its own means). */
    public void stop() {
        loop.stop();
    }

    /** The delay in seconds, for the start line: "1 s", "0.5 s". */
    public String delayText() {
        return java.math.BigDecimal.valueOf(delay.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
    }

    public Figures figures() {
        return new Figures(watch.watched(), registrations.unwatched(), loop.pendingEvents());
    }

    private void takeEvents() {
        while (true) {
            try {
                router.route(watch.take());
            } catch (ClosedWatchServiceException | InterruptedException closed) {
                return;
            } catch (RuntimeException unexpected) {
                // Never let a bug end the watch silently: the next full pass covers whatever this lost.
                LOG.error("watch: cannot handle an event, a full pass follows: {}", unexpected.toString(), unexpected);
                loop.everything();
            }
        }
    }

    @Override
    public void close() throws IOException {
        loop.stop();
        watch.close();
        try {
            events.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
