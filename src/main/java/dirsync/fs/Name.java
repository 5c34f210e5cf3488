package dirsync.fs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One element of a path: the exact bytes of a directory entry's name, as Linux keeps them. Names compare as
 * unsigned bytes, whatever the file system provider, the locale or the charset: the one order in which both
 * sides' listings are sorted and merged. Immutable: a tree turns the bytes into its provider's form itself.
 */
public final class Name implements Comparable<Name> {

    /** What a tree's root entry is called: "." (no real entry can have this name). */
    public static final Name ROOT = new Name(new byte[] {'.'});

    private final byte[] bytes;
    private final int hash;

    private Name(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** A name from its bytes: not empty, no '/', no NUL, not "." or "..". */
    public static Name of(byte[] bytes) {
        byte[] copy = bytes.clone();
        if (copy.length == 0 || isDot(copy)) {
            throw new IllegalArgumentException("not a name: '" + new String(copy, StandardCharsets.UTF_8) + "'");
        }
        for (byte b : copy) {
            if (b == '/' || b == 0) {
                throw new IllegalArgumentException("a name holds no '/' or NUL: "
                        + new String(copy, StandardCharsets.UTF_8));
            }
        }
        return new Name(copy);
    }

    /** A name given as text, stored as its UTF-8 bytes (tests, and providers whose names are Strings). */
    public static Name of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isDot(byte[] bytes) {
        return (bytes.length == 1 && bytes[0] == '.') || (bytes.length == 2 && bytes[0] == '.' && bytes[1] == '.');
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    /** The bytes read as UTF-8, invalid sequences replaced: for people and for glob matching, never for the disk. */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    void appendTo(java.io.ByteArrayOutputStream out) {
        out.write(bytes, 0, bytes.length);
    }

    @Override
    public int compareTo(Name other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Name name && hash == name.hash && Arrays.equals(bytes, name.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** The name for a log line: UTF-8 where valid; not escaped (log lines escape what they print). */
    @Override
    public String toString() {
        return text();
    }
}
