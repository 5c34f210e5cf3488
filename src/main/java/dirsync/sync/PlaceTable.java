package dirsync.sync;

import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The places of {@link Whereabouts}, kept as cheaply as a pass over millions of files needs: no object per place.
 * Each place is a row of {@link #WIDTH} longs in one array (the source identity that keys it, the numbers of the
 * place, and a tag: its path's length and whether it is a directory), its path's bytes in one byte array (names
 * between single slashes, as {@link RelPath#bytes}), and an open-addressing index of row numbers by source
 * identity, at most half full. A path is made a {@link RelPath} only when asked for ({@link #path}).
 *
 * <p>Saved, a table is its rows as big-endian longs, then the paths one after the other: read back in two bulk
 * copies, and checked whole (lengths, names, no identity twice) before it is taken. Not thread-safe.
 */
final class PlaceTable {

    /** The longs of a row: the source's device and inode, then the numbers of {@link Whereabouts.Place}. */
    static final int KEY_DEVICE = 0;
    static final int KEY_INODE = 1;
    static final int SOURCE_SIZE = 2;
    static final int SOURCE_MODIFIED = 3;
    static final int DEVICE = 4;
    static final int INODE = 5;
    static final int SIZE = 6;
    static final int MODIFIED = 7;
    static final int CHANGED = 8;
    /** How many numbers a row takes from {@link #put}: all but the tag. */
    static final int NUMBERS = 9;
    /** The path's length shifted left by one, its low bit set for a directory. */
    private static final int TAG = 9;
    static final int WIDTH = 10;

    private long[] rows;
    /** Where each row's path begins in {@link #paths}. */
    private int[] starts;
    private int count;
    private byte[] paths;
    private int pathsEnd;
    /** Row number + 1 of each identity in its slot (0: empty). */
    private int[] index;
    /** The parent directory of the last path put, whose bytes (with the '/' after them) start at lastPrefix. */
    private RelPath lastParent;
    private int lastPrefixStart;
    private int lastPrefixLength;

    /** A table for about {@code expected} rows (it grows past them). */
    PlaceTable(int expected) {
        this(expected, Math.max(16, expected) * 32);
    }

    private PlaceTable(int expected, int pathBytes) {
        int rowsWanted = Math.max(16, expected);
        rows = new long[rowsWanted * WIDTH];
        starts = new int[rowsWanted];
        paths = new byte[pathBytes];
        index = new int[Integer.highestOneBit(rowsWanted - 1) << 2];
    }

    int size() {
        return count;
    }

    /** The row of the source identity (device, inode), or -1. */
    int find(long device, long inode) {
        int mask = index.length - 1;
        for (int i = slot(device, inode, mask); ; i = (i + 1) & mask) {
            int row = index[i] - 1;
            if (row < 0) {
                return -1;
            }
            if (rows[row * WIDTH + KEY_DEVICE] == device && rows[row * WIDTH + KEY_INODE] == inode) {
                return row;
            }
        }
    }

    long number(int row, int which) {
        return rows[row * WIDTH + which];
    }

    boolean directory(int row) {
        return (rows[row * WIDTH + TAG] & 1) != 0;
    }

    /** The row's path, made from its bytes now. */
    RelPath path(int row) {
        int start = starts[row];
        int end = start + pathLength(row);
        RelPath path = RelPath.ROOT;
        for (int from = start, i = start; i <= end; i++) {
            if (i == end || paths[i] == '/') {
                path = path.resolve(Name.of(Arrays.copyOfRange(paths, from, i)));
                from = i + 1;
            }
        }
        return path;
    }

    private int pathLength(int row) {
        return (int) (rows[row * WIDTH + TAG] >>> 1);
    }

    /**
     * Places the identity {@code numbers[KEY_DEVICE..KEY_INODE]} at {@code path} (not the root) with the other
     * {@link #NUMBERS} numbers, replacing its row if it has one.
     */
    void put(long[] numbers, boolean directory, RelPath path) {
        int row = rowFor(numbers[KEY_DEVICE], numbers[KEY_INODE]);
        System.arraycopy(numbers, 0, rows, row * WIDTH, NUMBERS);
        starts[row] = pathsEnd;
        rows[row * WIDTH + TAG] = (long) append(path) << 1 | (directory ? 1 : 0);
    }

    /** Puts every row of {@code other} into this table, replacing the rows of the same identities. */
    void putAll(PlaceTable other) {
        for (int from = 0; from < other.count; from++) {
            int row = rowFor(other.rows[from * WIDTH + KEY_DEVICE], other.rows[from * WIDTH + KEY_INODE]);
            System.arraycopy(other.rows, from * WIDTH, rows, row * WIDTH, WIDTH);
            int length = other.pathLength(from);
            ensurePaths(length);
            System.arraycopy(other.paths, other.starts[from], paths, pathsEnd, length);
            starts[row] = pathsEnd;
            pathsEnd += length;
        }
    }

    /** The row of an identity: its own, or a new one. */
    private int rowFor(long device, long inode) {
        int row = find(device, inode);
        if (row >= 0) {
            return row;
        }
        if (count == starts.length) {
            rows = Arrays.copyOf(rows, rows.length * 2);
            starts = Arrays.copyOf(starts, starts.length * 2);
        }
        if ((count + 1) * 2 > index.length) {
            index = new int[index.length * 2];
            for (int i = 0; i < count; i++) {
                insert(i);
            }
        }
        rows[count * WIDTH + KEY_DEVICE] = device;
        rows[count * WIDTH + KEY_INODE] = inode;
        insert(count);
        return count++;
    }

    private void insert(int row) {
        int mask = index.length - 1;
        int i = slot(rows[row * WIDTH + KEY_DEVICE], rows[row * WIDTH + KEY_INODE], mask);
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        index[i] = row + 1;
    }

    private static int slot(long device, long inode, int mask) {
        long mixed = (inode ^ device * 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L;
        return (int) (mixed ^ mixed >>> 32) & mask;
    }

    /**
     * Appends the bytes of {@code path} to {@link #paths}; returns their length. A path in the same directory as
     * the last one (a walk places a directory's entries one after the other) copies that one's directory part.
     */
    private int append(RelPath path) {
        int start = pathsEnd;
        RelPath parent = path.parent();
        if (lastParent == null || !parent.equals(lastParent)) {
            int prefix = parent.isRoot() ? 0 : lengthOf(parent) + 1;
            ensurePaths(prefix);
            int at = start + prefix;
            for (RelPath up = parent; !up.isRoot(); up = up.parent()) {
                paths[--at] = '/';
                byte[] name = up.name().bytes();
                at -= name.length;
                System.arraycopy(name, 0, paths, at, name.length);
            }
            lastParent = parent;
            lastPrefixLength = prefix;
        } else {
            ensurePaths(lastPrefixLength);
            System.arraycopy(paths, lastPrefixStart, paths, start, lastPrefixLength);
        }
        lastPrefixStart = start;
        pathsEnd = start + lastPrefixLength;
        byte[] name = path.name().bytes();
        ensurePaths(name.length);
        System.arraycopy(name, 0, paths, pathsEnd, name.length);
        pathsEnd += name.length;
        return pathsEnd - start;
    }

    private static int lengthOf(RelPath path) {
        int length = path.depth() - 1;
        for (RelPath up = path; !up.isRoot(); up = up.parent()) {
            length += up.name().length();
        }
        return length;
    }

    private void ensurePaths(int more) {
        if (pathsEnd + more > paths.length) {
            paths = Arrays.copyOf(paths, Math.max(paths.length * 2, pathsEnd + more));
        }
    }

    /** The table saved: {@code magic}, the number of rows, the rows, the paths. */
    byte[] toBytes(long magic) {
        long pathBytes = 0;
        for (int row = 0; row < count; row++) {
            pathBytes += pathLength(row);
        }
        int head = Math.toIntExact(2L * Long.BYTES + (long) count * WIDTH * Long.BYTES);
        byte[] saved = new byte[Math.toIntExact(head + pathBytes)];
        ByteBuffer.wrap(saved).putLong(magic).putLong(count).asLongBuffer().put(rows, 0, count * WIDTH);
        int at = head;
        for (int row = 0; row < count; row++) {
            int length = pathLength(row);
            System.arraycopy(paths, starts[row], saved, at, length);
            at += length;
        }
        return saved;
    }

    /**
     * The table that {@code bytes} (from its position to its limit) holds after {@code magic}, or null if it is
     * anything else: another magic, a length that does not add up, a path that is no path, an identity twice.
     */
    static PlaceTable fromBytes(ByteBuffer bytes, long magic) {
        try {
            if (bytes.getLong() != magic) {
                return null;
            }
            long count = bytes.getLong();
            if (count < 0 || count > bytes.remaining() / (WIDTH * Long.BYTES)) {
                return null;
            }
            int pathBytes = bytes.remaining() - (int) count * WIDTH * Long.BYTES;
            PlaceTable table = new PlaceTable((int) count, pathBytes);
            bytes.asLongBuffer().get(table.rows, 0, (int) count * WIDTH);
            bytes.position(bytes.position() + (int) count * WIDTH * Long.BYTES);
            long at = 0;
            for (int row = 0; row < count; row++) {
                long length = table.rows[row * WIDTH + TAG] >>> 1;
                if (table.rows[row * WIDTH + TAG] < 0 || length == 0 || at + length > pathBytes) {
                    return null;
                }
                table.starts[row] = (int) at;
                at += length;
            }
            if (at != pathBytes) {
                return null;
            }
            bytes.get(table.paths, 0, pathBytes);
            table.pathsEnd = pathBytes;
            for (int row = 0; row < count; row++) {
                if (!isPath(table.paths, table.starts[row], table.pathLength(row))
                        || table.rowFor(table.rows[row * WIDTH + KEY_DEVICE], table.rows[row * WIDTH + KEY_INODE])
                        != row) {
                    return null;
                }
            }
            return table;
        } catch (BufferUnderflowException damaged) {
            return null;
        }
    }

    /** Whether the bytes are names between single slashes: none empty, ".", ".." or holding a NUL. */
    private static boolean isPath(byte[] bytes, int start, int length) {
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
