package dirsync.sync;

import dirsync.fs.Listing;
import dirsync.fs.RelPath;
import dirsync.fs.SourceTree;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The listing of one directory of one side, made by whichever thread comes to it first: a lister thread, ahead
 * of the walk or while the pass thread lists the other side (a listing costs a stat per entry, so a pass with
 * little to do takes much less time with the listings spread over the cores), or the pass thread itself when it
 * comes to the directory before any lister has begun it. A pass thread that finds the listing under way waits
 * for it, asleep.
 */
final class ListingPair implements Runnable {

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

    /** Makes the listing here and now, unless another thread has begun it (or it was abandoned). */
    @Override
    public void run() {
        if (claimed.compareAndSet(false, true)) {
            try {
                result.complete(tree.list(dir));
            } catch (Throwable e) {
                result.completeExceptionally(e); // thrown to the pass thread by get, as if it had listed
            }
        }
    }

    /** The listing, or what listing it threw: made here and now unless another thread has begun it. */
    Listing get() throws IOException {
        run();
        return Pools.await(result);
    }

    /** Not needed after all: if no thread has begun it, none ever will. */
    void abandon() {
        claimed.set(true);
    }
}
