package dirsync.app;

import dirsync.fs.Progress;
import dirsync.sync.Pools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells how a long pass is going: a progress line in the log file every {@code every} while a pass runs
 * longer than that, and, when the console is an interactive terminal, a live line at its bottom refreshed
 * every second. Nothing on a console that is not a terminal: cron mail stays quiet.
 */
final class ProgressReporter implements AutoCloseable {

    private static final Logger PROGRESS = LoggerFactory.getLogger(LoggingSetup.PROGRESS_LOGGER);
    private static final Duration REFRESH = Duration.ofSeconds(1);

    private final Progress progress;
    private final Duration every;
    private final ConsoleLine terminal;
    private final ScheduledExecutorService timer = Pools.timer("dirsync-progress");
    private ScheduledFuture<?> logLines;
    private ScheduledFuture<?> liveLine;

    /** @param terminal the console if it is an interactive terminal, else null */
    ProgressReporter(Progress progress, Duration every, ConsoleLine terminal) {
        this.progress = progress;
        this.every = every;
        this.terminal = terminal;
    }

    synchronized void passStarted() {
        logLines = timer.scheduleAtFixedRate(() -> PROGRESS.info("progress: {}", progress.snapshot().describe()),
                every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
        if (terminal != null) {
            liveLine = timer.scheduleAtFixedRate(this::drawLiveLine, REFRESH.toNanos(), REFRESH.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    // Synchronized with passEnded, so that no late refresh draws the line again after the pass cleared it.
    private synchronized void drawLiveLine() {
        if (liveLine != null) {
            terminal.showProgress("dirsync: " + progress.snapshot().describe());
        }
    }

    synchronized void passEnded() {
        if (logLines != null) {
            logLines.cancel(false);
            logLines = null;
        }
        if (liveLine != null) {
            liveLine.cancel(false);
            liveLine = null;
            terminal.clearProgress();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** Whether stdout is an interactive terminal (Java 22+ may give a Console that is not one). */
    static boolean consoleIsInteractive() {
        if (!mayBeATerminal(Path.of("/proc/self/fd/1"))) {
            return false;
        }
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException beforeJava22) {
            return true; // before Java 22, a Console exists only on a terminal
        }
    }

    /**
     * Whether the file {@code descriptor} (a link of /proc/self/fd) may be a terminal: false only for what surely
     * is not one (a pipe, a socket, a file outside /dev, /dev/null), as for cron's and systemd's runs; true where
     * the link cannot be read. Only then is System.console() asked, which on Java 22 and later first looks up and
     * makes every console provider of the JDK's modules (1-20 ms of an empty run on Temurin 25).
     */
    static boolean mayBeATerminal(Path descriptor) {
        String target;
        try {
            target = Files.readSymbolicLink(descriptor).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return true;
        }
        return target.startsWith("/dev/") && !target.equals("/dev/null");
    }
}
