package dirsync.cli;

import ch.qos.logback.core.util.FileSize;
import dirsync.app.OptionRules;
import dirsync.sync.SyncOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The command line's model, built in code: its parameters and options, their labels, help texts, defaults (those
 * of {@link OptionRules}) and converters. Built with picocli's programmatic API rather than its annotations, whose
 * reading (a proxy class for each kind of annotation, reflection over a class's fields) was a good part of a cron
 * run's start. The order of the options is the help's.
 */
final class CommandModel {

    private CommandModel() {
    }

    /** The model of {@code dirsync}, run by {@code command}. */
    static CommandSpec of(Object command) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name("dirsync")
                .versionProvider(new VersionProvider());
        spec.usageMessage()
                .sortOptions(false)
                .autoWidth(true)
                .description("Keeps REPLICA an exact one-way mirror of SOURCE: copies new and changed files "
                        + "(compared by MD5), creates directories, deletes what SOURCE no longer has, and logs every "
                        + "change to the console and to LOG_FILE. Runs a pass at start, then again INTERVAL seconds "
                        + "after each pass ends, until stopped by SIGTERM or Ctrl-C.")
                .exitCodeListHeading("%nExit codes:%n");
        parameters(spec);
        runOptions(spec);
        sshOptions(spec);
        mirrorOptions(spec);
        logOptions(spec);
        compareOptions(spec);
        attributeOptions(spec);
        consoleOptions(spec);
        return spec;
    }

    private static void parameters(CommandSpec spec) {
        // SOURCE is a Path for the shell's completion; the run reads the text as typed (see DirsyncCommand).
        spec.addPositional(PositionalParamSpec.builder().index("0").required(true).paramLabel("SOURCE").type(Path.class)
                .converters(new Converters.PathConverter())
                .description("Directory on this machine to mirror. It is only ever read.").build());
        spec.addPositional(PositionalParamSpec.builder().index("1").required(true).paramLabel("REPLICA").type(String.class)
                .description("Directory to keep identical to SOURCE; created if missing. Must not overlap SOURCE. Or "
                        + "one on another host: sftp://[user@]host[:port]/absolute/path (keys and known hosts as "
                        + "ssh). Or in an object store: s3://bucket[/prefix] (credentials, region and endpoint as "
                        + "the AWS CLI: AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ~/.aws). Other "
                        + "remote forms (host:/path, ssh://...) are refused: write ./host:path for a local name.")
                .build());
        spec.addPositional(PositionalParamSpec.builder().index("2").required(true).paramLabel("INTERVAL").type(Duration.class)
                .converters(new Converters.IntervalConverter())
                .description("Seconds between the end of one pass and the start of the next (a whole number from "
                        + OptionRules.INTERVAL_SHORTEST + " to " + OptionRules.INTERVAL_LONGEST + ").").build());
        spec.addPositional(PositionalParamSpec.builder().index("3").required(true).paramLabel("LOG_FILE").type(Path.class)
                .converters(new Converters.PathConverter())
                .description("File the log is appended to; created with its parent directories if missing. "
                        + "Must be outside SOURCE and REPLICA.").build());
    }

    private static void runOptions(CommandSpec spec) {
        spec.addOption(flag("--once", "Run one pass, then exit (for cron and scripts). INTERVAL is still required "
                + "but unused."));
        spec.addOption(flag("--watch", "Also watch SOURCE (inotify) and copy its changes within seconds, by passes "
                + "over just the changed directories; the full pass every INTERVAL stays as the safety net. "
                + "--max-delete then counts the deletions of the last hour together, and after a refusal deletes "
                + "nothing for an hour."));
        spec.addOption(valued("--watch-delay", "SECONDS", Duration.class).converters(new Converters.DelayConverter())
                .defaultValue(OptionRules.WATCH_DELAY_DEFAULT)
                .description("With --watch: gather changes for SECONDS (" + OptionRules.WATCH_DELAY_SHORTEST + " to "
                        + OptionRules.WATCH_DELAY_LONGEST + ", default ${DEFAULT-VALUE}) before a pass over them.")
                .build());
    }

    private static void sshOptions(CommandSpec spec) {
        spec.addOption(path("--ssh-key", "FILE").description("For an sftp:// REPLICA: the private "
                + "key to log in with (unencrypted), instead of those of ~/.ssh/config or ~/.ssh/id_*.").build());
        spec.addOption(path("--known-hosts", "FILE").description("For an sftp:// REPLICA: the "
                + "known_hosts file its host key is checked against (default ~/.ssh/known_hosts).").build());
        spec.addOption(path("--ssh-config", "FILE").description("For an sftp:// REPLICA: the ssh "
                + "config file read for HostName, Port, User and IdentityFile (default ~/.ssh/config).").build());
        spec.addOption(flag("--accept-new-host-key", "For an sftp:// REPLICA: add an unknown host's key to "
                + "known_hosts (ssh's accept-new). A changed key is always refused."));
    }

    private static void mirrorOptions(CommandSpec spec) {
        spec.addOption(flag("--dry-run", "Log what would be done, change nothing."));
        spec.addOption(valued("--max-delete", "N", Long.class).converters(new Converters.CountConverter())
                .description("If a pass would delete more than N entries (the contents of deleted directories "
                        + "included), it deletes none of them and reports an error. N: "
                        + OptionRules.MAX_DELETE_FEWEST + " or more (default: no limit).").build());
        spec.addOption(flag("--allow-empty-source", "Let an empty SOURCE empty a non-empty REPLICA. Without it such "
                + "a pass deletes nothing and reports an error: an unmounted disk looks empty."));
        spec.addOption(valued("--exclude", "GLOB", List.class).auxiliaryTypes(String.class)
                .description("Leave out entries matching GLOB (repeatable): neither copied nor deleted. *.tmp "
                        + "matches a name at any depth; /build only at the top; a / inside matches the whole "
                        + "relative path; ** spans directories; a trailing / matches directories only.").build());
        spec.addOption(valued("--exclude-from", "FILE", List.class).auxiliaryTypes(Path.class)
                .converters(new Converters.PathConverter())
                .description("Read exclude patterns from FILE, one per line; blank lines and lines starting with # "
                        + "are ignored (repeatable).").build());
        spec.addOption(flag("--delete-excluded", "Delete what REPLICA holds at excluded paths."));
        spec.addOption(path("--backup-dir", "DIR").description("Before a pass deletes or overwrites "
                + "an entry of REPLICA, keep it as DIR/START/PATH: START the pass's start time, PATH its path in "
                + "REPLICA. DIR must be outside SOURCE and REPLICA.").build());
        spec.addOption(path("--status-file", "FILE").description("After each pass, replace FILE with "
                + "the pass's figures and the time of the last successful pass, in the Prometheus text format.")
                .build());
    }

    private static void logOptions(CommandSpec spec) {
        spec.addOption(valued("--log-max-size", "SIZE", FileSize.class).converters(new Converters.FileSizeConverter())
                .defaultValue(OptionRules.LOG_MAX_SIZE_DEFAULT)
                .description("Roll the log file over when it reaches SIZE (e.g. 500KB, 10MB, 1GB; at least "
                        + OptionRules.LOG_MAX_SIZE_SMALLEST + "; default ${DEFAULT-VALUE}).").build());
        spec.addOption(valued("--log-max-files", "N", int.class).converters(new Converters.FileCountConverter())
                .defaultValue("" + OptionRules.LOG_MAX_FILES_DEFAULT)
                .description("Keep N rolled-over log files, compressed: LOG_FILE.1.gz (newest) to LOG_FILE.N.gz; "
                        + OptionRules.LOG_MAX_FILES_FEWEST + " to " + OptionRules.LOG_MAX_FILES_MOST
                        + " (default ${DEFAULT-VALUE}).").build());
    }

    private static void compareOptions(CommandSpec spec) {
        spec.addOption(valued("--compare", "HOW", SyncOptions.Compare.class)
                .converters(new Converters.CompareConverter()).defaultValue(OptionRules.COMPARE_DEFAULT)
                .description("How files of the same size are judged: checksum (MD5 of both) or quick (equal "
                        + "modification times mean equal files, as rsync's default; blind to a change that keeps "
                        + "size and time); default ${DEFAULT-VALUE}.").build());
        spec.addOption(flag("--no-hash-cache", "Hash every pair of same-size files in every pass. By default a "
                + "later pass (also of a later run: the memory is kept in the user's state directory) trusts a pair "
                + "verified equal if neither file changed since (same inode, size, modification and change time)."));
        spec.addOption(flag("--copy-unsettled", "A file that changed during its copy in the 2 passes before (it is "
                + "being written all the time) is copied as it was read, the copy checked against what was read, "
                + "with a warning: it may not match any single moment of the file. Without it such a file is not "
                + "copied, and from its 3rd pass in a row it is an error (--once exits 1)."));
    }

    private static void attributeOptions(CommandSpec spec) {
        spec.addOption(flag("--no-owner", "Leave replica entries owned by the user dirsync runs as. By default, run "
                + "as root, every entry gets the source's numeric owner, as cp -a does (others cannot give files "
                + "away); setuid and setgid are kept only where an entry gets the source's owner and group."));
        spec.addOption(flag("--no-group", "Leave replica entries in the group they are created in. By default they "
                + "get the source's numeric group: run as root, always; otherwise where the user is a member of it."));
        spec.addOption(flag("--no-hard-links", "Copy every name of a file that has several as a file of its own. By "
                + "default, names that share a file in SOURCE share one in REPLICA too, as cp -a does."));
        spec.addOption(flag("--no-xattrs", "Leave out extended attributes. By default the user.* attributes of "
                + "files and directories are carried where both file systems keep them (ACLs and security.* are "
                + "not: see README)."));
    }

    private static void consoleOptions(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-q", "--quiet").type(boolean.class).description("Console: warnings and "
                + "errors only (the log file still gets everything).").build());
        spec.addOption(OptionSpec.builder("-v", "--verbose").type(boolean.class)
                .description("Also log debug detail (e.g. files found unchanged).").build());
        // What picocli's mixinStandardHelpOptions adds, without the annotated class it reads them from.
        spec.addOption(OptionSpec.builder("-h", "--help").type(boolean.class).usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").type(boolean.class).versionHelp(true)
                .description("Print version information and exit.").build());
    }

    private static OptionSpec flag(String name, String description) {
        return OptionSpec.builder(name).type(boolean.class).description(description).build();
    }

    private static OptionSpec.Builder valued(String name, String label, Class<?> type) {
        return OptionSpec.builder(name).paramLabel(label).type(type);
    }

    /** An option whose value is a path (see {@link Converters.PathConverter}). */
    private static OptionSpec.Builder path(String name, String label) {
        return valued(name, label, Path.class).converters(new Converters.PathConverter());
    }

    /** What the parse gave the option named {@code name}: its value, its default, or null. */
    static <T> T value(CommandSpec spec, String name) {
        return spec.findOption(name).getValue();
    }

    /** Whether the flag named {@code name} was given. */
    static boolean given(CommandSpec spec, String name) {
        return Boolean.TRUE.equals(spec.findOption(name).getValue());
    }

    /** What the parse gave the positional parameter at {@code index}. */
    static <T> T positional(CommandSpec spec, int index) {
        return spec.positionalParameters().get(index).getValue();
    }
}
