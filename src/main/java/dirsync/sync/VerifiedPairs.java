package dirsync.sync;

import dirsync.fs.Entry;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Instant;

/**
 * Verified-hash memory, kept as compactly as a periodic mirror of millions of files needs: the fact "this
 * source file and this replica file had the same MD5", for the exact state both were in (device, inode, size,
 * modification time and change time on each side), as a 128-bit fingerprint of those ten numbers (a keyed
 * {@link SipHash}; the key is the memory's own, random, saved with it). A later pass
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

    private FingerprintSet previous = new FingerprintSet(1024);
    private FingerprintSet current = new FingerprintSet(1024);

    /**
     * The key of the fingerprints ({@link SipHash}): the memory's own, random, saved with it and kept as secret as
     * its file (owner-only); (0, 0) until the first fingerprint needs one, or a memory brings its own.
     */
    private long key0;
    private long key1;
    /** The ten numbers of a pair's state: one array for every fingerprint. */
    private final long[] state = new long[10];

    /** The fingerprint of a pair's state, or null if either side's identity is unknown. */
    long[] fingerprint(Entry source, Entry replica) {
        if (!source.identity().known() || !replica.identity().known()) {
            return null;
        }
        put(state, 0, source);
        put(state, 5, replica);
        if (key0 == 0 && key1 == 0) {
            newKey();
        }
        long[] bits = SipHash.hash128(key0, key1, state, state.length);
        if (bits[0] == 0 && bits[1] == 0) {
            bits[1] = 1; // (0, 0) marks a table's empty slot
        }
        return bits;
    }

    /** From the platform's strong source, only when a memory is begun (a run that hashes everything anyway). */
    private void newKey() {
        SecureRandom random = new SecureRandom();
        do {
            key0 = random.nextLong();
            key1 = random.nextLong();
        } while (key0 == 0 && key1 == 0);
    }

    private static void put(long[] state, int at, Entry entry) {
        state[at] = entry.identity().device();
        state[at + 1] = entry.identity().inode();
        state[at + 2] = entry.size();
        state[at + 3] = nanos(entry.modified().toInstant());
        state[at + 4] = nanos(entry.identity().changed().toInstant());
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
        current = new FingerprintSet(Math.max(1024, previous.size() * 2));
    }

    int size() {
        return current.size() + previous.size();
    }

    /** "dirsync2": fingerprints by a keyed SipHash. ("dirsync1", MD5's, is not read: its pairs are hashed again.) */
    private static final long MAGIC = 0x6469727379_6e6332L;
    /** The magic number, the count of facts and the key, before the facts. */
    private static final int HEADER = 4 * Long.BYTES;

    /** The facts kept after the last pass, for the next run (a --once run from cron, or a restarted service). */
    byte[] toBytes() {
        ByteBuffer bytes = ByteBuffer.allocate(HEADER + previous.size() * 2 * Long.BYTES);
        bytes.putLong(MAGIC).putLong(previous.size()).putLong(key0).putLong(key1);
        previous.copyTo(bytes);
        return bytes.array();
    }

    /**
     * How many bytes at the start of {@code saved} are facts as {@link #toBytes} writes them (what follows is
     * another part's), or -1 if they do not begin it.
     */
    static long savedLength(byte[] saved) {
        if (saved == null || saved.length < HEADER) {
            return -1;
        }
        ByteBuffer bytes = ByteBuffer.wrap(saved);
        long count = bytes.getLong(Long.BYTES);
        if (bytes.getLong(0) != MAGIC || count < 0 || count > (saved.length - HEADER) / (2L * Long.BYTES)) {
            return -1;
        }
        return HEADER + count * 2 * Long.BYTES;
    }

    /**
     * Takes the facts a previous run saved, if they are well formed; anything else (also a memory of an earlier
     * format) is ignored and the memory starts empty, which only costs hashing. (Whether the file they came from
     * can be trusted is the caller's check: someone who could plant facts could make a pass skip a changed file.)
     */
    boolean fromBytes(byte[] saved) {
        if (savedLength(saved) != (saved == null ? 0 : saved.length)) {
            return false;
        }
        ByteBuffer bytes = ByteBuffer.wrap(saved, Long.BYTES, saved.length - Long.BYTES);
        long count = bytes.getLong();
        long savedKey0 = bytes.getLong();
        long savedKey1 = bytes.getLong();
        if (count > 0 && savedKey0 == 0 && savedKey1 == 0) {
            return false; // facts without their key: not written by toBytes
        }
        FingerprintSet loaded = new FingerprintSet((int) Math.min(Integer.MAX_VALUE / 4, Math.max(1024, count * 2)));
        long[] value = new long[2]; // one array for every record: a table keeps the values, not the array
        for (long i = 0; i < count; i++) {
            value[0] = bytes.getLong();
            value[1] = bytes.getLong();
            loaded = loaded.with(value);
        }
        previous = loaded;
        if (count > 0) {
            key0 = savedKey0;
            key1 = savedKey1;
        }
        if (current.size() == 0) {
            current = new FingerprintSet(loaded.capacity()); // the pass meets them again: no growing table on the way
        }
        return true;
    }
}
