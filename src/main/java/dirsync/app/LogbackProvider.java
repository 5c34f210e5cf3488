package dirsync.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * SLF4J's binding to Logback as the program starts it ({@link #choose()}): a bare logger context, which
 * {@link LoggingSetup} configures in code. Logback's own provider first runs its configuration search (service
 * look-ups, version checks of its jars, status messages; see {@link CodeOnlyConfigurator}), a good part of a cron
 * run's start, only to find that there is nothing to configure. A line logged before {@link LoggingSetup} goes
 * nowhere, as with Logback's provider and {@link CodeOnlyConfigurator}.
 */
public final class LogbackProvider implements SLF4JServiceProvider {

    private LoggerContext context;
    private IMarkerFactory markers;
    private MDCAdapter mdc;

    /**
     * Makes SLF4J bind to this provider: to be called before the first logger is asked for. SLF4J reports the
     * choice of a provider by a system property as information on stderr, which its verbosity keeps to warnings.
     */
    public static void choose() {
        System.setProperty("slf4j.provider", LogbackProvider.class.getName());
        System.setProperty("slf4j.internal.verbosity", "WARN");
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        LoggerContext made = new LoggerContext();
        made.setName("default");
        mdc = new LogbackMDCAdapter();
        made.setMDCAdapter(mdc);
        made.start();
        markers = new BasicMarkerFactory();
        context = made;
    }
}
