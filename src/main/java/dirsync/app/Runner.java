package dirsync.app;

import dirsync.fs.SourceTree;
import dirsync.watch.SourceWatcher;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a run repeats its passes: one pass ({@code --once}), a pass every interval, or the passes the watch of the
 * source asks for. {@link Runners#choose} picks one per run.
 */
interface Runner extends AutoCloseable {

    /** How long a stop waits for the pass in flight. */
    Duration STOP_GRACE = Duration.ofSeconds(10);

    /** The source as the passes read it. */
    SourceTree source();

    /** The words the start line gives the mode (", one pass"), or nothing. */
    String startText();

    /** The watch's figures, for the status file, if the source is watched. */
    default Optional<Supplier<SourceWatcher.Figures>> figures() {
        return Optional.empty();
    }

    /** Runs the passes to the end of the run (the one pass, or until {@code stop}) and returns the exit code. */
    int run(Passes passes, StopSignal stop) throws InterruptedException;

    @Override
    default void close() {
    }

    /**
     * How a runner that repeats its passes ends: it waits for {@code stop}, then lets {@code ending} end the passes
     * within {@link #STOP_GRACE}, and says whether a pass was still ending. A stopped run exits 0.
     */
    static int untilStopped(StopSignal stop, Ending ending) throws InterruptedException {
        stop.await();
        Logger log = LoggerFactory.getLogger("dirsync");
        log.info("stop requested, finishing");
        boolean idle = ending.end(STOP_GRACE);
        log.info(idle ? "dirsync stopped" : "dirsync stopped while a pass was still ending");
        return ExitCode.OK;
    }

    /** Ends the passes once the stop was asked for (the pass in flight sees it too and ends early). */
    @FunctionalInterface
    interface Ending {
        /** Returns whether no pass runs any more after waiting up to {@code grace}. */
        boolean end(Duration grace) throws InterruptedException;
    }
}
