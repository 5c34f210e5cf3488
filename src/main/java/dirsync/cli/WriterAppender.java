package dirsync.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Sends log lines to a {@link PrintWriter}: picocli's output stream, so that the console copy of the log goes
 * wherever the command's output goes (the terminal, or a test's buffer).
 */
final class WriterAppender extends AppenderBase<ILoggingEvent> {

    private final PrintWriter writer;
    private final Encoder<ILoggingEvent> encoder;

    WriterAppender(PrintWriter writer, Encoder<ILoggingEvent> encoder) {
        this.writer = writer;
        this.encoder = encoder;
    }

    @Override
    protected void append(ILoggingEvent event) {
        writer.print(new String(encoder.encode(event), StandardCharsets.UTF_8));
        writer.flush();
    }
}
