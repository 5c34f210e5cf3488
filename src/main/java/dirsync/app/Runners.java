package dirsync.app;

import dirsync.fs.local.LocalTree;
import dirsync.sync.LogText;
import dirsync.watch.SourceWatcher;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that picks a run's {@link Runner} from its settings. */
final class Runners {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");

    private Runners() {
    }

    /**
     * One pass with {@code --once}; with {@code --watch}, the watch of {@code source}, or periodic passes if the
     * system gives no watch (inotify's instance limit, say): a service should go on rather than stop, and says
     * so; else periodic passes.
     */
    static Runner choose(Settings settings, LocalTree source) {
        return choose(settings, source, SourceWatcher::over);
    }

    /** The same, with the watch started by {@code watches}: a seam for tests of a watch that cannot start. */
    static Runner choose(Settings settings, LocalTree source, Watches watches) {
        if (settings.once()) {
            return new OnceRunner(source);
        }
        if (settings.watch()) {
            try {
                return new WatchRunner(watches.over(source, settings.interval(), settings.watchDelay().orElseThrow()));
            } catch (IOException e) {
                LOG.warn("cannot watch source '{}' ({}): going on without watching, with a full pass every {} s "
                        + "(fs.inotify.max_user_instances limits the watchers per user)",
                        LogText.escape(settings.source()), LogText.reason(e), settings.interval().toSeconds());
            }
        }
        return new PeriodicRunner(source, settings.interval());
    }

    /** Starts the watch of a source. */
    @FunctionalInterface
    interface Watches {
        SourceWatcher over(LocalTree source, Duration interval, Duration delay) throws IOException;
    }
}
