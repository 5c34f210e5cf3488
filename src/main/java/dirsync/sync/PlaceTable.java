package dirsync.sync;

import dirsync.fs.RelPath;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The places of {@link Whereabouts}, kept as cheaply as a pass over millions of files needs: no object per place.
 * Each place is a row of {@link #WIDTH} longs in one array (the source identity that keys it, the numbers of the
 * place, and a tag: its path's length and whether it is a directory), its path in a {@link PathArena}, and an
 * open-addressing index of row numbers by source identity, at most half full. A row can be marked (met again, as
 * it is, by the running pass): {@link #keepMarked} then drops the others in place.
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
    /** Where each row's path starts in {@link #paths}. */
    private int[] starts;
    private long[] marks;
    private int count;
    private PathArena paths;
    /** Row number + 1 of each identity in its slot (0: empty). */
    private int[] index;

    /** A table for about {@code expected} rows (it grows past them). */
    PlaceTable(int expected) {
        this(expected, new PathArena(Math.max(16, expected) * 32));
    }

    private PlaceTable(int expected, PathArena paths) {
        int rowsWanted = Math.max(16, expected);
        rows = new long[rowsWanted * WIDTH];
        starts = new int[rowsWanted];
        marks = new long[(rowsWanted + 63) / 64];
        index = new int[Integer.highestOneBit(rowsWanted - 1) << 2];
        this.paths = paths;
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
        return paths.path(starts[row], pathLength(row));
    }

    private int pathLength(int row) {
        return (int) (rows[row * WIDTH + TAG] >>> 1);
    }

    /** Whether the row holds exactly these numbers (as {@link #put} takes them), this kind and this path. */
    boolean holds(int row, long[] numbers, boolean directory, RelPath path) {
        return Arrays.equals(rows, row * WIDTH, row * WIDTH + NUMBERS, numbers, 0, NUMBERS)
                && directory(row) == directory && paths.holds(starts[row], pathLength(row), path);
    }

    void mark(int row) {
        marks[row >>> 6] |= 1L << row;
    }

    boolean marked(int row) {
        return (marks[row >>> 6] & 1L << row) != 0;
    }

    /**
     * Places the identity {@code numbers[KEY_DEVICE..KEY_INODE]} at {@code path} (not the root) with the other
     * {@link #NUMBERS} numbers, replacing its row if it has one.
     */
    void put(long[] numbers, boolean directory, RelPath path) {
        int row = rowFor(numbers[KEY_DEVICE], numbers[KEY_INODE]);
        System.arraycopy(numbers, 0, rows, row * WIDTH, NUMBERS);
        starts[row] = paths.append(path);
        rows[row * WIDTH + TAG] = (long) (paths.end() - starts[row]) << 1 | (directory ? 1 : 0);
    }

    /** Puts every row of {@code other} into this table, replacing the rows of the same identities. */
    void putAll(PlaceTable other) {
        for (int from = 0; from < other.count; from++) {
            int row = rowFor(other.rows[from * WIDTH + KEY_DEVICE], other.rows[from * WIDTH + KEY_INODE]);
            System.arraycopy(other.rows, from * WIDTH, rows, row * WIDTH, WIDTH);
            starts[row] = paths.append(other.paths, other.starts[from], other.pathLength(from));
        }
        if (other.count > 0) {
            compactPaths(); // the paths of replaced rows (a watch's passes over parts) must not pile up
        }
    }

    /** Drops every row not marked, and the marks. */
    void keepMarked() {
        int kept = 0;
        for (int row = 0; row < count; row++) {
            if (marked(row)) {
                System.arraycopy(rows, row * WIDTH, rows, kept * WIDTH, WIDTH);
                starts[kept++] = starts[row];
            }
        }
        count = kept;
        Arrays.fill(marks, 0);
        Arrays.fill(index, 0);
        for (int row = 0; row < count; row++) {
            insert(row);
        }
        compactPaths();
    }

    /** Moves the paths to a new arena when most of the old one holds paths no longer wanted. */
    private void compactPaths() {
        long pathBytes = 0;
        for (int row = 0; row < count; row++) {
            pathBytes += pathLength(row);
        }
        if (pathBytes * 2 < paths.end()) {
            PathArena wanted = new PathArena((int) pathBytes);
            for (int row = 0; row < count; row++) {
                starts[row] = wanted.append(paths, starts[row], pathLength(row));
            }
            paths = wanted;
        }
    }

    void clearMarks() {
        Arrays.fill(marks, 0);
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
            marks = Arrays.copyOf(marks, (starts.length + 63) / 64);
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

    /** {@code front}, then the table saved: {@code magic}, the number of rows, the rows, the paths. */
    byte[] toBytes(byte[] front, long magic) {
        long pathBytes = 0;
        for (int row = 0; row < count; row++) {
            pathBytes += pathLength(row);
        }
        int head = Math.toIntExact(front.length + 2L * Long.BYTES + (long) count * WIDTH * Long.BYTES);
        byte[] saved = Arrays.copyOf(front, Math.toIntExact(head + pathBytes));
        ByteBuffer.wrap(saved, front.length, saved.length - front.length).putLong(magic).putLong(count)
                .asLongBuffer().put(rows, 0, count * WIDTH);
        int at = head;
        for (int row = 0; row < count; row++) {
            paths.copyTo(starts[row], pathLength(row), saved, at);
            at += pathLength(row);
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
            int rowBytes = (int) count * WIDTH * Long.BYTES;
            byte[] saved = new byte[bytes.remaining() - rowBytes];
            PlaceTable table = new PlaceTable((int) count, PathArena.of(saved));
            bytes.asLongBuffer().get(table.rows, 0, (int) count * WIDTH);
            bytes.position(bytes.position() + rowBytes).get(saved);
            long at = 0;
            for (int row = 0; row < count; row++) {
                long length = table.rows[row * WIDTH + TAG] >>> 1;
                if (table.rows[row * WIDTH + TAG] < 0 || length == 0 || at + length > saved.length
                        || !PathArena.isPath(saved, (int) at, (int) length)
                        || table.rowFor(table.rows[row * WIDTH + KEY_DEVICE], table.rows[row * WIDTH + KEY_INODE])
                        != row) {
                    return null;
                }
                table.starts[row] = (int) at;
                at += length;
            }
            return at == saved.length ? table : null;
        } catch (BufferUnderflowException damaged) {
            return null;
        }
    }
}
