package dirsync.sync;

import dirsync.fs.RelPath;
import dirsync.fs.ReplicaTree;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Executor;

/**
 * A directory's subdirectories as the walk takes them, with the replica listings of the next few already under
 * way on the lister threads: over a network each listing waits on round trips, and the walk should not wait for
 * them one at a time. A listing the walk never comes to (a stop) is abandoned unstarted, or finishes unread.
 */
final class ListingsAhead implements Iterator<Descent> {

    private final List<Descent> descents;
    private final ListingPair[] listings;
    private final ReplicaTree replica;
    private final RelPath dir;
    private final Executor lister;
    private final int ahead;
    private int next;

    ListingsAhead(List<Descent> descents, ReplicaTree replica, RelPath dir, Executor lister, int ahead) {
        this.descents = descents;
        this.listings = new ListingPair[descents.size()];
        this.replica = replica;
        this.dir = dir;
        this.lister = lister;
        this.ahead = ahead;
        for (int i = 0; i < Math.min(ahead, descents.size()); i++) {
            start(i);
        }
    }

    private void start(int index) {
        Descent descent = descents.get(index);
        if (descent.replica() != null) {
            listings[index] = ListingPair.start(replica, dir.resolve(descent.source().name()), lister);
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
        return new Descent(descent.source(), descent.replica(), listings[index], descent.made());
    }
}
