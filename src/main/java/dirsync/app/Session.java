package dirsync.app;

import dirsync.fs.Cancellation;
import dirsync.sync.LogText;
import dirsync.sync.PassSummary;
import dirsync.fs.local.LocalTree;
import dirsync.sync.PassScope;
import dirsync.sync.Synchronizer;
import dirsync.watch.SourceWatcher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of dirsync with validated {@link Settings}: takes the replica's lock, opens the log, creates the
 * replica, starts from the hash memory of an earlier run, runs one pass or the periodic passes until stopped
 * (with progress reports and the status file), saves the hash memory, and returns the process exit code.
 *
 * <p>The order is what makes "nothing was touched" true for exit codes 2 and 3: the lock (outside the
 * replica) first, then the log file, so that a second instance or a bad log path is refused before anything
 * else is written; only then the replica.
 */
public final class Session {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Settings settings;
    private final StopSignal stop;
    private final PrintWriter out;
    private final PrintWriter err;
    private final StateFiles state;

    /**
     * @param out where the console copy of the log (and a live progress line) goes
     * @param err where a reason to stop before the log is open goes, as one line
     */
    public Session(Settings settings, StopSignal stop, PrintWriter out, PrintWriter err) {
        this.settings = settings;
        this.stop = stop;
        this.out = out;
        this.err = err;
        this.state = new StateFiles(settings.stateDirectory(), settings.replica().display(),
                settings.replica().uri());
    }

    /** Runs to the end (one pass with --once, else until the stop signal) and returns the exit code. */
    public int run() throws InterruptedException {
        ReplicaLock lock = null;
        if (!settings.dryRun()) {
            try {
                lock = state.lock();
            } catch (ReplicaLock.HeldElsewhereException e) {
                return fail(LogText.escape(e.getMessage()), ExitCode.ALREADY_RUNNING);
            } catch (IOException e) {
                return fail("cannot lock '" + LogText.escape(state.lockFile()) + "': " + LogText.reason(e),
                        ExitCode.USAGE);
            }
        }
        try (ReplicaSide replica = ReplicaSide.of(settings)) {
            // Before the log file is opened: a remote replica that is a refused directory of this host touches nothing.
            OptionalInt refused = replica.open(this::fail);
            if (refused.isPresent()) {
                return refused.getAsInt();
            }
            return locked(replica);
        } finally {
            release(lock);
        }
    }

    private static void release(ReplicaLock lock) {
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException e) {
                // The lock dies with the process anyway; nothing is left to protect.
            }
        }
    }

    private int locked(ReplicaSide replica) throws InterruptedException {
        try {
            openForAppend(settings.logFile());
        } catch (IOException e) {
            return fail("cannot write log file '" + LogText.escape(settings.asGiven().logFile()) + "': "
                    + LogText.reason(e), ExitCode.USAGE);
        }
        ConsoleLine console = new ConsoleLine(out);
        LogWrites logWrites = new LogWrites(err, settings.asGiven().logFile().toString());
        LoggingSetup.configure(settings.logFile(), console, settings.verbose(), settings.quiet(),
                settings.logRolling(), logWrites);
        try {
            int exitCode = logged(console, replica, logWrites);
            // A log with lines missing is a failed run, as a failed entry is: it needs someone to look.
            return settings.once() && exitCode == ExitCode.OK && logWrites.failures() > 0 ? ExitCode.ENTRIES_FAILED
                    : exitCode;
        } finally {
            LoggingSetup.shutdown();
        }
    }

    private int logged(ConsoleLine console, ReplicaSide replica, LogWrites logWrites) throws InterruptedException {
        // The mode is the replica's implementation: a dry run reads the replica and changes nothing.
        LocalTree source = LocalTree.at(settings.source());
        SourceWatcher watcher = settings.watch() ? watcherOrNone(source) : null;
        Synchronizer synchronizer = new Synchronizer(watcher == null ? source : watcher.source(),
                replica.tree(), settings.options());
        try (ProgressReporter progress = new ProgressReporter(synchronizer.progress(), settings.progressEvery(),
                settings.interactive() ? console : null)) {
            OptionalInt refused = replica.start(this::fail);
            if (refused.isPresent()) {
                return refused.getAsInt();
            }
            LOG.info("dirsync {} started: source '{}', replica '{}', interval {} s{}{}", Version.current(),
                    LogText.escape(settings.source()), LogText.escape(settings.replica().display()),
                    settings.interval().toSeconds(), settings.once() ? ", one pass"
                            : watcher != null ? ", watching (delay " + watcher.delayText() + ")" : "",
                    settings.dryRun() ? ", dry run" : "");
            StatusFile status = settings.dryRun() ? null : settings.statusFile().map(file -> new StatusFile(file,
                    settings.replica().display(), watcher == null ? null : watcher::figures, logWrites))
                    .orElse(null);
            RunMemory memory = new RunMemory(state, synchronizer, settings.options().rememberHashes(), settings.dryRun());
            memory.recall();
            Supplier<PassSummary> pass = () -> stopIfLost(replica, runPass(synchronizer, progress, status));
            int exitCode = settings.once() ? exitCodeOf(pass.get())
                    : watcher != null ? runWatching(watcher, pass, scope -> stopIfLost(replica,
                    runPartialPass(synchronizer, progress, status, scope))) : runPeriodically(pass);
            memory.keep();
            return replica.refusal().map(SameHostGuard.Refusal::exitCode)
                    .orElse(replica.lost().isPresent() ? ExitCode.ALREADY_RUNNING : exitCode);
        }
    }

    /**
     * A run whose remote lock another run took over, or whose replica a later connection found to be a refused
     * directory of this host, stops after the pass that learnt it.
     */
    private PassSummary stopIfLost(ReplicaSide replica, PassSummary summary) {
        if (replica.refusal().isPresent()) {
            LOG.error("stopping: {}", replica.refusal().get().getMessage());
            stop.raise();
        } else if (replica.lost().isPresent()) {
            LOG.error("stopping: another dirsync took this replica over");
            stop.raise();
        }
        return summary;
    }

    /**
     * The watch of the source, or null if the system gives none (inotify's instance limit, say): then the run
     * goes on with its full passes only, which is what a service should do rather than stop, and says so.
     */
    private SourceWatcher watcherOrNone(LocalTree source) {
        try {
            return SourceWatcher.over(source, settings.interval(), settings.watchDelay().orElseThrow());
        } catch (IOException e) {
            LOG.warn("cannot watch source '{}' ({}): going on without watching, with a full pass every {} s "
                    + "(fs.inotify.max_user_instances limits the watchers per user)", LogText.escape(settings.source()),
                    LogText.reason(e), settings.interval().toSeconds());
            return null;
        }
    }

    /** One pass, with its progress reports and, if asked for (status not null), its status file. */
    private PassSummary runPass(Synchronizer synchronizer, ProgressReporter progress, StatusFile status) {
        PassSummary summary;
        progress.passStarted();
        try {
            summary = synchronizer.runPass(Cancellation.of(stop::isRaised));
        } finally {
            progress.passEnded();
        }
        if (status != null) {
            try {
                status.record(summary);
            } catch (IOException e) {
                LOG.error("error: cannot write status file '{}': {}", LogText.escape(settings.asGiven().statusFile()),
                        LogText.reason(e));
            }
        }
        return summary;
    }

    /** A pass over the directories the watch reported; the status file gets its time and the watch's figures. */
    private PassSummary runPartialPass(Synchronizer synchronizer, ProgressReporter progress, StatusFile status,
                                       PassScope scope) {
        progress.passStarted();
        PassSummary summary;
        try {
            summary = synchronizer.runPass(Cancellation.of(stop::isRaised), scope);
        } finally {
            progress.passEnded();
        }
        if (status != null) {
            try {
                status.recordPartial(summary);
            } catch (IOException e) {
                LOG.error("error: cannot write status file '{}': {}", LogText.escape(settings.asGiven().statusFile()),
                        LogText.reason(e));
            }
        }
        return summary;
    }

    private int runWatching(SourceWatcher watcher, Supplier<PassSummary> full, Consumer<PassScope> partial)
            throws InterruptedException {
        new WatchRunner(watcher, full::get, partial).runUntil(stop, STOP_GRACE);
        return ExitCode.OK;
    }

    private static int exitCodeOf(PassSummary summary) {
        return summary.completed() && summary.errors() == 0 ? ExitCode.OK : ExitCode.ENTRIES_FAILED;
    }

    private int runPeriodically(Supplier<PassSummary> pass) throws InterruptedException {
        PeriodicRunner runner = new PeriodicRunner(settings.interval(), pass::get);
        runner.start();
        stop.await();
        LOG.info("stop requested, finishing");
        boolean idle = runner.stop(STOP_GRACE);
        LOG.info(idle ? "dirsync stopped" : "dirsync stopped while a pass was still ending");
        return ExitCode.OK;
    }

    /** Creates the log file (and its directories) if missing: afterwards it exists and is writable. */
    private static void openForAppend(Path file) throws IOException {
        Path parent = file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND).close();
    }

    private int fail(String message, int exitCode) {
        err.println("dirsync: " + message);
        err.flush();
        return exitCode;
    }
}
