package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log file's stream on real files: failures come from /dev/full and from a directory not there (yet). */
class LogFileStreamTest {

    /** The time at the start of a log line. */
    private static final String TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) ";
    private static final String LINE = "2026-01-02T03:04:05.678Z INFO  pass 1 finished\n";

    @TempDir
    Path temp;

    private final StringWriter stderr = new StringWriter();
    private final LogWrites writes = new LogWrites(new PrintWriter(stderr), "the.log");

    @Test
    void linesTheFileCannotTakeAreCountedAndSaidOnceOnStderrWithoutAnException() {
        Path full = Path.of("/dev/full");
        Assumptions.assumeTrue(Files.isWritable(full), "no /dev/full here");
        LogFileStream stream = new LogFileStream(full.toString(), writes, encoder());

        for (int i = 0; i < 3; i++) {
            stream.write(bytes(LINE), 0, LINE.length());
        }

        assertThat(writes.failures()).isEqualTo(3);
        assertThat(writes.writable()).isFalse();
        assertThat(stderr.toString()).isEqualTo("dirsync: cannot write log file 'the.log': No space left on device; "
                + "going on without it, and trying again with each new line\n");
    }

    @Test
    void theFirstLineWrittenAgainFollowsANoteOfTheLinesMissing() throws IOException {
        Path log = temp.resolve("logs/the.log");
        LogFileStream stream = new LogFileStream(log.toString(), writes, encoder());
        stream.write(bytes("lost 1\n"), 0, 7);
        stream.write(bytes("lost 2\n"), 0, 7);

        Files.createDirectories(log.getParent());
        stream.write(bytes(LINE), 0, LINE.length());
        stream.write(bytes("next\n"), 0, 5);

        assertThat(Files.readAllLines(log)).satisfiesExactly(
                note -> assertThat(note).matches(TIME + "WARN  the log file can be written again; 2 lines "
                        + "could not be written before this one \\(No such file or directory\\)"),
                line -> assertThat(line + "\n").isEqualTo(LINE),
                next -> assertThat(next).isEqualTo("next"));
        assertThat(writes.writable()).isTrue();
        assertThat(writes.failures()).isEqualTo(2);
        assertThat(stderr.toString()).endsWith("\ndirsync: log file 'the.log' can be written again; 2 lines could "
                + "not be written\n");
    }

    @Test
    void afterHalfALineTheNoteStartsOnALineOfItsOwn() throws IOException {
        Path log = temp.resolve("logs/the.log");
        LogFileStream stream = new LogFileStream(log.toString(), writes, encoder());
        stream.write(bytes("lost\n"), 0, 5);
        Files.createDirectories(log.getParent());
        Files.writeString(log, "2026-01-02T03:04:05.000Z INFO  half a li"); // as a write cut short leaves it

        stream.write(bytes(LINE), 0, LINE.length());

        assertThat(Files.readAllLines(log)).hasSize(3).satisfies(lines -> {
            assertThat(lines.get(0)).endsWith("half a li");
            assertThat(lines.get(1)).matches(TIME + "WARN  the log file can be written again; 1 line .*");
            assertThat(lines.get(2) + "\n").isEqualTo(LINE);
        });
    }

    private static LogLineEncoder encoder() {
        LogLineEncoder encoder = new LogLineEncoder();
        encoder.setContext(new LoggerContext());
        encoder.start();
        return encoder;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
