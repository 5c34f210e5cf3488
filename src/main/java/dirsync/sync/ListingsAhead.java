package dirsync.sync;

import dirsync.fs.RelPath;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Executor;

/**
 * A directory's subdirectories as the walk takes them, with the listings of the next few already under way on
 * the lister threads, both sides: over a network each replica listing waits on round trips, and the walk should
 * not wait for them one at a time; on a local disk a listing costs a stat per entry, which the lister threads
 * then make on the other cores while the pass thread plans and compares. Only the walk's own subdirectories are
 * listed (each found a directory on the source side, nothing excluded), and each listing serves the one
 * {@link Descent} it was started for. A listing the walk never comes to (a stop) is abandoned unstarted, or
 * finishes unread.
 */
final class ListingsAhead implements Iterator<Descent> {

    private final List<Descent> descents;
    private final ListingPair[] sources;
    private final ListingPair[] replicas;
    private final PassContext pass;
    private final RelPath dir;
    private final Executor lister;
    private final PassHooks hooks;
    private final int ahead;
    private int next;

    ListingsAhead(List<Descent> descents, PassContext pass, RelPath dir, Executor lister, PassHooks hooks,
                  int ahead) {
        this.descents = descents;
        this.sources = new ListingPair[descents.size()];
        this.replicas = new ListingPair[descents.size()];
        this.pass = pass;
        this.dir = dir;
        this.lister = lister;
        this.hooks = hooks;
        this.ahead = ahead;
        for (int i = 0; i < Math.min(ahead, descents.size()); i++) {
            start(i);
        }
    }

    private void start(int index) {
        Descent descent = descents.get(index);
        RelPath path = dir.resolve(descent.source().name());
        hooks.beforeListing(path); // a listing made ahead is still made after its hook
        sources[index] = ListingPair.start(pass.source(), path, lister);
        if (descent.replica() != null) {
            replicas[index] = ListingPair.start(pass.replica(), path, lister);
        }
    }

    @Override
    public boolean hasNext() {
        return next < descents.size();
    }

    @Override
    public Descent next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int index = next++;
        if (index + ahead < descents.size()) {
            start(index + ahead);
        }
        Descent descent = descents.get(index);
        return new Descent(descent.source(), descent.replica(), sources[index], replicas[index]);
    }
}
