package dirsync.fs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The text a symbolic link holds, as bytes: never resolved, never followed, only compared and re-created, byte
 * for byte. Immutable.
 */
public final class LinkTarget {

    private final byte[] bytes;

    private LinkTarget(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A target from its bytes (never empty). */
    public static LinkTarget of(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("a link target is never empty");
        }
        return new LinkTarget(bytes.clone());
    }

    /** A target given as text, stored as its UTF-8 bytes. */
    public static LinkTarget of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LinkTarget target && Arrays.equals(bytes, target.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
