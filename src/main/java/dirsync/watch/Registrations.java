package dirsync.watch;

import dirsync.fs.RelPath;
import dirsync.fs.SourceTree;
import dirsync.fs.local.DirectoryWatch;
import dirsync.fs.local.WatchLimitException;
import dirsync.sync.LogText;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each source directory its watch before a pass lists it, so that whatever changes after the listing
 * raises an event. A directory that cannot be watched is remembered as unwatched (the full passes cover it, and
 * each tries again); the first such failure asks for a full pass, and after the pass that met it one warning
 * says how many directories are not watched and, when the kernel's watch limit is the cause, which sysctl to
 * raise and to what.
 */
final class Registrations {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");

    private final SourceTree source;
    private final DirectoryWatch watch;
    private final WatchLoop loop;
    private final long intervalSeconds;
    private final Supplier<Optional<WatchLimit>> limit;
    // Guarded by this.
    private final Set<RelPath> unwatched = new HashSet<>();
    private IOException firstFailure;
    private boolean warned;

    /**
     * @param limit reads the kernel's limit on watches when the warning needs it ({@link WatchLimit#current}, or
     *              a test's stand-in)
     */
    Registrations(SourceTree source, DirectoryWatch watch, WatchLoop loop, long intervalSeconds,
                  Supplier<Optional<WatchLimit>> limit) {
        this.source = source;
        this.watch = watch;
        this.loop = loop;
        this.intervalSeconds = intervalSeconds;
        this.limit = limit;
    }

    /**
     * Watches {@code dir} if that directory is not watched yet (one stat tells: a disk mounted over it since is
     * another directory); a failure is remembered, never thrown.
     */
    void beforeListing(RelPath dir) {
        try {
            watch.register(dir, source.examine(dir).identity());
            synchronized (this) {
                unwatched.remove(dir);
            }
        } catch (NoSuchFileException gone) {
            // Vanished: not a directory to watch, and the listing that follows says so.
        } catch (IOException | RuntimeException e) {
            boolean first;
            synchronized (this) {
                first = unwatched.add(dir) && firstFailure == null;
                if (first) {
                    firstFailure = e instanceof IOException io ? io : new IOException(e);
                }
            }
            if (first) {
                loop.everything();
            }
        }
    }

    synchronized int unwatched() {
        return unwatched.size();
    }

    /** After a full pass: the one warning, if directories could not be watched. */
    void afterFullPass() {
        int count;
        IOException cause;
        synchronized (this) {
            if (warned || unwatched.isEmpty()) {
                return;
            }
            warned = true;
            count = unwatched.size();
            cause = firstFailure;
        }
        String which = count + " of " + (watch.watched() + count) + " source directories";
        String reason = LogText.reason(cause);
        if (!isWatchLimit(cause)) {
            LOG.warn("cannot watch {} ({}); changes in them wait for the full pass every {} s", which, reason,
                    intervalSeconds);
            return;
        }
        Optional<WatchLimit> known = limit.get();
        if (known.isEmpty()) {
            LOG.warn("cannot watch {}: the kernel's limit {} is reached ({}), and its value cannot be read. Changes "
                            + "in them wait for the full pass every {} s. To watch them all, raise {} by at least {}, "
                            + "and more for new directories and other programs of this user", which,
                    WatchLimit.SYSTEM_WIDE, reason, intervalSeconds, WatchLimit.SYSTEM_WIDE, count);
            return;
        }
        WatchLimit reached = known.get();
        LOG.warn("cannot watch {}: the kernel's limit {}={}{} is reached ({}); it counts the inotify watches of "
                        + "all programs of this user. Changes in them wait for the full pass every {} s. To watch "
                        + "them all: sysctl -w {}={} (at least {}: the {} in use plus {}; the rest is room for new "
                        + "directories and other programs)", which, reached.sysctl(), reached.value(),
                reached.namespace() ? " of this user namespace" : "", reason, intervalSeconds, reached.sysctl(),
                reached.advised(count), reached.needed(count), reached.value(), count);
    }

    /** inotify's ENOSPC, as the watch types it (whatever its words, which depend on the JDK and the locale). */
    static boolean isWatchLimit(IOException cause) {
        return cause instanceof WatchLimitException;
    }
}
