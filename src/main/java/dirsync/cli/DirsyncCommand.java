package dirsync.cli;

import dirsync.fs.Cancellation;
import dirsync.sync.Excludes;
import dirsync.sync.LogText;
import dirsync.sync.PassSummary;
import dirsync.sync.PeriodicRunner;
import dirsync.sync.Roots;
import dirsync.sync.SyncOptions;
import dirsync.sync.Synchronizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The command line: parse, validate, wire, return an exit code. The behaviour lives in {@code dirsync.sync}. */
@Command(
        name = "dirsync",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Keeps REPLICA an exact one-way mirror of SOURCE: copies new and changed files (compared by "
                + "MD5), creates directories, deletes what SOURCE no longer has, and logs every change to the console "
                + "and to LOG_FILE. Runs a pass at start, then again INTERVAL seconds after each pass ends, until "
                + "stopped by SIGTERM or Ctrl-C.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success (periodic mode: stopped by SIGTERM or Ctrl-C)",
            "1:--once: the pass finished, but some entries failed (or it was interrupted)",
            "2:usage or validation error; nothing was touched",
            "3:another dirsync is already running on the same replica; nothing was touched"
        })
public final class DirsyncCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    @Parameters(index = "0", paramLabel = "SOURCE", description = "Directory to mirror. It is only ever read.")
    private Path source;

    @Parameters(index = "1", paramLabel = "REPLICA",
            description = "Directory to keep identical to SOURCE; created if missing. Must not overlap SOURCE.")
    private Path replica;

    @Parameters(index = "2", paramLabel = "INTERVAL", converter = IntervalConverter.class,
            description = "Seconds between the end of one pass and the start of the next (a whole number > 0).")
    private Duration interval;

    @Parameters(index = "3", paramLabel = "LOG_FILE",
            description = "File the log is appended to; created with its parent directories if missing. "
                    + "Must be outside SOURCE and REPLICA.")
    private Path logFile;

    @Option(names = "--once", description = "Run one pass, then exit (for cron and scripts). INTERVAL is still "
            + "required but unused.")
    private boolean once;

    @Option(names = "--dry-run", description = "Log what would be done, change nothing.")
    private boolean dryRun;

    @Option(names = "--max-delete", paramLabel = "N", converter = CountConverter.class,
            description = "If a pass would delete more than N entries (the contents of deleted directories "
                    + "included), it deletes none of them and reports an error.")
    private Long maxDelete;

    @Option(names = "--allow-empty-source", description = "Let an empty SOURCE empty a non-empty REPLICA. "
            + "Without it such a pass deletes nothing and reports an error: an unmounted disk looks empty.")
    private boolean allowEmptySource;

    @Option(names = {"-v", "--verbose"}, description = "Also log debug detail (e.g. files found unchanged).")
    private boolean verbose;

    @Spec
    private CommandSpec spec;

    private final StopSignal stop;
    private final Path lockDirectory;

    DirsyncCommand(StopSignal stop, Path lockDirectory) {
        this.stop = stop;
        this.lockDirectory = lockDirectory;
    }

    /** The one factory for a ready command line, used by {@link Main}; locks live in java.io.tmpdir. */
    public static CommandLine commandLine(StopSignal stop) {
        return commandLine(stop, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** The same command line with its lock files in {@code lockDirectory} (tests keep them in their temp dir). */
    static CommandLine commandLine(StopSignal stop, Path lockDirectory) {
        CommandLine commandLine = new CommandLine(new DirsyncCommand(stop, lockDirectory));
        commandLine.setParameterExceptionHandler(DirsyncCommand::usageError);
        return commandLine;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Roots roots;
        try {
            roots = Roots.validate(source, replica, logFile);
        } catch (Roots.InvalidRootsException e) {
            return fail(err, e.getMessage());
        }
        // From here on things are written: the lock (outside the replica), then the log file, so that a second
        // instance or a bad log path is still refused before anything else is touched.
        ReplicaLock lock = null;
        if (!dryRun) {
            Path lockFile = ReplicaLock.lockFileFor(roots.replica(), lockDirectory);
            try {
                lock = ReplicaLock.acquire(lockFile, roots.replica());
            } catch (ReplicaLock.HeldElsewhereException e) {
                return fail(err, LogText.escape(e.getMessage()), ExitCode.ALREADY_RUNNING);
            } catch (IOException e) {
                return fail(err, "cannot lock '" + LogText.escape(lockFile) + "': " + reasonOf(e));
            }
        }
        try {
            return locked(err, roots);
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

    private int locked(PrintWriter err, Roots roots) throws InterruptedException {
        try {
            openForAppend(roots.logFile());
        } catch (IOException e) {
            return fail(err, "cannot write log file '" + LogText.escape(logFile) + "': " + reasonOf(e));
        }
        LoggingSetup.configure(roots.logFile(), spec.commandLine().getOut(), verbose);
        try {
            if (!dryRun) {
                try {
                    Files.createDirectories(roots.replica());
                } catch (IOException e) {
                    LOG.error("cannot create replica '{}': {}", LogText.escape(roots.replica()), reasonOf(e));
                    return fail(err, "cannot create replica '" + LogText.escape(replica) + "': " + reasonOf(e));
                }
            }
            LOG.info("dirsync {} started: source '{}', replica '{}', interval {} s{}{}", VersionProvider.version(),
                    LogText.escape(roots.source()), LogText.escape(roots.replica()), interval.toSeconds(),
                    once ? ", one pass" : "", dryRun ? ", dry run" : "");
            SyncOptions options = new SyncOptions(dryRun, allowEmptySource,
                    maxDelete == null ? OptionalLong.empty() : OptionalLong.of(maxDelete), Excludes.none(), false,
                    java.util.Optional.empty());
            Synchronizer synchronizer = new Synchronizer(roots.source(), roots.replica(), options);
            return once ? runOnce(synchronizer) : runPeriodically(synchronizer);
        } finally {
            LoggingSetup.shutdown();
        }
    }

    private int runOnce(Synchronizer synchronizer) {
        PassSummary summary = synchronizer.runPass(Cancellation.of(stop::isRaised));
        return summary.completed() && summary.errors() == 0 ? ExitCode.OK : ExitCode.ENTRIES_FAILED;
    }

    private int runPeriodically(Synchronizer synchronizer) throws InterruptedException {
        PeriodicRunner runner = new PeriodicRunner(interval, () -> synchronizer.runPass(Cancellation.of(stop::isRaised)));
        runner.start();
        stop.await();
        LOG.info("stop requested, finishing");
        boolean idle = runner.stop(STOP_GRACE);
        LOG.info(idle ? "dirsync stopped" : "dirsync stopped while a pass was still ending");
        return ExitCode.OK;
    }

    private static void openForAppend(Path file) throws IOException {
        Path parent = file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // Opened and closed: the file exists and is writable.
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND).close();
    }

    private static String reasonOf(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    private int fail(PrintWriter err, String message) {
        return fail(err, message, ExitCode.USAGE);
    }

    private int fail(PrintWriter err, String message, int exitCode) {
        err.println("dirsync: " + message);
        err.flush();
        return exitCode;
    }

    /** A usage mistake is one line on stderr and exit code 2: no usage dump, no stack trace. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("dirsync: " + LogText.escape(e.getMessage()) + " (see 'dirsync --help')");
        err.flush();
        return ExitCode.USAGE;
    }

    /** N of --max-delete: a whole number, 0 or more. */
    static final class CountConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                long count = Long.parseLong(value.trim());
                if (count >= 0) {
                    return count;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new CommandLine.TypeConversionException("must be a whole number, 0 or more, not '" + value + "'");
        }
    }

    /** INTERVAL: a whole number of seconds, at least 1. */
    static final class IntervalConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            long seconds;
            try {
                seconds = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (seconds < 1 || seconds > Duration.ofDays(3650).toSeconds()) {
                throw new CommandLine.TypeConversionException(
                        "INTERVAL must be a whole number of seconds from 1 to 315360000, not '" + value + "'");
            }
            return Duration.ofSeconds(seconds);
        }
    }
}
