package dirsync.sync;

import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.util.Arrays;

/**
 * The paths of a {@link PlaceTable}, one after another in one byte array: each as {@link RelPath#bytes} makes it
 * (names between single slashes), found by its start and length, made a {@link RelPath} again only when asked
 * ({@link #path}). A walk meets a directory's entries one after another, so a path in the same directory as the
 * last one appended (or compared) takes that one's directory part from the array instead of from its names. Paths
 * are only ever appended: one no longer wanted stays until its table copies the rest to a new arena.
 */
final class PathArena {

    private byte[] bytes;
    private int end;
    /** The directory of the last path appended, whose bytes with the '/' after them start at lastPrefixStart. */
    private RelPath appendedParent;
    private int appendedPrefixStart;
    private int appendedPrefixLength;
    /** The same for the last path that {@link #holds} found equal up to its last name. */
    private RelPath comparedParent;
    private int comparedPrefixStart;
    private int comparedPrefixLength;

    PathArena(int capacity) {
        bytes = new byte[Math.max(64, capacity)];
    }

    /** An arena of {@code saved}, paths already checked with {@link #isPath}; it takes the array. */
    static PathArena of(byte[] saved) {
        PathArena arena = new PathArena(0);
        arena.bytes = saved;
        arena.end = saved.length;
        return arena;
    }

    /** How many bytes the paths take, those no longer wanted included. */
    int end() {
        return end;
    }

    /** Appends the bytes of {@code path}, not the root; returns where they start (they end at {@link #end}). */
    int append(RelPath path) {
        int start = end;
        RelPath parent = path.parent();
        if (appendedParent != null && parent.equals(appendedParent)) {
            ensure(appendedPrefixLength);
            System.arraycopy(bytes, appendedPrefixStart, bytes, start, appendedPrefixLength);
        } else {
            appendedPrefixLength = parent.isRoot() ? 0 : lengthOf(parent) + 1;
            ensure(appendedPrefixLength);
            int at = start + appendedPrefixLength;
            for (RelPath up = parent; !up.isRoot(); up = up.parent()) {
                bytes[--at] = '/';
                byte[] name = up.name().bytes();
                at -= name.length;
                System.arraycopy(name, 0, bytes, at, name.length);
            }
            appendedParent = parent;
        }
        appendedPrefixStart = start;
        end = start + appendedPrefixLength;
        byte[] name = path.name().bytes();
        ensure(name.length);
        System.arraycopy(name, 0, bytes, end, name.length);
        end += name.length;
        return start;
    }

    /** Appends a path of {@code other}; returns where it starts here. */
    int append(PathArena other, int start, int length) {
        ensure(length);
        System.arraycopy(other.bytes, start, bytes, end, length);
        end += length;
        return end - length;
    }

    /** Whether the path at {@code start}, {@code length} bytes long, is {@code path} (not the root). */
    boolean holds(int start, int length, RelPath path) {
        if (lengthOf(path) != length) {
            return false;
        }
        RelPath parent = path.parent();
        int prefix = length - path.name().length();
        if (comparedParent != null && parent.equals(comparedParent)) {
            if (prefix != comparedPrefixLength || !Arrays.equals(bytes, comparedPrefixStart, comparedPrefixStart + prefix, bytes, start,
                    start + prefix)) {
                return false;
            }
        } else {
            int at = start + prefix;
            for (RelPath up = parent; !up.isRoot(); up = up.parent()) {
                byte[] name = up.name().bytes();
                at -= name.length + 1;
                if (bytes[at + name.length] != '/'
                        || !Arrays.equals(name, 0, name.length, bytes, at, at + name.length)) {
                    return false;
                }
            }
            comparedParent = parent;
        }
        comparedPrefixStart = start;
        comparedPrefixLength = prefix;
        byte[] name = path.name().bytes();
        return Arrays.equals(name, 0, name.length, bytes, start + prefix, start + length);
    }

    /** The path at {@code start}, {@code length} bytes long, made now. */
    RelPath path(int start, int length) {
        RelPath path = RelPath.ROOT;
        int end = start + length;
        for (int from = start, i = start; i <= end; i++) {
            if (i == end || bytes[i] == '/') {
                path = path.resolve(Name.of(Arrays.copyOfRange(bytes, from, i)));
                from = i + 1;
            }
        }
        return path;
    }

    /** Copies the path at {@code start}, {@code length} bytes long, into {@code to} at {@code at}. */
    void copyTo(int start, int length, byte[] to, int at) {
        System.arraycopy(bytes, start, to, at, length);
    }

    /** The length of {@link RelPath#bytes} of a path that is not the root, found without making them. */
    private static int lengthOf(RelPath path) {
        int length = path.depth() - 1;
        for (RelPath up = path; !up.isRoot(); up = up.parent()) {
            length += up.name().length();
        }
        return length;
    }

    private void ensure(int more) {
        if (end + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, end + more));
        }
    }

    /** Whether the bytes are names between single slashes: none empty, ".", ".." or holding a NUL. */
    static boolean isPath(byte[] bytes, int start, int length) {
        int end = start + length;
        for (int from = start, i = start; i <= end; i++) {
            if (i == end || bytes[i] == '/') {
                int name = i - from;
                if (name == 0 || bytes[from] == '.' && (name == 1 || name == 2 && bytes[from + 1] == '.')) {
                    return false;
                }
                from = i + 1;
            } else if (bytes[i] == 0) {
                return false;
            }
        }
        return true;
    }
}
