package dirsync.cli;

import dirsync.app.ExitCode;
import dirsync.app.Launch;
import dirsync.app.OptionRules;
import dirsync.app.Settings;
import dirsync.app.StopSignal;
import dirsync.app.Surroundings;
import dirsync.sync.LogText;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command line: the values picocli parsed (by {@link CommandModel}'s model), turned into a
 * {@link Settings.Request} and handed to {@link Launch}, whose exit code is the process's. The defaults and ranges
 * are {@link OptionRules}'; the checks, the run and every exit code live in {@code dirsync.app}.
 */
public final class DirsyncCommand implements Callable<Integer> {

    private final StopSignal stop;
    private final Surroundings surroundings;
    /** The model this command is the user object of; after a parse, it holds the values. */
    private final CommandSpec spec;

    private DirsyncCommand(StopSignal stop, Surroundings surroundings) {
        this.stop = stop;
        this.surroundings = surroundings;
        this.spec = CommandModel.of(this);
    }

    /** The one factory for a ready command line, used by {@link Main}. */
    public static CommandLine commandLine(StopSignal stop) {
        return commandLine(stop, Surroundings.ofThisProcess());
    }

    /** The same command line in given surroundings. */
    static CommandLine commandLine(StopSignal stop, Surroundings surroundings) {
        CommandLine commandLine = new CommandLine(new DirsyncCommand(stop, surroundings).spec);
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
        return new Settings.Request(sourceAsTyped, CommandModel.positional(spec, 1),
                CommandModel.positional(spec, 2), CommandModel.positional(spec, 3))
                .once(given("--once"))
                .watch(given("--watch"), value("--watch-delay"))
                .ssh(value("--ssh-key"), value("--known-hosts"), value("--ssh-config"), given("--accept-new-host-key"))
                .dryRun(given("--dry-run"))
                .maxDelete(value("--max-delete"))
                .allowEmptySource(given("--allow-empty-source"))
                .excludes(list("--exclude"), list("--exclude-from"), given("--delete-excluded"))
                .backupDir(value("--backup-dir"))
                .statusFile(value("--status-file"))
                .logRolling(value("--log-max-size"), (int) value("--log-max-files"))
                .compare(value("--compare"), !given("--no-hash-cache"))
                .copyUnsettled(given("--copy-unsettled"))
                .ownership(!given("--no-owner"), !given("--no-group"))
                .hardLinks(!given("--no-hard-links"))
                .xattrs(!given("--no-xattrs"))
                .console(given("--verbose"), given("--quiet"));
    }

    private <T> T value(String option) {
        return CommandModel.value(spec, option);
    }

    private boolean given(String flag) {
        return CommandModel.given(spec, flag);
    }

    /** A repeatable option's values, in the order given; none if it was not given. */
    private <T> List<T> list(String option) {
        List<T> values = value(option);
        return values == null ? new ArrayList<>() : values;
    }

    /** A usage mistake is one line on stderr, no usage dump, no stack trace; its exit code is the app's. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        return Launch.refuse(LogText.escape(UsageMistakes.describe(e)) + " (see 'dirsync --help')",
                e.getCommandLine().getErr());
    }
}
