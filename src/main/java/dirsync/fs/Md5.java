package dirsync.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Streams a file through MD5 in large chunks, never holding the file in memory. One instance owns its
 * digest and buffer, so it belongs to one thread at a time.
 */
public final class Md5 {

    private static final int CHUNK = 1 << 20;

    private MessageDigest digest; // made on first use, as the buffer: a pass that hashes nothing never starts the
    private ByteBuffer buffer;    // security providers (a few milliseconds of a cron run's start)
    private final Progress progress;

    public Md5() {
        this(new Progress());
    }

    /** @param progress counts the bytes hashed, for progress reports */
    public Md5(Progress progress) {
        this.progress = progress;
    }

    /** A new MD5 digest, for bytes hashed as they stream past. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide MD5", e);
        }
    }

    /** The MD5 of what {@code channel} reads from its position to its end (the caller opens and closes it). */
    public byte[] of(ReadableByteChannel channel, Cancellation cancellation) throws IOException {
        if (digest == null) {
            digest = newDigest();
        }
        digest.reset();
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(CHUNK);
        }
        while (true) {
            cancellation.check();
            buffer.clear();
            if (channel.read(buffer) < 0) {
                break;
            }
            buffer.flip();
            progress.hashed(buffer.remaining());
            digest.update(buffer);
        }
        return digest.digest();
    }

    /** The MD5 of a regular file of {@code tree}, read through this digest. */
    public byte[] read(SourceTree tree, RelPath file, Cancellation cancellation) throws IOException {
        try (java.nio.channels.SeekableByteChannel channel = tree.open(file)) {
            return of(channel, cancellation);
        }
    }

    public static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }
}
