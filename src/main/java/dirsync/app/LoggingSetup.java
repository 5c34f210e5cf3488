package dirsync.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.spi.FilterReply;
import ch.qos.logback.core.util.Duration;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * Configures Logback in code, because the log file is a command-line argument: every line goes to the
 * console and is appended to the log file, in one form (ISO-8601 time with offset, level, message). The file
 * rolls over by size into compressed numbered files; progress lines, and errors also said on stderr, go to the
 * file only. A line the file cannot take is not lost in silence ({@link LogFileStream}).
 */
final class LoggingSetup {

    /** The line format, for reference: {@link LogLineEncoder} writes it without parsing it. */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %msg%n";
    /** The logger of periodic progress lines, which the console never shows. */
    static final String PROGRESS_LOGGER = "dirsync.progress";
    /**
     * Marks a line for the log file only: an error that ends the run is also said once on stderr, and the console
     * must not show it twice (under cron, both would be mailed).
     */
    static final Marker NOT_ON_CONSOLE = MarkerFactory.getMarker("dirsync-not-on-console");

    private LoggingSetup() {
    }

    /** @param writes told of each line the log file takes or not (see {@link LogFileStream}) */
    static void configure(Path logFile, ConsoleLine console, boolean verbose, boolean quiet, LogRolling rolling,
                          LogWrites writes) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();

        LogLineEncoder lines = encoder(context);
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>() {
            @Override
            public void openFile(String name) {
                // At the start and after each roll-over: the stream that never fails in silence.
                setOutputStream(new LogFileStream(name, writes, lines));
            }
        };
        file.setContext(context);
        file.setName("file");
        file.setFile(logFile.toString());
        file.setAppend(true);
        file.setEncoder(lines);

        FixedWindowRollingPolicy window = new FixedWindowRollingPolicy();
        window.setContext(context);
        window.setParent(file);
        window.setFileNamePattern(logFile + ".%i.gz");
        window.setMinIndex(1);
        window.setMaxIndex(rolling.maxFiles());
        window.start();

        SizeBasedTriggeringPolicy<ILoggingEvent> size = new SizeBasedTriggeringPolicy<>();
        size.setContext(context);
        size.setMaxFileSize(rolling.maxSize());
        size.setCheckIncrement(Duration.buildByMilliseconds(0)); // check every line: the limit is a limit
        size.start();

        file.setRollingPolicy(window);
        file.setTriggeringPolicy(size);
        file.start();

        WriterAppender terminal = new WriterAppender(console, encoder(context));
        terminal.setContext(context);
        terminal.setName("console");
        terminal.addFilter(new Filter<>() {
            @Override
            public FilterReply decide(ILoggingEvent event) {
                boolean fileOnly = event.getLoggerName().equals(PROGRESS_LOGGER)
                        || event.getMarkerList() != null && event.getMarkerList().contains(NOT_ON_CONSOLE);
                return fileOnly ? FilterReply.DENY : FilterReply.NEUTRAL;
            }
        });
        if (quiet) {
            ThresholdFilter warnings = new ThresholdFilter();
            warnings.setLevel(Level.WARN.toString());
            warnings.start();
            terminal.addFilter(warnings);
        }
        terminal.start();

        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(verbose ? Level.DEBUG : Level.INFO);
        root.addAppender(file);
        root.addAppender(terminal);
        // The SSH library's own lines (hundreds a connection with -v; warnings about channels it closes when a
        // connection drops) would drown dirsync's, which name the cause of each failure themselves.
        context.getLogger("org.apache.sshd").setLevel(Level.ERROR);
        context.getLogger("software.amazon.awssdk").setLevel(Level.ERROR);
    }

    /** Flushes and closes the log file; later log calls go nowhere. */
    static void shutdown() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }

    private static LogLineEncoder encoder(LoggerContext context) {
        LogLineEncoder encoder = new LogLineEncoder();
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }
}
