package dirsync.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;

/**
 * Sends log lines to the console through picocli's output writer, so that the console copy of the log goes
 * wherever the command's output goes (the terminal, or a test's buffer).
 */
final class WriterAppender extends AppenderBase<ILoggingEvent> {

    private final ConsoleLine console;
    private final Encoder<ILoggingEvent> encoder;

    WriterAppender(ConsoleLine console, Encoder<ILoggingEvent> encoder) {
        this.console = console;
        this.encoder = encoder;
    }

    @Override
    protected void append(ILoggingEvent event) {
        console.logLine(new String(encoder.encode(event), StandardCharsets.UTF_8));
    }
}
