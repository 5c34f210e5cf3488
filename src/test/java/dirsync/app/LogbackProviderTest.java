package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

/** The provider the program binds SLF4J to: a bare Logback context, ready for {@link LoggingSetup}. */
class LogbackProviderTest {

    @Test
    void handsOutAStartedLogbackContextWithNoAppendersSoThatEarlyLinesGoNowhere() {
        LogbackProvider provider = new LogbackProvider();
        provider.initialize();

        assertThat(provider.getLoggerFactory()).isInstanceOf(LoggerContext.class);
        LoggerContext context = (LoggerContext) provider.getLoggerFactory();
        assertThat(context.isStarted()).isTrue();
        assertThat(context.getName()).isEqualTo("default");
        assertThat(context.getMDCAdapter()).isSameAs(provider.getMDCAdapter());
        assertThat(provider.getMarkerFactory().getMarker("m")).isSameAs(provider.getMarkerFactory().getMarker("m"));
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
        // Configured by the statuses of no configuration search: nothing to report.
        assertThat(context.getStatusManager().getCopyOfStatusList()).isEmpty();
    }

    @Test
    void asksForTheSlf4jApiItIsBuiltAgainst() {
        assertThat(new LogbackProvider().getRequestedApiVersion()).startsWith("2.0");
    }

    @Test
    void aContextItHandsOutTakesAnAppenderAndDeliversLinesToIt() {
        LogbackProvider provider = new LogbackProvider();
        provider.initialize();
        LoggerContext context = (LoggerContext) provider.getLoggerFactory();
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.setContext(context);
        lines.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(lines);

        provider.getLoggerFactory().getLogger("dirsync").info("a line");

        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("a line");
    }
}
