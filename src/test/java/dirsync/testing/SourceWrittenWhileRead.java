package dirsync.testing;

import dirsync.fs.ForwardingSourceTree;
import dirsync.fs.RelPath;
import dirsync.fs.SourceTree;
import dirsync.fs.local.LocalTree;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;

/**
 * A source tree over a local directory in which one file is written to while a copy reads it: each time the file is
 * opened, once its first read has returned, the {@link Write} set by {@link #whileRead} runs (on the reading thread),
 * before any more is read. A seam in time like the synchronizer's pass hooks, but inside a copy, where no timing can
 * be trusted to land: every copy of the file begins before the write and ends after it.
 *
 * <p>Hashing the file does not count as reading it here (it never triggers the write), and every other file is read
 * as it is.
 */
public final class SourceWrittenWhileRead extends ForwardingSourceTree {

    /** What is done to the source while its file is read. */
    @FunctionalInterface
    public interface Write {
        void run() throws IOException;
    }

    private final LocalTree tree;
    private final RelPath file;
    private volatile Write write;
    private volatile int writes;
    private volatile byte[] lastRead = new byte[0];

    private SourceWrittenWhileRead(LocalTree tree, RelPath file) {
        this.tree = tree;
        this.file = file;
    }

    /** The tree under {@code root}, whose file {@code file} ("dir/name") is left alone until {@link #whileRead}. */
    public static SourceWrittenWhileRead over(Path root, String file) {
        return new SourceWrittenWhileRead(LocalTree.at(root), RelPath.of(file));
    }

    /** From now on every copy of the file has {@code change} made to the source once it has read its first bytes. */
    public SourceWrittenWhileRead whileRead(Write change) {
        write = change;
        return this;
    }

    /** From now on the file is read as it is. */
    public SourceWrittenWhileRead leftAlone() {
        write = null;
        return this;
    }

    /** How many times the write ran. */
    public int writes() {
        return writes;
    }

    /** The bytes the last opening of the file delivered, in order: what a copy of it read. */
    public byte[] lastRead() {
        return lastRead.clone();
    }

    @Override
    protected SourceTree delegate() {
        return tree;
    }

    @Override
    public SeekableByteChannel open(RelPath path) throws IOException {
        SeekableByteChannel channel = tree.open(path);
        return path.equals(file) ? new Watched(channel, write) : channel;
    }

    /** The file as one opening reads it: what it delivers is kept, and the write runs after its first read. */
    private final class Watched implements SeekableByteChannel {
        private final SeekableByteChannel channel;
        private final ByteArrayOutputStream read = new ByteArrayOutputStream();
        private Write pending;

        Watched(SeekableByteChannel channel, Write pending) {
            this.channel = channel;
            this.pending = pending;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int start = dst.position();
            int count = channel.read(dst);
            for (int i = 0; i < count; i++) {
                read.write(dst.get(start + i));
            }
            if (pending != null) {
                Write now = pending;
                pending = null;
                now.run();
                writes++;
            }
            return count;
        }

        @Override
        public void close() throws IOException {
            lastRead = read.toByteArray();
            channel.close();
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return channel.write(src);
        }

        @Override
        public long position() throws IOException {
            return channel.position();
        }

        @Override
        public SeekableByteChannel position(long newPosition) throws IOException {
            channel.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) throws IOException {
            channel.truncate(size);
            return this;
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }
    }
}
