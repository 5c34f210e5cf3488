package dirsync.fs;

import java.io.IOException;
import java.util.List;

/**
 * A replica tree that passes every call on to another: the base of every decorator (a dry run, a remote replica over
 * its current connection), which overrides only what it changes. Every method of {@link ReplicaTree} and
 * {@link SourceTree} is forwarded, {@link #features()} too (a decorator that changes a feature wraps it), so a method
 * added to the interfaces cannot be forgotten by a decorator (a test checks it).
 * <p>
 * Where the tree under it cannot be reached ({@link #delegate} throws), a call that may fail fails with that error,
 * {@link #deleteTree} reports it as its failure, {@link #countTree} counts the tree as one unreadable entry, and the
 * rest answer as for a tree that promises nothing: no capabilities, no features, no attribute carried.
 */
public abstract class ForwardingReplicaTree extends ForwardingSourceTree implements ReplicaTree {

    @Override
    protected abstract ReplicaTree delegate() throws IOException;

    @Override
    public ReplicaFeatures features() {
        try {
            return delegate().features();
        } catch (IOException unreachable) {
            return ReplicaFeatures.plain(ReplicaFeatures.Tuning.local(1));
        }
    }

    @Override
    public Entry prepareRoot() throws IOException {
        return delegate().prepareRoot();
    }

    @Override
    public Installed installFile(SourceTree source, RelPath path, Entry expected, byte[] expectedMd5, Work work)
            throws IOException {
        return delegate().installFile(source, path, expected, expectedMd5, work);
    }

    @Override
    public AsRead installFileAsRead(SourceTree source, RelPath path, Entry expected, Work work) throws IOException {
        return delegate().installFileAsRead(source, path, expected, work);
    }

    @Override
    public void installSymlink(RelPath path, Entry expected) throws IOException {
        delegate().installSymlink(path, expected);
    }

    @Override
    public Entry.Identity createDirectory(RelPath path) throws IOException {
        return delegate().createDirectory(path);
    }

    @Override
    public void setAttributes(RelPath path, Entry source) throws IOException {
        delegate().setAttributes(path, source);
    }

    @Override
    public boolean carries(Entry source, Entry current) {
        try {
            return delegate().carries(source, current);
        } catch (IOException unreachable) {
            return false;
        }
    }

    @Override
    public void ensureWritable(RelPath dir, Entry current) throws IOException {
        delegate().ensureWritable(dir, current);
    }

    @Override
    public void delete(RelPath path) throws IOException {
        delegate().delete(path);
    }

    @Override
    public TreeDeletion deleteTree(RelPath path, Cancellation cancellation) {
        try {
            return delegate().deleteTree(path, cancellation);
        } catch (IOException unreachable) {
            return new TreeDeletion(0, 0, List.of(new TreeDeletion.Failure(path, unreachable)));
        }
    }

    @Override
    public long countTree(RelPath path, Cancellation cancellation) {
        try {
            return delegate().countTree(path, cancellation);
        } catch (IOException unreachable) {
            return 1;
        }
    }
}
