package dirsync.watch;

import dirsync.fs.RelPath;
import dirsync.fs.SourceTree;
import dirsync.fs.local.DirectoryWatch;
import dirsync.sync.LogText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
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
    static final String LIMIT_SYSCTL = "fs.inotify.max_user_watches";
    private static final Path LIMIT_FILE = Path.of("/proc/sys/fs/inotify/max_user_watches");

    private final SourceTree source;
    private final DirectoryWatch watch;
    private final WatchLoop loop;
    private final long intervalSeconds;
    // Guarded by this.
    private final Set<RelPath> unwatched = new HashSet<>();
    private IOException firstFailure;
    private boolean warned;

    Registrations(SourceTree source, DirectoryWatch watch, WatchLoop loop, long intervalSeconds) {
        this.source = source;
        this.watch = watch;
        this.loop = loop;
        this.intervalSeconds = intervalSeconds;
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
        String reason = LogText.reason(cause);
        if (isWatchLimit(cause)) {
            OptionalLong limit = currentLimit();
            String needed = limit.isPresent() ? String.valueOf(limit.getAsLong() + count) : "a higher value";
            LOG.warn("cannot watch {} source {}: the kernel's limit {}{} is reached ({}); their changes wait for "
                            + "the full pass every {} s. To watch them all: sysctl -w {}={} (at least)", count,
                    count == 1 ? "directory" : "directories", LIMIT_SYSCTL,
                    limit.isPresent() ? " (" + limit.getAsLong() + ")" : "", reason, intervalSeconds,
                    LIMIT_SYSCTL, needed);
        } else {
            LOG.warn("cannot watch {} source {} ({}); their changes wait for the full pass every {} s", count,
                    count == 1 ? "directory" : "directories", reason, intervalSeconds);
        }
    }

    /** inotify's ENOSPC: "User limit of inotify watches reached" (or the errno's own text). */
    static boolean isWatchLimit(IOException cause) {
        String message = String.valueOf(cause.getMessage());
        return message.contains("inotify watches") || message.contains("No space left on device");
    }

    private static OptionalLong currentLimit() {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(LIMIT_FILE).trim()));
        } catch (IOException | RuntimeException unknown) {
            return OptionalLong.empty();
        }
    }
}
