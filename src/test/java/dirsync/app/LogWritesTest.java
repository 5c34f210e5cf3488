package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class LogWritesTest {

    private final StringWriter stderr = new StringWriter();
    private final LogWrites writes = new LogWrites(new PrintWriter(stderr), "/var/log/dirsync/data.log");

    @Test
    void eachRunOfFailuresIsSaidOnceWhenItStartsAndOnceWhenItEndsAndAllFailuresAreCounted() {
        writes.failed(new IOException("No space left on device"));
        writes.failed(new IOException("No space left on device"));
        writes.written();
        writes.written();
        writes.failed(new IOException("Disk quota exceeded"));

        assertThat(stderr.toString().lines().toList()).containsExactly(
                "dirsync: cannot write log file '/var/log/dirsync/data.log': No space left on device; going on "
                        + "without it, and trying again with each new line",
                "dirsync: log file '/var/log/dirsync/data.log' can be written again; 2 lines could not be written",
                "dirsync: cannot write log file '/var/log/dirsync/data.log': Disk quota exceeded; going on without "
                        + "it, and trying again with each new line");
        assertThat(writes.failures()).isEqualTo(3);
        assertThat(writes.writable()).isFalse();
        assertThat(writes.noteIfFailing()).isEqualTo("the log file can be written again; 1 line could not be "
                + "written before this one (Disk quota exceeded)");
    }

    @Test
    void whileTheWritesWorkThereIsNothingToSayAndNoNote() {
        writes.written();

        assertThat(stderr.toString()).isEmpty();
        assertThat(writes.noteIfFailing()).isNull();
        assertThat(writes.writable()).isTrue();
        assertThat(writes.failures()).isZero();
    }
}
