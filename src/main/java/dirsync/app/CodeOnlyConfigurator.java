package dirsync.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configurator for dirsync (registered in {@code META-INF/services}): it configures nothing and stops
 * Logback's own search (logback-test.xml, logback.xml, its serialized model, the console default), which costs a
 * start a few dozen classes and several class-path look-ups. {@link LoggingSetup} configures everything in code
 * once the log file is known; a line logged before that goes nowhere, as one after {@link LoggingSetup#shutdown}.
 * The program itself skips even this search: its {@code Main} binds SLF4J to {@link LogbackProvider}; this
 * configurator serves where Logback's own provider is bound (the tests, in process).
 */
public final class CodeOnlyConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
