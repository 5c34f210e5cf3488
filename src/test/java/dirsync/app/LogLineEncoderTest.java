package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.TimeZone;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written encoder against Logback's pattern encoder with dirsync's pattern: the same bytes. */
class LogLineEncoderTest {

    @ParameterizedTest
    @ValueSource(strings = {"UTC", "Asia/Kolkata", "America/St_Johns", "Europe/Lisbon"})
    void writesExactlyWhatThePatternWrites(String zone) {
        TimeZone before = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        try {
            LoggerContext context = new LoggerContext();
            PatternLayoutEncoder pattern = new PatternLayoutEncoder();
            pattern.setContext(context);
            pattern.setPattern(LoggingSetup.PATTERN);
            pattern.setCharset(StandardCharsets.UTF_8);
            pattern.start();
            LogLineEncoder encoder = new LogLineEncoder();
            encoder.setContext(context);
            encoder.start();
            Logger logger = context.getLogger("dirsync.test");
            IOException cause = new IOException("disk on fire");
            IllegalStateException failure = new IllegalStateException("pass failed", cause);
            failure.addSuppressed(new IOException("and the cleanup too"));
            // Times: a leap-year day, a summer time, the epoch, a time before it, a millisecond of 999.
            long[] times = {1709208000123L, 1787654321999L, 0L, -86_400_001L, 1795605240123L, 1795605240123L};
            Object[][] lines = {
                {Level.INFO, "copied new file docs/a.txt (6 bytes)", null},
                {Level.WARN, "vanished: caf\u00e9 \uFFFD \uD83D\uDE00 x", null},
                {Level.ERROR, "pass failed unexpectedly: {}", failure},
                {Level.DEBUG, "unchanged file x", null},
                {Level.TRACE, "", null},
                {Level.ERROR, null, null},
            };
            for (int i = 0; i < lines.length; i++) {
                LoggingEvent event = new LoggingEvent("fqcn", logger, (Level) lines[i][0], (String) lines[i][1],
                        (Throwable) lines[i][2], new Object[] {"x"});
                event.setTimeStamp(times[i]);

                assertThat(new String(encoder.encode(event), StandardCharsets.UTF_8))
                        .isEqualTo(new String(pattern.encode(event), StandardCharsets.UTF_8));
            }
            assertThat(encoder.headerBytes()).isEqualTo(pattern.headerBytes());
            assertThat(encoder.footerBytes()).isEqualTo(pattern.footerBytes());
        } finally {
            TimeZone.setDefault(before);
        }
    }
}
