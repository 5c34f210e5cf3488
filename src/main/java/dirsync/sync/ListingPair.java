package dirsync.sync;

import dirsync.fs.Listing;
import dirsync.fs.RelPath;
import dirsync.fs.SourceTree;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The listing of one replica directory, made by whichever thread comes to it first: the lister thread, while
 * the pass thread lists the source side (a listing costs a stat per entry, so a pass with little to do takes
 * much less time with both sides at once), or the pass thread itself when it is done with the source side
 * before the lister has begun. A small directory is listed in microseconds: the pass thread then spins for the
 * lister's result rather than sleep and wait for a wake-up that takes longer than the listing.
 */
final class ListingPair implements Runnable {

    private static final int SPINS = 1 << 14;

    private final SourceTree tree;
    private final RelPath dir;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CompletableFuture<Listing> result = new CompletableFuture<>();

    private ListingPair(SourceTree tree, RelPath dir) {
        this.tree = tree;
        this.dir = dir;
    }

    /** Starts listing {@code dir} of {@code tree} on {@code lister}. */
    static ListingPair start(SourceTree tree, RelPath dir, Executor lister) {
        ListingPair listing = new ListingPair(tree, dir);
        lister.execute(listing);
        return listing;
    }

    @Override
    public void run() {
        if (claimed.compareAndSet(false, true)) {
            try {
                result.complete(tree.list(dir));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        }
    }

    /** The listing: made here and now unless the lister thread has begun it. */
    Listing get() throws IOException {
        run();
        for (int i = 0; i < SPINS && !result.isDone(); i++) {
            Thread.onSpinWait();
        }
        return Pools.await(result);
    }

    /** Not needed after all: if the lister has not begun it, it never will. */
    void abandon() {
        claimed.set(true);
    }
}
