package dirsync.fs.sftp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A remote file read from start to end, as a channel: MINA's reading stream keeps several READ requests in
 * flight. Only sequential reading is offered, which is all a pass does with a replica file (hash it); moving the
 * position elsewhere is refused.
 */
final class RemoteReadChannel implements SeekableByteChannel {

    private final InputStream in;
    private final long size;
    private final RemoteCalls calls;
    private final String path;
    private long position;
    private boolean open = true;
    private byte[] chunk; // for buffers without an array (the digest's direct buffer)

    /** {@code in} read from the file at {@code path} over {@code calls}' channel, {@code size} bytes long. */
    RemoteReadChannel(InputStream in, long size, RemoteCalls calls, String path) {
        this.in = in;
        this.size = size;
        this.calls = calls;
        this.path = path;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        try {
            return readInto(dst);
        } catch (IOException e) {
            throw calls.failed(e, path, SftpErrors.Doing.READING);
        }
    }

    private int readInto(ByteBuffer dst) throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        int read;
        if (dst.hasArray()) {
            read = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (read > 0) {
                dst.position(dst.position() + read);
            }
        } else {
            if (chunk == null) {
                chunk = new byte[1 << 16];
            }
            read = in.read(chunk, 0, Math.min(dst.remaining(), chunk.length));
            if (read > 0) {
                dst.put(chunk, 0, read);
            }
        }
        if (read > 0) {
            position += read;
        }
        return read;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
        if (newPosition != position) {
            throw new UnsupportedOperationException("a remote file is read from start to end");
        }
        return this;
    }

    /** The size the file had when it was opened. */
    @Override
    public long size() {
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        if (open) {
            open = false;
            in.close();
        }
    }
}
