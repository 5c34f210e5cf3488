package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.RelPath;
import java.nio.ByteBuffer;

/**
 * Where each source file and directory was, and what dirsync left in the replica for it: the memory that finds
 * moves (see {@link Moves}). Keyed by the source entry's identity (device and inode), each place holds the path and
 * the replica entry's state there (device, inode, size, modification and change time; for a directory, device and
 * inode only). A file is placed when a pass finds its pair equal or installs its copy; a directory when a pass
 * walks it on both sides.
 *
 * <p>Like {@link VerifiedPairs}: what a completed full pass did not meet again is forgotten, an interrupted pass
 * forgets nothing; a source identity met this pass is no longer "elsewhere" (a second name of a file, or a move
 * the pass has already seen). The places are rows of a {@link PlaceTable}, no object each: a {@link Place} is made
 * only for a source entry found elsewhere. Not thread-safe: the pass thread alone uses it.
 */
final class Whereabouts {

    /**
     * Where a source entry was: {@code path}; for a file its size and modification time there ({@code sourceSize},
     * {@code sourceModified}); and the replica's entry there as dirsync left it.
     */
    record Place(RelPath path, boolean directory, long sourceSize, long sourceModified, long device, long inode,
                 long size, long modified, long changed) {

        /** Whether {@code replica}, found at {@link #path} now, is still what dirsync left there. */
        boolean leftAsIs(Entry replica) {
            if (directory) {
                return replica.is(EntryKind.DIRECTORY)
                        && (device == -1
                        || device == replica.identity().device() && inode == replica.identity().inode());
            }
            return replica.is(EntryKind.FILE) && replica.identity().known() && replica.identity().device() == device
                    && replica.identity().inode() == inode && replica.size() == size
                    && nanos(replica) == modified && changedNanos(replica) == changed;
        }
    }

    /**
     * The places earlier passes saw, a row marked when this pass meets its identity again at the same place, as it
     * was; and the places this pass saw otherwise (new, moved or changed).
     */
    private PlaceTable previous = new PlaceTable(0);
    private PlaceTable current = new PlaceTable(0);
    /** The numbers of the place being put: one array for every place. */
    private final long[] numbers = new long[PlaceTable.NUMBERS];

    /** Places a regular file whose pair is equal, or a directory walked on both sides. */
    void saw(RelPath path, Entry source, Entry replica) {
        put(path, source, replica.identity(), replica);
    }

    /** Places a directory this pass has just made, by the identity the replica gave it ({@code made}). */
    void sawMade(RelPath path, Entry source, Entry.Identity made) {
        if (source.is(EntryKind.DIRECTORY)) {
            put(path, source, made, null); // a directory's place holds its identity alone
        }
    }

    /** {@code replica}: the replica's entry (a file's place holds its size and times); null for a directory made. */
    private void put(RelPath path, Entry source, Entry.Identity replicaIdentity, Entry replica) {
        if (!source.identity().known() || path.isRoot()) {
            return;
        }
        boolean directory = source.is(EntryKind.DIRECTORY);
        boolean replicaKnown = replicaIdentity.known();
        if (!directory && !replicaKnown) {
            return;
        }
        numbers[PlaceTable.KEY_DEVICE] = source.identity().device();
        numbers[PlaceTable.KEY_INODE] = source.identity().inode();
        numbers[PlaceTable.DEVICE] = replicaKnown ? replicaIdentity.device() : -1;
        numbers[PlaceTable.INODE] = replicaKnown ? replicaIdentity.inode() : -1;
        numbers[PlaceTable.SOURCE_SIZE] = directory ? 0 : source.size();
        numbers[PlaceTable.SOURCE_MODIFIED] = directory ? 0 : nanos(source);
        numbers[PlaceTable.SIZE] = directory ? 0 : replica.size();
        numbers[PlaceTable.MODIFIED] = directory ? 0 : nanos(replica);
        numbers[PlaceTable.CHANGED] = directory ? 0 : changedNanos(replica);
        int row = previous.find(numbers[PlaceTable.KEY_DEVICE], numbers[PlaceTable.KEY_INODE]);
        if (row >= 0 && current.find(numbers[PlaceTable.KEY_DEVICE], numbers[PlaceTable.KEY_INODE]) < 0
                && previous.holds(row, numbers, directory, path)) {
            previous.mark(row); // where it was, as it was: the usual case, and nothing to store
        } else {
            current.put(numbers, directory, path);
        }
    }

    /**
     * Where an earlier pass saw {@code source}'s identity, of the same kind and, for a file, with the size and
     * modification time it has now, which a rename keeps (its inode alone could be a new file's that took the number
     * of a deleted one); null if nowhere, or if this pass has met it already (another name of it, which the source
     * still has).
     */
    Place before(Entry source) {
        if (!source.identity().known()) {
            return null;
        }
        long device = source.identity().device();
        long inode = source.identity().inode();
        int row = previous.find(device, inode);
        if (row < 0 || previous.marked(row) || current.find(device, inode) >= 0
                || previous.directory(row) != source.is(EntryKind.DIRECTORY)) {
            return null;
        }
        boolean directory = previous.directory(row);
        if (!directory && (source.size() != previous.number(row, PlaceTable.SOURCE_SIZE)
                || nanos(source) != previous.number(row, PlaceTable.SOURCE_MODIFIED))) {
            return null;
        }
        return new Place(previous.path(row), directory, previous.number(row, PlaceTable.SOURCE_SIZE),
                previous.number(row, PlaceTable.SOURCE_MODIFIED), previous.number(row, PlaceTable.DEVICE),
                previous.number(row, PlaceTable.INODE), previous.number(row, PlaceTable.SIZE),
                previous.number(row, PlaceTable.MODIFIED), previous.number(row, PlaceTable.CHANGED));
    }

    /** Forgets every place (what an earlier run saved turned out damaged). */
    void clear() {
        previous = new PlaceTable(0);
        current = new PlaceTable(0);
    }

    boolean isEmpty() {
        return previous.size() == 0;
    }

    /** After a completed pass only the places it met survive; after an interrupted one, all are kept. */
    void passEnded(boolean completed) {
        if (completed) {
            previous.keepMarked();
        } else {
            previous.clearMarks();
        }
        previous.putAll(current);
        current = new PlaceTable(0);
    }

    private static long nanos(Entry entry) {
        return entry.modified().toInstant().getEpochSecond() * 1_000_000_000L + entry.modified().toInstant().getNano();
    }

    private static long changedNanos(Entry entry) {
        java.time.Instant changed = entry.identity().changed().toInstant();
        return changed.getEpochSecond() * 1_000_000_000L + changed.getNano();
    }

    /** "dirsyncQ": the places as {@link PlaceTable} saves them. */
    private static final long MAGIC = 0x6469727379_6e6351L;
    /** "dirsyncP": the places as earlier builds saved them, one record after another; ignored. */
    private static final long EARLIER = 0x6469727379_6e6350L;

    /** {@code front} (the verified pairs), then the places kept after the last pass, for the next run. */
    byte[] toBytes(byte[] front) {
        return previous.toBytes(front, MAGIC);
    }

    /**
     * Takes the places a previous run saved, if they are well formed; else starts with none and returns false. The
     * places of an earlier build's format are not read: the memory starts with none, and that is no damage (true).
     */
    boolean fromBytes(ByteBuffer bytes) {
        if (bytes.remaining() >= Long.BYTES && bytes.getLong(bytes.position()) == EARLIER) {
            return true;
        }
        PlaceTable loaded = PlaceTable.fromBytes(bytes, MAGIC);
        if (loaded == null) {
            return false;
        }
        previous = loaded;
        return true;
    }
}
