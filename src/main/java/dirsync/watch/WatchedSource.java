package dirsync.watch;

import dirsync.fs.Capabilities;
import dirsync.fs.Cancellation;
import dirsync.fs.Entry;
import dirsync.fs.Listing;
import dirsync.fs.Md5;
import dirsync.fs.RelPath;
import dirsync.fs.SourceTree;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.SortedMap;

/**
 * The source as a pass sees it in watch mode: the same tree, except that each directory gets its watch just
 * before it is listed. Watch first, list second: a change after the listing raises an event, one before it is
 * in the listing, so the race of a directory filled as it is created loses nothing. The synchronizer does not
 * know it is watched.
 */
final class WatchedSource implements SourceTree {

    private final SourceTree tree;
    private final Registrations registrations;

    WatchedSource(SourceTree tree, Registrations registrations) {
        this.tree = tree;
        this.registrations = registrations;
    }

    @Override
    public Listing list(RelPath dir) throws IOException {
        registrations.beforeListing(dir);
        return tree.list(dir);
    }

    @Override
    public Entry examine(RelPath path) throws IOException {
        return tree.examine(path);
    }

    @Override
    public SeekableByteChannel open(RelPath file) throws IOException {
        return tree.open(file);
    }

    @Override
    public byte[] md5(RelPath file, Md5 digest, Cancellation cancellation) throws IOException {
        return tree.md5(file, digest, cancellation);
    }

    @Override
    public SortedMap<String, byte[]> extendedAttributes(RelPath path) throws IOException {
        return tree.extendedAttributes(path);
    }

    @Override
    public Capabilities capabilities() {
        return tree.capabilities();
    }

    @Override
    public String describe() {
        return tree.describe();
    }
}
