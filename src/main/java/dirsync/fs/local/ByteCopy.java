package dirsync.fs.local;

import dirsync.fs.Work;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;

/** Moves a source file's bytes into a copy's temporary file, watching the stop request and counting progress. */
final class ByteCopy {

    private static final long TRANSFER_CHUNK = 64L << 20;
    private static final int COPY_BUFFER = 1 << 20;

    private ByteCopy() {
    }

    /**
     * Copies the source, of {@code size} bytes as listed. From a file it stops at that size, without a call to
     * find the end: a source that grew meanwhile has another size and time after the copy, which the check after
     * the copy refuses.
     */
    static long transfer(SeekableByteChannel in, FileChannel out, long size, Work work) throws IOException {
        long position = 0;
        if (in instanceof FileChannel file) {
            while (position < size) {
                work.cancellation().check();
                long moved = file.transferTo(position, Math.min(TRANSFER_CHUNK, size - position), out);
                if (moved <= 0) {
                    return position; // shorter than listed: the check after the copy refuses it
                }
                position += moved;
                work.progress().copied(moved);
            }
            return position;
        }
        ByteBuffer buffer = ByteBuffer.allocate(COPY_BUFFER);
        while (true) {
            work.cancellation().check();
            buffer.clear();
            if (in.read(buffer) < 0) {
                return position;
            }
            buffer.flip();
            int moved = buffer.remaining();
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            position += moved;
            work.progress().copied(moved);
        }
    }

    /** Copies at most {@code limit} bytes, fewer if the source ends first, each seen by {@code digest} as written. */
    static long hashing(SeekableByteChannel in, FileChannel out, long limit, MessageDigest digest, Work work)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(COPY_BUFFER);
        long position = 0;
        while (position < limit) {
            work.cancellation().check();
            buffer.clear().limit((int) Math.min(COPY_BUFFER, limit - position));
            if (in.read(buffer) < 0) {
                break;
            }
            buffer.flip();
            digest.update(buffer.array(), 0, buffer.limit());
            int moved = buffer.remaining();
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            position += moved;
            work.progress().copied(moved);
        }
        return position;
    }
}
