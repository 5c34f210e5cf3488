package dirsync.fs;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.SortedMap;

/**
 * A source tree that passes every call on to another: the base of every decorator, which overrides only what it
 * changes. Every method of {@link SourceTree} is forwarded here (a test checks it), so a method added to the
 * interface cannot be forgotten by a decorator and answered by a plainer one instead.
 * <p>
 * Where the tree under it cannot be reached ({@link #delegate} throws: a remote replica that cannot connect), a call
 * that may fail fails with that error, and the rest answer as for a tree that promises nothing: no capabilities.
 */
public abstract class ForwardingSourceTree implements SourceTree {

    /**
     * The tree each call goes to. A decorator returns the tree it wraps; a tree reached on demand (a remote replica,
     * whose connection is made per pass) reaches it here, and throws if it cannot.
     */
    protected abstract SourceTree delegate() throws IOException;

    @Override
    public Listing list(RelPath dir) throws IOException {
        return delegate().list(dir);
    }

    @Override
    public Entry examine(RelPath path) throws IOException {
        return delegate().examine(path);
    }

    @Override
    public boolean unchanged(RelPath path, Entry listed) throws IOException {
        return delegate().unchanged(path, listed);
    }

    @Override
    public SeekableByteChannel open(RelPath file) throws IOException {
        return delegate().open(file);
    }

    @Override
    public byte[] md5(RelPath file, Md5 digest, Cancellation cancellation) throws IOException {
        return delegate().md5(file, digest, cancellation);
    }

    @Override
    public SortedMap<String, byte[]> extendedAttributes(RelPath path) throws IOException {
        return delegate().extendedAttributes(path);
    }

    @Override
    public Capabilities capabilities() {
        try {
            return delegate().capabilities();
        } catch (IOException unreachable) {
            return Capabilities.NONE;
        }
    }

    @Override
    public String describe() {
        try {
            return delegate().describe();
        } catch (IOException unreachable) {
            return "(unreachable: " + unreachable.getMessage() + ")";
        }
    }
}
