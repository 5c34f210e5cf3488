package dirsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.app.StopSignal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The text of --help as a terminal of a given width shows it: wrapped at blanks, never inside a word. */
class HelpTextTest {

    /** Wide enough that no line of the help wraps: each text on one line, every word whole. */
    private static final int UNWRAPPED = 2000;

    private static String help(int width) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = DirsyncCommand.commandLine(new StopSignal());
        commandLine.getCommandSpec().usageMessage().autoWidth(false).width(width);
        commandLine.setOut(new PrintWriter(out));
        assertThat(commandLine.execute("--help")).isZero();
        return out.toString();
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.split("\\s+")).filter(word -> !word.isEmpty()).toList();
    }

    /**
     * A line broken inside a word ("~/." + "ssh/config") shows two words where the unwrapped help has one. Below 72
     * columns the sftp:// address is wider than its column, and is cut as any word longer than its column.
     */
    @ParameterizedTest
    @ValueSource(ints = {72, 80, 100, 120})
    void helpWrapsItsLinesOnlyAtBlanks(int width) {
        assertThat(words(help(width))).containsExactlyElementsOf(words(help(UNWRAPPED)));
    }

    @ParameterizedTest
    @ValueSource(ints = {55, 80, 120})
    void helpLinesFitTheWidth(int width) {
        assertThat(help(width).lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(width));
    }

    @Test
    void helpAt80ColumnsShowsEachPathAndCommandWholeOnOneLine() {
        List<String> lines = help(80).lines().toList();

        for (String whole : List.of("~/.ssh/config", "~/.ssh/known_hosts", "~/.ssh/id_*",
                "sftp://[user@]host[:port]/absolute/path", "LOG_FILE.1.gz", "LOG_FILE.N.gz", "user.*",
                "DIR/START/PATH", "cp -a")) {
            assertThat(lines).as(whole).anySatisfy(line -> assertThat(line).contains(whole));
        }
    }
}
