package dirsync.cli;

import ch.qos.logback.core.util.FileSize;
import dirsync.app.ExitCode;
import dirsync.app.Launch;
import dirsync.app.OptionRules;
import dirsync.app.Settings;
import dirsync.app.StopSignal;
import dirsync.app.Surroundings;
import dirsync.sync.LogText;
import dirsync.sync.SyncOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The command line: picocli's bindings of the arguments and options, turned into a {@link Settings.Request} and
 * handed to {@link Launch}, whose exit code is the process's. The defaults and ranges shown here are
 * {@link OptionRules}'; the checks, the run and every exit code live in {@code dirsync.app}.
 */
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
        exitCodeListHeading = "%nExit codes:%n")
public final class DirsyncCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SOURCE", description = "Directory on this machine to mirror. It is only "
            + "ever read.")
    private Path source; // a Path for the shell's completion; the run reads the text as typed (see request())

    @Parameters(index = "1", paramLabel = "REPLICA",
            description = "Directory to keep identical to SOURCE; created if missing. Must not overlap SOURCE. Or "
                    + "one on another host: sftp://[user@]host[:port]/absolute/path (keys and known hosts as ssh). "
                    + "Other remote forms (host:/path, ssh://...) are refused: write ./host:path for a local name.")
    private String replica;

    @Parameters(index = "2", paramLabel = "INTERVAL", converter = Converters.IntervalConverter.class,
            description = "Seconds between the end of one pass and the start of the next (a whole number from "
                    + OptionRules.INTERVAL_SHORTEST + " to " + OptionRules.INTERVAL_LONGEST + ").")
    private Duration interval;

    @Parameters(index = "3", paramLabel = "LOG_FILE",
            description = "File the log is appended to; created with its parent directories if missing. "
                    + "Must be outside SOURCE and REPLICA.")
    private Path logFile;

    @Option(names = "--once", description = "Run one pass, then exit (for cron and scripts). INTERVAL is still "
            + "required but unused.")
    private boolean once;

    @Option(names = "--watch", description = "Also watch SOURCE (inotify) and copy its changes within seconds, by "
            + "passes over just the changed directories; the full pass every INTERVAL stays as the safety net. "
            + "--max-delete then counts the deletions of the last hour together, and after a refusal deletes "
            + "nothing for an hour.")
    private boolean watch;

    @Option(names = "--watch-delay", paramLabel = "SECONDS", converter = Converters.DelayConverter.class,
            defaultValue = OptionRules.WATCH_DELAY_DEFAULT, description = "With --watch: gather changes for SECONDS ("
                    + OptionRules.WATCH_DELAY_SHORTEST + " to " + OptionRules.WATCH_DELAY_LONGEST
                    + ", default ${DEFAULT-VALUE}) before a pass over them.")
    private Duration watchDelay;

    @Option(names = "--ssh-key", paramLabel = "FILE", description = "For an sftp:// REPLICA: the private key to "
            + "log in with (unencrypted), instead of those of ~/.ssh/config or ~/.ssh/id_*.")
    private Path sshKey;

    @Option(names = "--known-hosts", paramLabel = "FILE", description = "For an sftp:// REPLICA: the known_hosts "
            + "file its host key is checked against (default ~/.ssh/known_hosts).")
    private Path knownHosts;

    @Option(names = "--ssh-config", paramLabel = "FILE", description = "For an sftp:// REPLICA: the ssh config "
            + "file read for HostName, Port, User and IdentityFile (default ~/.ssh/config).")
    private Path sshConfig;

    @Option(names = "--accept-new-host-key", description = "For an sftp:// REPLICA: add an unknown host's key "
            + "to known_hosts (ssh's accept-new). A changed key is always refused.")
    private boolean acceptNewHostKey;

    @Option(names = "--dry-run", description = "Log what would be done, change nothing.")
    private boolean dryRun;

    @Option(names = "--max-delete", paramLabel = "N", converter = Converters.CountConverter.class,
            description = "If a pass would delete more than N entries (the contents of deleted directories "
                    + "included), it deletes none of them and reports an error. N: " + OptionRules.MAX_DELETE_FEWEST
                    + " or more (default: no limit).")
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
            + "of REPLICA, keep it as DIR/START/PATH: START the pass's start time, PATH its path in REPLICA. DIR "
            + "must be outside SOURCE and REPLICA.")
    private Path backupDir;

    @Option(names = "--status-file", paramLabel = "FILE", description = "After each pass, replace FILE with the "
            + "pass's figures and the time of the last successful pass, in the Prometheus text format.")
    private Path statusFile;

    @Option(names = "--log-max-size", paramLabel = "SIZE", converter = Converters.FileSizeConverter.class,
            defaultValue = OptionRules.LOG_MAX_SIZE_DEFAULT, description = "Roll the log file over when it reaches "
                    + "SIZE (e.g. 500KB, 10MB, 1GB; at least " + OptionRules.LOG_MAX_SIZE_SMALLEST
                    + "; default ${DEFAULT-VALUE}).")
    private FileSize logMaxSize;

    @Option(names = "--log-max-files", paramLabel = "N", defaultValue = "" + OptionRules.LOG_MAX_FILES_DEFAULT,
            converter = Converters.FileCountConverter.class,
            description = "Keep N rolled-over log files, compressed: LOG_FILE.1.gz (newest) to LOG_FILE.N.gz; "
                    + OptionRules.LOG_MAX_FILES_FEWEST + " to " + OptionRules.LOG_MAX_FILES_MOST
                    + " (default ${DEFAULT-VALUE}).")
    private int logMaxFiles;

    @Option(names = "--compare", paramLabel = "HOW", defaultValue = OptionRules.COMPARE_DEFAULT,
            converter = Converters.CompareConverter.class,
            description = "How files of the same size are judged: checksum (MD5 of both) or quick (equal "
                    + "modification times mean equal files, as rsync's default; blind to a change that keeps size "
                    + "and time); default ${DEFAULT-VALUE}.")
    private SyncOptions.Compare compare;

    @Option(names = "--no-hash-cache", description = "Hash every pair of same-size files in every pass. By default "
            + "a later pass (also of a later run: the memory is kept in the user's state directory) trusts a pair "
            + "verified equal if neither file changed since (same inode, size, modification and change time).")
    private boolean noHashCache;

    @Option(names = "--copy-unsettled", description = "A file that changed during its copy in the 2 passes before "
            + "(it is being written all the time) is copied as it was read, the copy checked against what was read, "
            + "with a warning: it may not match any single moment of the file. Without it such a file is not copied, "
            + "and from its 3rd pass in a row it is an error (--once exits 1).")
    private boolean copyUnsettled;

    @Option(names = "--no-owner", description = "Leave replica entries owned by the user dirsync runs as. By "
            + "default, run as root, every entry gets the source's numeric owner, as cp -a does (others cannot give "
            + "files away); setuid and setgid are kept only where an entry gets the source's owner and group.")
    private boolean noOwner;

    @Option(names = "--no-group", description = "Leave replica entries in the group they are created in. By "
            + "default they get the source's numeric group: run as root, always; otherwise where the user is a "
            + "member of it.")
    private boolean noGroup;

    @Option(names = "--no-hard-links", description = "Copy every name of a file that has several as a file of its "
            + "own. By default, names that share a file in SOURCE share one in REPLICA too, as cp -a does.")
    private boolean noHardLinks;

    @Option(names = "--no-xattrs", description = "Leave out extended attributes. By default the user.* attributes "
            + "of files and directories are carried where both file systems keep them (ACLs and security.* are "
            + "not: see README).")
    private boolean noXattrs;

    @Option(names = {"-q", "--quiet"}, description = "Console: warnings and errors only (the log file still gets "
            + "everything).")
    private boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Also log debug detail (e.g. files found unchanged).")
    private boolean verbose;

    @Spec
    private CommandSpec spec;

    private final StopSignal stop;
    private final Surroundings surroundings;

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
        BlankWrappedHelp.install(commandLine);
        commandLine.getCommandSpec().usageMessage().exitCodeList(ExitCode.meanings());
        return commandLine;
    }

    @Override
    public Integer call() throws InterruptedException {
        return Launch.run(request(), surroundings, stop, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    private Settings.Request request() {
        // As typed: a Path folds "sftp://h/x" into "sftp:/h/x", and the two are refused with different advice.
        String sourceAsTyped = spec.commandLine().getParseResult().matchedPositional(0).originalStringValues()
                .get(0);
        return new Settings.Request(sourceAsTyped, replica, interval, logFile)
                .once(once)
                .watch(watch, watchDelay)
                .ssh(sshKey, knownHosts, sshConfig, acceptNewHostKey)
                .dryRun(dryRun)
                .maxDelete(maxDelete)
                .allowEmptySource(allowEmptySource)
                .excludes(excludes, excludeFiles, deleteExcluded)
                .backupDir(backupDir)
                .statusFile(statusFile)
                .logRolling(logMaxSize, logMaxFiles)
                .compare(compare, !noHashCache)
                .copyUnsettled(copyUnsettled)
                .ownership(!noOwner, !noGroup)
                .hardLinks(!noHardLinks)
                .xattrs(!noXattrs)
                .console(verbose, quiet);
    }

    /** A usage mistake is one line on stderr, no usage dump, no stack trace; its exit code is the app's. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        return Launch.refuse(LogText.escape(UsageMistakes.describe(e)) + " (see 'dirsync --help')",
                e.getCommandLine().getErr());
    }
}
