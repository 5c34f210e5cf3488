package dirsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.app.ExitCode;
import dirsync.app.StopSignal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The one line a mistake the parser finds gets on stderr, in the help's own names, and its exit code. */
class UsageMistakesTest {

    @TempDir
    Path temp;

    /** The mistake's line on stderr, after checking that it is one line and exit code 2, with nothing on stdout. */
    private String refusal(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = DirsyncCommand.commandLine(new StopSignal());
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        assertThat(commandLine.execute(args)).isEqualTo(ExitCode.USAGE);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().lines()).hasSize(1);
        return err.toString().strip();
    }

    private String[] withInterval(String interval, String... options) {
        String[] args = new String[options.length + 4];
        System.arraycopy(options, 0, args, 0, options.length);
        args[options.length] = temp.resolve("source").toString();
        args[options.length + 1] = temp.resolve("replica").toString();
        args[options.length + 2] = interval;
        args[options.length + 3] = temp.resolve("sync.log").toString();
        return args;
    }

    @Test
    void anIntervalThatIsNotANumberIsRefusedByItsNameAlone() {
        assertThat(refusal(withInterval("abc"))).isEqualTo("dirsync: INTERVAL must be a whole number of seconds "
                + "from 1 to 315360000, not 'abc' (see 'dirsync --help')");
    }

    @Test
    void anOptionValueThatIsNotANumberIsRefusedByTheOptionsName() {
        assertThat(refusal(withInterval("5", "--max-delete=abc"))).isEqualTo("dirsync: --max-delete must be a whole "
                + "number, 0 or more, not 'abc' (see 'dirsync --help')");
    }

    @Test
    void aLogFileCountThatIsNotANumberIsRefusedWithItsRange() {
        assertThat(refusal(withInterval("5", "--log-max-files", "x"))).isEqualTo("dirsync: --log-max-files must be "
                + "a whole number from 1 to 20, not 'x' (see 'dirsync --help')");
    }

    @Test
    void aPathTheFileSystemCannotHoldIsRefusedAsNotAPath() {
        assertThat(refusal(withInterval("5", "--backup-dir", "back\0up"))).isEqualTo("dirsync: --backup-dir is not "
                + "a path: Nul character not allowed (see 'dirsync --help')");
        assertThat(refusal("sou\0rce", "replica", "5", "log")).isEqualTo("dirsync: SOURCE is not a path: Nul "
                + "character not allowed (see 'dirsync --help')");
    }

    @Test
    void noArgumentsAtAllNamesAllFourAndHowTheyAreWritten() {
        assertThat(refusal()).isEqualTo("dirsync: missing SOURCE, REPLICA, INTERVAL and LOG_FILE: "
                + "dirsync [options] SOURCE REPLICA INTERVAL LOG_FILE (see 'dirsync --help')");
    }

    @Test
    void anOptionWithoutItsValueIsToldWhatItNeeds() {
        String[] args = withInterval("5");
        String[] more = java.util.Arrays.copyOf(args, args.length + 1);
        more[args.length] = "--ssh-key";
        assertThat(refusal(more)).isEqualTo("dirsync: --ssh-key needs a value: FILE (see 'dirsync --help')");
    }

    @Test
    void argumentsAfterTheFirstMissingOneAreNamedToo() {
        assertThat(refusal("source", "replica")).isEqualTo("dirsync: missing INTERVAL and LOG_FILE: "
                + "dirsync [options] SOURCE REPLICA INTERVAL LOG_FILE (see 'dirsync --help')");
    }

    @Test
    void aMistypedOptionIsRefusedWithTheOptionItResembles() {
        assertThat(refusal(withInterval("5", "--exlude", "*.tmp"))).isEqualTo(
                "dirsync: unknown option '--exlude'; did you mean --exclude? (see 'dirsync --help')");
    }

    @Test
    void anUnknownOptionLikeNoneIsRefusedWithoutAGuess() {
        assertThat(refusal(withInterval("5", "--frobnicate"))).isEqualTo(
                "dirsync: unknown option '--frobnicate' (see 'dirsync --help')");
    }

    @Test
    void anArgumentPastLogFileIsRefusedWithHowTheArgumentsAreWritten() {
        String[] args = withInterval("5");
        String[] more = java.util.Arrays.copyOf(args, args.length + 1);
        more[args.length] = "extra";
        assertThat(refusal(more)).isEqualTo("dirsync: one argument too many: 'extra'; "
                + "dirsync [options] SOURCE REPLICA INTERVAL LOG_FILE (see 'dirsync --help')");
    }
}
