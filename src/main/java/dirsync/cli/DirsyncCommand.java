package dirsync.cli;

import ch.qos.logback.core.util.FileSize;
import dirsync.fs.Cancellation;
import dirsync.sync.Excludes;
import dirsync.sync.LogText;
import dirsync.sync.PassSummary;
import dirsync.sync.PeriodicRunner;
import dirsync.sync.Roots;
import dirsync.sync.StatusFile;
import dirsync.sync.SyncOptions;
import dirsync.sync.Synchronizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
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
            "1:--once: the pass finished, but some entries failed or a guard refused its deletions (or it was interrupted)",
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

    @Option(names = "--exclude", paramLabel = "GLOB", description = "Leave out entries matching GLOB (repeatable): "
            + "neither copied nor deleted. *.tmp matches a name at any depth; /build only at the top; a / inside "
            + "matches the whole relative path; ** spans directories; a trailing / matches directories only.")
    private List<String> excludes = new ArrayList<>();

    @Option(names = "--exclude-from", paramLabel = "FILE",
            description = "Read exclude patterns from FILE, one per line; blank lines and lines starting with # are "
                    + "ignored (repeatable).")
    private List<Path> excludeFiles = new ArrayList<>();

    @Option(names = "--delete-excluded", description = "Delete what REPLICA holds at excluded paths.")
    private boolean deleteExcluded;

    @Option(names = "--backup-dir", paramLabel = "DIR", description = "Before a pass deletes or overwrites an entry "
            + "of REPLICA, keep it under DIR/<pass start time>/<its path>. DIR must be outside SOURCE and REPLICA.")
    private Path backupDir;

    @Option(names = "--status-file", paramLabel = "FILE", description = "After each pass, replace FILE with the "
            + "pass's figures and the time of the last successful pass, in the Prometheus text format.")
    private Path statusFile;

    @Option(names = "--log-max-size", paramLabel = "SIZE", converter = FileSizeConverter.class,
            defaultValue = "10MB", description = "Roll the log file over when it reaches SIZE (e.g. 500KB, 10MB, "
                    + "1GB; default ${DEFAULT-VALUE}).")
    private FileSize logMaxSize;

    @Option(names = "--log-max-files", paramLabel = "N", defaultValue = "5", description = "Keep N rolled-over "
            + "log files, compressed: LOG_FILE.1.gz (newest) to LOG_FILE.N.gz; 1 to 20 (default ${DEFAULT-VALUE}).")
    private int logMaxFiles;

    @Option(names = "--compare", paramLabel = "HOW", defaultValue = "checksum", converter = CompareConverter.class,
            description = "How files of the same size are judged: checksum (MD5 of both, the default) or quick "
                    + "(equal modification times mean equal files, as rsync's default; blind to a change that keeps "
                    + "size and time).")
    private SyncOptions.Compare compare;

    @Option(names = "--no-hash-cache", description = "Hash every pair of same-size files in every pass. By default "
            + "a later pass (also of a later run: the memory is kept in java.io.tmpdir) trusts a pair verified "
            + "equal if neither file changed since (same inode, size, modification and change time).")
    private boolean noHashCache;

    @Option(names = {"-q", "--quiet"}, description = "Console: warnings and errors only (the log file still gets "
            + "everything).")
    private boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Also log debug detail (e.g. files found unchanged).")
    private boolean verbose;

    @Spec
    private CommandSpec spec;

    private final StopSignal stop;
    private final Surroundings surroundings;

    /**
     * What the command takes from its surroundings rather than its arguments; tests supply their own.
     *
     * @param lockDirectory where the one-instance lock files live
     * @param progressEvery how often a long pass logs a progress line
     * @param interactive   whether the console is a terminal that can show a live progress line
     */
    record Surroundings(Path lockDirectory, Duration progressEvery, boolean interactive) {
        static Surroundings ofThisProcess() {
            return new Surroundings(Path.of(System.getProperty("java.io.tmpdir")), Duration.ofSeconds(10),
                    ProgressReporter.consoleIsInteractive());
        }
    }

    DirsyncCommand(StopSignal stop, Surroundings surroundings) {
        this.stop = stop;
        this.surroundings = surroundings;
    }

    /** The one factory for a ready command line, used by {@link Main}. */
    public static CommandLine commandLine(StopSignal stop) {
        return commandLine(stop, Surroundings.ofThisProcess());
    }

    /** The same command line in given surroundings. */
    static CommandLine commandLine(StopSignal stop, Surroundings surroundings) {
        CommandLine commandLine = new CommandLine(new DirsyncCommand(stop, surroundings));
        commandLine.setParameterExceptionHandler(DirsyncCommand::usageError);
        return commandLine;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Roots roots;
        Excludes rules;
        Path realStatusFile = null;
        Path realBackupDir = null;
        try {
            roots = Roots.validate(source, replica, logFile);
            if (statusFile != null) {
                realStatusFile = roots.outsideFile(statusFile, "status file");
            }
            if (backupDir != null) {
                realBackupDir = roots.outsideDirectory(backupDir, "backup directory");
            }
            rules = Excludes.of(excludePatterns());
        } catch (Roots.InvalidRootsException | IllegalArgumentException e) {
            return fail(err, LogText.escape(e.getMessage()));
        } catch (IOException e) {
            return fail(err, "cannot read exclude file: " + reasonOf(e));
        }
        if (logFile.toString().contains("%")) {
            return fail(err, "log file name must not contain '%' (it names the rolled-over files)");
        }
        if (logMaxFiles < 1 || logMaxFiles > LoggingSetup.Rolling.MOST_FILES) {
            return fail(err, "--log-max-files must be 1 to " + LoggingSetup.Rolling.MOST_FILES + ", not " + logMaxFiles);
        }
        SyncOptions options = new SyncOptions(dryRun, allowEmptySource,
                maxDelete == null ? OptionalLong.empty() : OptionalLong.of(maxDelete), rules, deleteExcluded,
                Optional.ofNullable(realBackupDir), !noHashCache, compare);
        // From here on things are written: the lock (outside the replica), then the log file, so that a second
        // instance or a bad log path is still refused before anything else is touched.
        ReplicaLock lock = null;
        if (!dryRun) {
            Path lockFile = ReplicaLock.lockFileFor(roots.replica(), surroundings.lockDirectory());
            try {
                lock = ReplicaLock.acquire(lockFile, roots.replica());
            } catch (ReplicaLock.HeldElsewhereException e) {
                return fail(err, LogText.escape(e.getMessage()), ExitCode.ALREADY_RUNNING);
            } catch (IOException e) {
                return fail(err, "cannot lock '" + LogText.escape(lockFile) + "': " + reasonOf(e));
            }
        }
        try {
            return locked(err, roots, options, realStatusFile);
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

    private int locked(PrintWriter err, Roots roots, SyncOptions options, Path realStatusFile)
            throws InterruptedException {
        try {
            openForAppend(roots.logFile());
        } catch (IOException e) {
            return fail(err, "cannot write log file '" + LogText.escape(logFile) + "': " + reasonOf(e));
        }
        ConsoleLine console = new ConsoleLine(spec.commandLine().getOut());
        LoggingSetup.configure(roots.logFile(), console, verbose, quiet,
                new LoggingSetup.Rolling(logMaxSize, logMaxFiles));
        dirsync.fs.local.LocalTree replicaTree = dirsync.fs.local.LocalTree.at(roots.replica());
        Synchronizer synchronizer = new Synchronizer(dirsync.fs.local.LocalTree.at(roots.source()),
                dryRun ? dirsync.fs.dryrun.DryRunReplica.over(replicaTree) : replicaTree, options);
        try (ProgressReporter progress = new ProgressReporter(synchronizer.progress(), surroundings.progressEvery(),
                surroundings.interactive() ? console : null)) {
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
            StatusFile status = realStatusFile == null || dryRun ? null : new StatusFile(realStatusFile, roots.replica());
            // The verified-hash memory outlives the process, next to the lock: a cron job's next run starts from it.
            Path memory = ReplicaLock.fileFor(roots.replica(), surroundings.lockDirectory(), ".pairs");
            if (options.rememberHashes() && synchronizer.importHashMemory(readMemory(memory))) {
                LOG.debug("took the pairs verified by an earlier run from '{}'", LogText.escape(memory));
            }
            Supplier<PassSummary> pass = () -> runPass(synchronizer, progress, status);
            int exitCode = once ? exitCodeOf(pass.get()) : runPeriodically(pass);
            if (options.rememberHashes() && !dryRun) {
                try {
                    writeMemory(memory, synchronizer.exportHashMemory());
                } catch (IOException e) {
                    LOG.warn("cannot save the verified pairs to '{}' (the next run hashes them again): {}",
                            LogText.escape(memory), reasonOf(e));
                }
            }
            return exitCode;
        } finally {
            LoggingSetup.shutdown();
        }
    }

    /** One pass, with its progress reports and, if asked for, its status file. */
    private PassSummary runPass(Synchronizer synchronizer, ProgressReporter progress, StatusFile status) {
        Instant started = Instant.now();
        PassSummary summary;
        progress.passStarted();
        try {
            summary = synchronizer.runPass(Cancellation.of(stop::isRaised));
        } finally {
            progress.passEnded();
        }
        if (status != null) {
            try {
                status.record(started, summary);
            } catch (IOException e) {
                LOG.error("error: cannot write status file '{}': {}", LogText.escape(statusFile), reasonOf(e));
            }
        }
        return summary;
    }

    private static int exitCodeOf(PassSummary summary) {
        return summary.completed() && summary.errors() == 0 ? ExitCode.OK : ExitCode.ENTRIES_FAILED;
    }

    private int runPeriodically(Supplier<PassSummary> pass) throws InterruptedException {
        PeriodicRunner runner = new PeriodicRunner(interval, pass::get);
        runner.start();
        stop.await();
        LOG.info("stop requested, finishing");
        boolean idle = runner.stop(STOP_GRACE);
        LOG.info(idle ? "dirsync stopped" : "dirsync stopped while a pass was still ending");
        return ExitCode.OK;
    }

    /** --exclude patterns, then those of each --exclude-from file. */
    private List<String> excludePatterns() throws IOException {
        List<String> patterns = new ArrayList<>(excludes);
        for (Path file : excludeFiles) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String pattern = line.strip();
                if (!pattern.isEmpty() && !pattern.startsWith("#")) {
                    patterns.add(pattern);
                }
            }
        }
        return patterns;
    }

    // Temporary until the app layer lands: the memory file, trusted only if it is the user's own.
    private static byte[] readMemory(Path file) {
        try {
            java.nio.file.attribute.PosixFileAttributes attributes = Files.readAttributes(file,
                    java.nio.file.attribute.PosixFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Object me = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Object owner = Files.getAttribute(file, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            java.util.Set<java.nio.file.attribute.PosixFilePermission> mode = attributes.permissions();
            if (!attributes.isRegularFile() || !owner.equals(me)
                    || mode.contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)
                    || mode.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE)) {
                return null;
            }
            return Files.readAllBytes(file);
        } catch (IOException | RuntimeException unusable) {
            return null;
        }
    }

    private static void writeMemory(Path file, byte[] bytes) throws IOException {
        if (bytes == null) {
            return;
        }
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Files.write(temp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
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
        return LogText.reason(e);
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

    /** SIZE of --log-max-size: a number with an optional KB, MB or GB, as Logback reads it; at least 1 KB. */
    static final class FileSizeConverter implements CommandLine.ITypeConverter<FileSize> {
        @Override
        public FileSize convert(String value) {
            try {
                FileSize size = FileSize.valueOf(value.trim());
                if (size.getSize() >= 1024) {
                    return size;
                }
            } catch (IllegalArgumentException e) {
                // fall through
            }
            throw new CommandLine.TypeConversionException(
                    "must be a size such as 500KB, 10MB or 1GB (at least 1KB), not '" + value + "'");
        }
    }

    /** HOW of --compare: checksum or quick. */
    static final class CompareConverter implements CommandLine.ITypeConverter<SyncOptions.Compare> {
        @Override
        public SyncOptions.Compare convert(String value) {
            switch (value.trim()) {
                case "checksum":
                    return SyncOptions.Compare.CHECKSUM;
                case "quick":
                    return SyncOptions.Compare.QUICK;
                default:
                    throw new CommandLine.TypeConversionException("must be checksum or quick, not '" + value + "'");
            }
        }
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
