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

    private final MessageDigest digest;
    private ByteBuffer buffer; // allocated on first use: a thread that never hashes pays nothing
    private final Progress progress;

    public Md5() {
        this(new Progress());
    }

    /** @param progress counts the bytes hashed, for progress reports */
    public Md5(Progress progress) {
        this.progress = progress;
        this.digest = newDigest();
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
