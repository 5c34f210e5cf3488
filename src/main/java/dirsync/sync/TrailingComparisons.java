package dirsync.sync;

import dirsync.fs.RelPath;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * A directory's comparisons by content whose hashes were still under way when the walk came to them, where the
 * replica lets them trail behind the walk (its tuning's {@code comparisonsTrail}: a remote tree, where each hash
 * waits on round trips). The walk goes on into the next directories, whose hashes then join the same requests to
 * the server, and each pair is decided when its directory is settled ({@link Trail}), in name order, before the
 * directory's attributes are set. Made for one directory; only the pass thread defers and settles. A file with
 * several names is never deferred: a later name needs the first one settled.
 */
final class TrailingComparisons {

    /** For a directory whose comparisons never trail: each is decided when the walk comes to it. */
    static final TrailingComparisons NONE = new TrailingComparisons(null);

    /** The directory's prepared comparisons; null if none trail. */
    private final ContentCheck.Prepared prepared;
    private final List<Deferred> deferred = new ArrayList<>();

    private record Deferred(Action.CompareContent pair, RelPath path) {
    }

    private TrailingComparisons(ContentCheck.Prepared prepared) {
        this.prepared = prepared;
    }

    /** The comparisons of one directory, prepared as {@code prepared}: trailing if {@code trail}, else none. */
    static TrailingComparisons of(boolean trail, ContentCheck.Prepared prepared) {
        return trail ? new TrailingComparisons(prepared) : NONE;
    }

    /** Keeps {@code pair} (at {@code path}) to be decided later if its hashes are still under way; returns whether. */
    boolean defer(Action.CompareContent pair, RelPath path) {
        if (prepared == null || !prepared.pending(pair)) {
            return false;
        }
        deferred.add(new Deferred(pair, path));
        return true;
    }

    int count() {
        return deferred.size();
    }

    /** Whether every deferred pair's hashes have ended, so that {@link #settle} would not wait. */
    boolean ended() {
        for (Deferred next : deferred) {
            if (prepared.pending(next.pair())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Decides each deferred pair, in name order: the same content kept (its attributes carried), or the file copied
     * again; a pair that fails is reported as its action's failure. Once the pass is stopped, nothing more is decided
     * (nothing of those pairs was changed).
     */
    void settle(Changes changes) {
        PassContext pass = changes.pass();
        for (Deferred next : deferred) {
            if (pass.cancellation().isRequested()) {
                return;
            }
            try {
                Action.CompareContent pair = next.pair();
                changes.compared(pair.source(), pair.replica(), next.path(), prepared.compare(pair, next.path()));
            } catch (CancellationException stopped) {
                return;
            } catch (IOException | RuntimeException e) {
                Failures.report(pass, next.pair(), next.path(), e);
            }
        }
    }
}
