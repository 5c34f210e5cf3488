package dirsync.app;

import dirsync.sync.LogText;
import dirsync.fs.local.LocalTree;
import dirsync.sync.Synchronizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of dirsync with validated {@link Settings}: takes the replica's lock, opens the log, creates the
 * replica, starts from the hash memory of an earlier run, runs its passes (with progress reports and the status
 * file) with the {@link Runner} its settings pick (one pass, a pass every interval, or the watch's passes) until
 * it ends or is stopped, saves the hash memory, and returns the process exit code. What a dry run leaves alone is
 * decided once, in its {@link Effects}.
 *
 * <p>The order is what makes "nothing was touched" true for exit codes 2 and 3: the lock (outside the
 * replica) first, then the log file, so that a second instance or a bad log path is refused before anything
 * else is written; only then the replica. An object store's client is made before the lock (it sends nothing),
 * since the endpoint it finds in the environment or the profile is part of what names the lock.
 */
public final class Session {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");

    private final Settings settings;
    private final StopSignal stop;
    private final PrintWriter out;
    private final PrintWriter err;
    /** What the run may change: all of it, or in a dry run nothing. */
    private final Effects effects;

    /**
     * @param out where the console copy of the log (and a live progress line) goes
     * @param err where a reason to stop before the log is open goes, as one line
     */
    public Session(Settings settings, StopSignal stop, PrintWriter out, PrintWriter err) {
        this.settings = settings;
        this.stop = stop;
        this.out = out;
        this.err = err;
        this.effects = Effects.of(settings);
    }

    /** Runs to the end (one pass with --once, else until the stop signal) and returns the exit code. */
    public int run() throws InterruptedException {
        ReplicaSide replica = ReplicaSide.of(settings, effects);
        ReplicaLock lock = null;
        try {
            // An object store's endpoint, wherever it was found, names the files kept about the replica.
            OptionalInt unusable = replica.configure(this::fail);
            if (unusable.isPresent()) {
                return unusable.getAsInt();
            }
            StateFiles state = new StateFiles(settings.state(), settings.replica().display(), replica.uri());
            if (effects.takesLocks()) {
                try {
                    lock = state.lock();
                } catch (ReplicaLock.HeldElsewhereException e) {
                    return fail(LogText.escape(e.getMessage()), ExitCode.ALREADY_RUNNING);
                } catch (IOException e) {
                    return fail("cannot lock '" + LogText.escape(state.lockFile()) + "': " + LogText.reason(e),
                            ExitCode.USAGE);
                }
            }
            // Before the log file is opened: a remote replica that is a refused directory of this host touches nothing.
            OptionalInt refused = replica.open(this::fail);
            if (refused.isPresent()) {
                return refused.getAsInt();
            }
            return locked(replica, state);
        } finally {
            replica.close();
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

    private int locked(ReplicaSide replica, StateFiles state) throws InterruptedException {
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
            int exitCode = logged(console, replica, state, logWrites);
            // A log with lines missing is a failed run, as a failed entry is: it needs someone to look.
            return settings.once() && exitCode == ExitCode.OK && logWrites.failures() > 0 ? ExitCode.ENTRIES_FAILED
                    : exitCode;
        } finally {
            LoggingSetup.shutdown();
        }
    }

    private int logged(ConsoleLine console, ReplicaSide replica, StateFiles state, LogWrites logWrites)
            throws InterruptedException {
        try (Runner runner = Runners.choose(settings, LocalTree.at(settings.source()))) {
            Synchronizer synchronizer = new Synchronizer(runner.source(), replica.tree(), settings.options());
            try (ProgressReporter progress = new ProgressReporter(synchronizer.progress(), settings.progressEvery(),
                    settings.interactive() ? console : null)) {
                OptionalInt refused = replica.start(this::fail);
                if (refused.isPresent()) {
                    return refused.getAsInt();
                }
                LOG.info("dirsync {} started: source '{}', replica '{}', interval {} s{}{}", Version.current(),
                        LogText.escape(settings.source()), LogText.escape(settings.replica().display()),
                        settings.interval().toSeconds(), runner.startText(), effects.startText());
                replica.announce();
                Optional<StatusFile> status = effects.statusFile().map(file -> new StatusFile(file,
                        settings.replica().display(), runner.figures().orElse(null), logWrites));
                RunMemory memory = new RunMemory(state, synchronizer, replica.tree().features().treeMemory(),
                        settings.options().rememberHashes(), effects);
                memory.recall();
                int exitCode = runner.run(new ReportedPasses(synchronizer, progress, status,
                        settings.asGiven().statusFile(), replica, stop), stop);
                memory.keep();
                return replica.refusal().map(SameHostGuard.Refusal::exitCode)
                        .orElse(replica.lost().isPresent() ? ExitCode.ALREADY_RUNNING : exitCode);
            }
        }
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
