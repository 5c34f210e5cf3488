package dirsync.sync;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.UnaryOperator;

/**
 * A directory's subdirectories as the walk takes them, with the listings of the next few already under way on the
 * lister threads: over a network each replica listing waits on round trips, and on a local disk the pass thread
 * has each directory's planning and comparisons to do meanwhile, so the walk should not wait for listings one at a
 * time. A listing the walk never comes to (a stop) is abandoned unstarted, or finishes unread.
 */
final class ListingsAhead implements Iterator<Descent> {

    private final List<Descent> descents;
    private final Descent[] started;
    private final UnaryOperator<Descent> start;
    private final int ahead;
    private int next;

    /**
     * @param start starts a subdirectory's listings, on the pass thread, and gives it back with them under way
     * @param ahead how many subdirectories' listings run ahead of the walk
     */
    ListingsAhead(List<Descent> descents, UnaryOperator<Descent> start, int ahead) {
        this.descents = descents;
        this.started = new Descent[descents.size()];
        this.start = start;
        this.ahead = ahead;
        for (int i = 0; i < Math.min(ahead, descents.size()); i++) {
            started[i] = start.apply(descents.get(i));
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
            started[index + ahead] = start.apply(descents.get(index + ahead));
        }
        Descent descent = started[index];
        started[index] = null;
        return descent;
    }
}
