package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each source file and directory was, and what dirsync left in the replica for it: the memory that finds
 * moves (see {@link Moves}). Keyed by the source entry's identity (device and inode), each place holds the path and
 * the replica entry's state there (device, inode, size, modification and change time; for a directory, device and
 * inode only). A file is placed when a pass finds its pair equal or installs its copy; a directory when a pass
 * walks it on both sides.
 *
 * <p>Like {@link VerifiedPairs}: what a completed full pass did not meet again is forgotten, an interrupted pass
 * forgets nothing; a source identity met this pass is no longer "elsewhere" (a second name of a file, or a move
 * the pass has already seen). Not thread-safe: the pass thread alone uses it.
 */
final class Whereabouts {

    /**
     * Where a source entry was: {@code path}; for a file its size and modification time there ({@code sourceSize},
     * {@code sourceModified}); and the replica's entry there as dirsync left it.
     */
    record Place(RelPath path, boolean directory, long sourceSize, long sourceModified, long device, long inode,
                 long size, long modified, long changed) {

        /**
         * Whether {@code source}, the same file met elsewhere, is as it was here: its size and time, which a rename
         * keeps. (Its inode alone could be a new file's that took the number of a deleted one.)
         */
        boolean sameContent(Entry source) {
            return directory || source.size() == sourceSize && nanos(source) == sourceModified;
        }

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

    private record Key(long device, long inode) {
    }

    private Map<Key, Place> previous = new HashMap<>();
    private Map<Key, Place> current = new HashMap<>();

    /** Places a regular file whose pair is equal, or a directory walked on both sides. */
    void saw(RelPath path, Entry source, Entry replica) {
        if (!source.identity().known() || path.isRoot()) {
            return;
        }
        boolean directory = source.is(EntryKind.DIRECTORY);
        if (!directory && !replica.identity().known()) {
            return;
        }
        long device = replica.identity().known() ? replica.identity().device() : -1;
        long inode = replica.identity().known() ? replica.identity().inode() : -1;
        current.put(key(source), directory ? new Place(path, true, 0, 0, device, inode, 0, 0, 0)
                : new Place(path, false, source.size(), nanos(source), device, inode, replica.size(), nanos(replica),
                        changedNanos(replica)));
    }

    /**
     * Where an earlier pass saw {@code source}'s identity, of the same kind; null if nowhere, or if this pass has
     * met it already (another name of it, which the source still has).
     */
    Place before(Entry source) {
        if (!source.identity().known()) {
            return null;
        }
        Key key = key(source);
        if (current.containsKey(key)) {
            return null;
        }
        Place place = previous.get(key);
        return place != null && place.directory() == source.is(EntryKind.DIRECTORY) && place.sameContent(source)
                ? place : null;
    }

    /** Forgets every place (what an earlier run saved turned out damaged). */
    void clear() {
        previous = new HashMap<>();
        current = new HashMap<>();
    }

    boolean isEmpty() {
        return previous.isEmpty();
    }

    /** After a completed pass only the places it met survive; after an interrupted one, all are kept. */
    void passEnded(boolean completed) {
        if (completed) {
            previous = current;
        } else {
            previous.putAll(current);
        }
        current = new HashMap<>();
    }

    private static Key key(Entry source) {
        return new Key(source.identity().device(), source.identity().inode());
    }

    private static long nanos(Entry entry) {
        return entry.modified().toInstant().getEpochSecond() * 1_000_000_000L + entry.modified().toInstant().getNano();
    }

    private static long changedNanos(Entry entry) {
        java.time.Instant changed = entry.identity().changed().toInstant();
        return changed.getEpochSecond() * 1_000_000_000L + changed.getNano();
    }

    private static final long MAGIC = 0x6469727379_6e6350L; // "dirsyncP"

    /** The places kept after the last pass, for the next run. */
    byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(2 * Long.BYTES).putLong(MAGIC).putLong(previous.size());
        out.writeBytes(head.array());
        ByteBuffer item = ByteBuffer.allocate(9 * Long.BYTES + 1 + Integer.BYTES);
        previous.forEach((key, place) -> {
            byte[] path = place.path().bytes();
            item.clear();
            item.putLong(key.device()).putLong(key.inode()).put((byte) (place.directory() ? 1 : 0))
                    .putLong(place.sourceSize()).putLong(place.sourceModified()).putLong(place.device())
                    .putLong(place.inode()).putLong(place.size()).putLong(place.modified())
                    .putLong(place.changed()).putInt(path.length);
            out.writeBytes(item.array());
            out.writeBytes(path);
        });
        return out.toByteArray();
    }

    /** Takes the places a previous run saved, if they are well formed; else starts with none. */
    boolean fromBytes(ByteBuffer bytes) {
        try {
            if (bytes.getLong() != MAGIC) {
                return false;
            }
            long count = bytes.getLong();
            Map<Key, Place> loaded = new HashMap<>();
            for (long i = 0; i < count; i++) {
                Key key = new Key(bytes.getLong(), bytes.getLong());
                boolean directory = bytes.get() == 1;
                long sourceSize = bytes.getLong();
                long sourceModified = bytes.getLong();
                long device = bytes.getLong();
                long inode = bytes.getLong();
                long size = bytes.getLong();
                long modified = bytes.getLong();
                long changed = bytes.getLong();
                byte[] path = new byte[bytes.getInt()];
                bytes.get(path);
                loaded.put(key, new Place(pathOf(path), directory, sourceSize, sourceModified, device, inode, size,
                        modified, changed));
            }
            if (bytes.hasRemaining()) {
                return false;
            }
            previous = loaded;
            return true;
        } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException damaged) {
            return false;
        }
    }

    /** The path of {@link RelPath#bytes}: names between single slashes, none empty. */
    private static RelPath pathOf(byte[] bytes) {
        RelPath path = RelPath.ROOT;
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '/') {
                if (i == start) {
                    throw new IllegalArgumentException("an empty name");
                }
                byte[] name = new byte[i - start];
                System.arraycopy(bytes, start, name, 0, name.length);
                path = path.resolve(Name.of(name));
                start = i + 1;
            }
        }
        return path;
    }
}
