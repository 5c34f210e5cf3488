package dirsync.fs.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;

/** An object's content read from start to end as a channel: read-only, its position moved only by reading. */
final class ObjectChannel implements SeekableByteChannel {

    private final InputStream content;
    private final ReadableByteChannel channel;
    private final long size;
    private long position;

    ObjectChannel(InputStream content, long size) {
        this.content = content;
        this.channel = Channels.newChannel(content);
        this.size = size;
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        int read = channel.read(destination);
        if (read > 0) {
            position += read;
        }
        return read;
    }

    @Override
    public int write(ByteBuffer source) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() {
        return position;
    }

    /** Only the position it has: an object is read from start to end. */
    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        if (newPosition != position) {
            throw new IOException("an object's content is read from start to end, not from " + newPosition);
        }
        return this;
    }

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
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        try (InputStream closing = content) {
            channel.close();
        }
    }
}
