package dirsync.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.util.TimeZone;

/**
 * dirsync's log line, {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %msg%n} in UTF-8, written out by hand: a
 * {@code PatternLayoutEncoder} parses that pattern and makes its converters by reflection at every start. A line
 * with a throwable is followed by its stack trace as the pattern layout adds it (its {@code %ex} converter).
 */
final class LogLineEncoder extends EncoderBase<ILoggingEvent> {

    static final String TIME_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

    /** Formats a millisecond time in the JVM's time zone, as %d of the pattern does. */
    private final LogTime time = new LogTime(TimeZone.getDefault());
    private ThrowableProxyConverter stackTrace;

    private static final byte[] NONE = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        StringBuilder line = line(event.getTimeStamp(), event.getLevel(), event.getFormattedMessage());
        if (event.getThrowableProxy() != null) {
            line.append(stackTrace().convert(event));
        }
        return line.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A line of the log's form that no logger wrote: the log file's own note that it is written again. */
    byte[] encode(long time, Level level, String message) {
        return line(time, level, message).toString().getBytes(StandardCharsets.UTF_8);
    }

    private StringBuilder line(long timeStamp, Level level, String message) {
        String name = level.toString();
        StringBuilder line = new StringBuilder(128)
                .append(time.format(timeStamp))
                .append(' ')
                .append(name);
        for (int pad = name.length(); pad < 5; pad++) {
            line.append(' ');
        }
        return line.append(' ').append(message).append(CoreConstants.LINE_SEPARATOR);
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }

    /** Made on the first throwable: most runs log none. Appends happen one at a time (the appenders lock). */
    private synchronized ThrowableProxyConverter stackTrace() {
        if (stackTrace == null) {
            ThrowableProxyConverter converter = new ThrowableProxyConverter();
            converter.setContext(getContext());
            converter.start();
            stackTrace = converter;
        }
        return stackTrace;
    }
}
