package dirsync.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
    private final Progress progress;

    public Md5() {
        this(new Progress());
    }

    /** @param progress counts the bytes hashed, for progress reports */
    public Md5(Progress progress) {
        this.progress = progress;
        try {
            digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide MD5", e);
        }
    }

    /** The MD5 of a regular file's content; a symlink at {@code file} is refused, never followed. */
    public byte[] of(Path file, Cancellation cancellation) throws IOException {
        digest.reset();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
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
        }
        return digest.digest();
    }

    public static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }
}
