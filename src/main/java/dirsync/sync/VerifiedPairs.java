package dirsync.sync;

import dirsync.fs.Entry;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;

/**
 * Verified-hash memory, kept as compactly as a periodic mirror of millions of files needs: the fact "this
 * source file and this replica file had the same MD5", for the exact state both were in (device, inode, size,
 * modification time and change time on each side), as a 128-bit fingerprint of those ten numbers. A later pass
 * that finds both files in exactly that state again knows they are equal without reading them. Any write,
 * chmod, rename or truncation moves a file's change time, which no user-space call can set back, so a changed
 * file never matches an old fact; and a file that changed so close to its hashing that a coarse clock could
 * hide it (within {@link #RACY} of the pass's start) is not remembered at all, as git does with its index.
 *
 * <p>A file the pass copies is a fact too, learned at copy time ({@link #learnInstalled}), so that the pass after
 * a copy reads nothing either. The copy itself is the verification: it wrote every byte it read, from a source
 * file found in the very same state (size, times, identity) before and after the read; the fact joins that state
 * to the replica file's state right after it took its name. (No MD5 is computed for it: a fact holds states, not
 * hashes.) The rules:
 * <ul>
 *   <li>A source that changed while it was copied is never learned: its copy is refused and installs nothing; one
 *   copied as read ({@code --copy-unsettled}), installed though it changed, is not learned either. The source is
 *   held to the racy rule above, like any side.</li>
 *   <li>The replica file's state is the one read back right after the rename (the same inode as the file written,
 *   with the size copied and the modification time given), or over SFTP, which has no inode or change time, the
 *   state its listing shows for the size written and the time set. Its change time is always "now": the racy rule
 *   would refuse every copy. Instead its modification time (the source's, settled) must be at least {@link #RACY}
 *   from the pass start and from that change time. Then any later write to it is seen: it moves the change time,
 *   or, within the same tick of the file system's clock as the read back, it moves the modification time to that
 *   tick, far from the one learned. What remains unseen is deliberate: a rewrite that keeps the size and sets the
 *   modification time back to the very nanosecond dirsync gave it, made between the rename and the end of that
 *   tick (a few milliseconds), or a write into dirsync's own temporary file (owner-only, a random name) before
 *   dirsync sets its time; no stat can tell either, and {@code --no-hash-cache} hashes every pass. (An identity
 *   whose change time is its modification time, as over SFTP, is held to the pass start alone, as a listed pair
 *   is: see the SFTP tree for what that trust rests on.)</li>
 *   <li>Only a copy that took its name is learned: a dry run installs nothing, a failed copy is not installed. A
 *   copy made durable by a shared sync is learned once renamed, after that sync. Were the rename itself lost in a
 *   crash, the name would show the old file or none: another inode, another state, which the fact does not
 *   describe.</li>
 * </ul>
 *
 * <p>Facts not met again during a completed pass are forgotten, so memory follows the tree: 32 bytes a pair,
 * at most half the table full. Not thread-safe: the pass thread alone uses it.
 */
final class VerifiedPairs {

    static final java.time.Duration RACY = java.time.Duration.ofSeconds(2);

    private Table previous = new Table(1024);
    private Table current = new Table(1024);

    /** Made at the first fingerprint: a pass with no pair to fingerprint never starts the security providers. */
    private MessageDigest digest;
    /** The ten numbers of a pair's state, big-endian, as MD5 takes them: one array for every fingerprint. */
    private final byte[] state = new byte[10 * Long.BYTES];

    /** The fingerprint of a pair's state, or null if either side's identity is unknown. */
    long[] fingerprint(Entry source, Entry replica) {
        if (!source.identity().known() || !replica.identity().known()) {
            return null;
        }
        put(state, 0, source);
        put(state, 5 * Long.BYTES, replica);
        if (digest == null) {
            digest = md5();
        }
        byte[] bits = digest.digest(state);
        return new long[] {BigEndian.longAt(bits, 0), BigEndian.longAt(bits, Long.BYTES)};
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide MD5", e);
        }
    }

    private static void put(byte[] state, int at, Entry entry) {
        BigEndian.putLong(state, at, entry.identity().device());
        BigEndian.putLong(state, at + Long.BYTES, entry.identity().inode());
        BigEndian.putLong(state, at + 2 * Long.BYTES, entry.size());
        BigEndian.putLong(state, at + 3 * Long.BYTES, nanos(entry.modified().toInstant()));
        BigEndian.putLong(state, at + 4 * Long.BYTES, nanos(entry.identity().changed().toInstant()));
    }


    private static long nanos(Instant time) {
        return time.getEpochSecond() * 1_000_000_000L + time.getNano();
    }

    /** True if this exact pair state was verified equal by an earlier pass (or this one); keeps the fact. */
    boolean recall(long[] fingerprint) {
        if (current.contains(fingerprint)) {
            return true;
        }
        if (previous.contains(fingerprint)) {
            current = current.with(fingerprint);
            return true;
        }
        return false;
    }

    /**
     * Remembers that both sides, as listed, had equal hashes, unless either side is racy: changed (ctime) less
     * than {@link #RACY} before {@code passStarted} or later, or with a modification time within {@link #RACY}
     * of it, where a timestamp's granularity could hide a second write. (A modification time far in the past or
     * the future is no risk: it is set by hand, and any write still moves the ctime.)
     */
    void learn(long[] fingerprint, Entry source, Entry replica, Instant passStarted) {
        if (settled(source, passStarted) && settled(replica, passStarted)) {
            current = current.with(fingerprint);
        }
    }

    private static boolean settled(Entry entry, Instant passStarted) {
        Instant changed = entry.identity().changed().toInstant();
        return changed.isBefore(passStarted.minus(RACY)) && !near(entry.modified().toInstant(), passStarted);
    }

    /**
     * Remembers a copy this pass installed: {@code source} in the state it had all through its copy, {@code replica}
     * as installed (see the class comment for the rules and what they rest on).
     */
    void learnInstalled(Entry source, Entry replica, Instant passStarted) {
        long[] fingerprint = fingerprint(source, replica);
        if (fingerprint != null && settled(source, passStarted) && settledAsInstalled(replica, passStarted)) {
            current = current.with(fingerprint);
        }
    }

    private static boolean settledAsInstalled(Entry replica, Instant passStarted) {
        Instant modified = replica.modified().toInstant();
        Instant changed = replica.identity().changed().toInstant();
        boolean ownChangeTime = !changed.equals(modified);
        return !near(modified, passStarted) && !(ownChangeTime && near(modified, changed));
    }

    /** Whether {@code time} is less than {@link #RACY} from {@code moment}, either way. */
    private static boolean near(Instant time, Instant moment) {
        return time.isAfter(moment.minus(RACY)) && time.isBefore(moment.plus(RACY));
    }

    /** After a completed pass only the facts it met survive; after an interrupted one, all are kept. */
    void passEnded(boolean completed) {
        if (completed) {
            previous = current;
        } else {
            previous = previous.withAll(current);
        }
        current = new Table(Math.max(1024, previous.size * 2));
    }

    int size() {
        return current.size + previous.size;
    }

    private static final long MAGIC = 0x6469727379_6e6331L; // "dirsync1"

    /** The facts kept after the last pass, for the next run (a --once run from cron, or a restarted service). */
    byte[] toBytes() {
        ByteBuffer bytes = ByteBuffer.allocate(2 * Long.BYTES + previous.size * 2 * Long.BYTES);
        bytes.putLong(MAGIC).putLong(previous.size);
        previous.copyTo(bytes);
        return bytes.array();
    }

    /**
     * Takes the facts a previous run saved, if they are well formed; anything else is ignored and the memory
     * starts empty, which only costs hashing. (Whether the file they came from can be trusted is the caller's
     * check: someone who could plant facts could make a pass skip a changed file.)
     */
    boolean fromBytes(byte[] saved) {
        if (saved == null) {
            return false;
        }
        ByteBuffer bytes = ByteBuffer.wrap(saved);
        if (bytes.remaining() < 2 * Long.BYTES || bytes.getLong() != MAGIC) {
            return false;
        }
        long count = bytes.getLong();
        if (count < 0 || count != bytes.remaining() / (2L * Long.BYTES) || bytes.remaining() % 16 != 0) {
            return false;
        }
        Table loaded = new Table((int) Math.min(Integer.MAX_VALUE / 4, Math.max(1024, count * 2)));
        long[] value = new long[2]; // one array for every record: a table keeps the values, not the array
        for (long i = 0; i < count; i++) {
            value[0] = bytes.getLong();
            value[1] = bytes.getLong();
            loaded = loaded.with(value);
        }
        previous = loaded;
        if (current.size == 0) {
            current = new Table(loaded.mask + 1); // the pass meets them again: no growing table on the way
        }
        return true;
    }

    /** An open-addressing set of 128-bit values (never all zero: an MD5 fingerprint), two longs a slot. */
    private static final class Table {
        private final long[] slots; // hi, lo, hi, lo, ...
        private final int mask;
        private int size;

        Table(int capacity) {
            int slotsWanted = Integer.highestOneBit(Math.max(16, capacity - 1)) << 1;
            slots = new long[slotsWanted * 2];
            mask = slotsWanted - 1;
        }

        boolean contains(long[] value) {
            for (int i = index(value); ; i = (i + 1) & mask) {
                long hi = slots[2 * i];
                long lo = slots[2 * i + 1];
                if (hi == 0 && lo == 0) {
                    return false;
                }
                if (hi == value[0] && lo == value[1]) {
                    return true;
                }
            }
        }

        /** This table with {@code value} added: itself, or a larger copy when half full. */
        Table with(long[] value) {
            if (contains(value)) {
                return this;
            }
            Table table = (size + 1) * 2 > mask + 1 ? grown() : this;
            table.insert(value);
            return table;
        }

        private void insert(long[] value) {
            int i = index(value);
            while (slots[2 * i] != 0 || slots[2 * i + 1] != 0) {
                i = (i + 1) & mask;
            }
            slots[2 * i] = value[0];
            slots[2 * i + 1] = value[1];
            size++;
        }

        private Table grown() {
            Table bigger = new Table((mask + 1) * 2);
            bigger.insertAll(this);
            return bigger;
        }

        /** This table with all of {@code other}'s values added. */
        Table withAll(Table other) {
            Table table = this;
            for (int i = 0; i <= other.mask; i++) {
                long hi = other.slots[2 * i];
                long lo = other.slots[2 * i + 1];
                if (hi != 0 || lo != 0) {
                    table = table.with(new long[] {hi, lo});
                }
            }
            return table;
        }

        /** Inserts the values of {@code other}, none of which this table holds, without copying each. */
        private void insertAll(Table other) {
            long[] value = new long[2];
            for (int i = 0; i <= other.mask; i++) {
                value[0] = other.slots[2 * i];
                value[1] = other.slots[2 * i + 1];
                if (value[0] != 0 || value[1] != 0) {
                    insert(value);
                }
            }
        }

        /** Puts every value, high then low long, into {@code bytes}. */
        void copyTo(ByteBuffer bytes) {
            for (int i = 0; i <= mask; i++) {
                if (slots[2 * i] != 0 || slots[2 * i + 1] != 0) {
                    bytes.putLong(slots[2 * i]).putLong(slots[2 * i + 1]);
                }
            }
        }

        private int index(long[] value) {
            return (int) (value[0] ^ (value[0] >>> 32)) & mask;
        }
    }
}
