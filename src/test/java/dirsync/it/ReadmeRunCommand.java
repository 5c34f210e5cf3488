package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command README.md tells a newcomer to run first: the last command of its first {@code shell} block (after
 * the build and its {@code &&}), as plain words, e.g. {@code target/dirsync/bin/dirsync src
 * /tmp/dirsync-demo-replica 60 /tmp/dirsync-demo.log}. Its program is relative to the clone's root, the README's
 * directory. Tests run it with only SOURCE, REPLICA and LOG_FILE (its last four words but INTERVAL) replaced.
 */
record ReadmeRunCommand(Path root, List<String> words) {

    private static final Pattern FIRST_SHELL_BLOCK = Pattern.compile("(?s)```shell\\n(.*?)\\n```");
    private static final Pattern NOT_PLAIN = Pattern.compile("[\"'`$\\\\;|<>*?~(){}]");

    /** The README Failsafe names in {@code dirsync.readme}; else {@code README.md} of the working directory. */
    static ReadmeRunCommand read() throws IOException {
        Path readme = Path.of(System.getProperty("dirsync.readme", "README.md")).toAbsolutePath();
        Matcher block = FIRST_SHELL_BLOCK.matcher(Files.readString(readme));
        assertThat(block.find()).as("a ```shell block in %s", readme).isTrue();
        String text = block.group(1).replace("\\\n", " ");
        String[] commands = text.split("&&");
        String last = commands[commands.length - 1].strip();
        assertThat(last).as("README's run command, in %s", readme).doesNotContain("\n");
        assertThat(NOT_PLAIN.matcher(last).find()).as("README's run command is plain words: %s", last).isFalse();
        List<String> words = Arrays.asList(last.split("\\s+"));
        assertThat(words).as("README's run command: PROGRAM... SOURCE REPLICA INTERVAL LOG_FILE").hasSizeGreaterThan(4);
        return new ReadmeRunCommand(readme.getParent(), List.copyOf(words));
    }

    /** The command with SOURCE, REPLICA and LOG_FILE replaced; the program, its options and INTERVAL as written. */
    List<String> on(Path source, Path replica, Path logFile) {
        List<String> command = new ArrayList<>(words);
        int n = command.size();
        command.set(n - 4, source.toString());
        command.set(n - 3, replica.toString());
        command.set(n - 1, logFile.toString());
        return command;
    }
}
