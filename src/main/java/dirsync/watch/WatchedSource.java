package dirsync.watch;

import dirsync.fs.ForwardingSourceTree;
import dirsync.fs.Listing;
import dirsync.fs.RelPath;
import dirsync.fs.SourceTree;
import java.io.IOException;

/**
 * The source as a pass sees it in watch mode: the same tree, except that each directory gets its watch just
 * before it is listed. Watch first, list second: a change after the listing raises an event, one before it is
 * in the listing, so the race of a directory filled as it is created loses nothing. The synchronizer does not
 * know it is watched.
 */
final class WatchedSource extends ForwardingSourceTree {

    private final SourceTree tree;
    private final Registrations registrations;

    WatchedSource(SourceTree tree, Registrations registrations) {
        this.tree = tree;
        this.registrations = registrations;
    }

    @Override
    protected SourceTree delegate() {
        return tree;
    }

    @Override
    public Listing list(RelPath dir) throws IOException {
        registrations.beforeListing(dir);
        return tree.list(dir);
    }
}
