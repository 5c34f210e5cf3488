package dirsync.sync;

import java.nio.ByteBuffer;

/**
 * The facts of {@link VerifiedPairs}: an open-addressing set of 128-bit values (never all zero: see
 * {@link VerifiedPairs#fingerprint}), two longs a slot. Not thread-safe.
 */
final class FingerprintSet {
    private final long[] slots; // hi, lo, hi, lo, ...
    private final int mask;
    private int size;

    FingerprintSet(int capacity) {
        int slotsWanted = Integer.highestOneBit(Math.max(16, capacity - 1)) << 1;
        slots = new long[slotsWanted * 2];
        mask = slotsWanted - 1;
    }

    /** How many values it holds. */
    int size() {
        return size;
    }

    /** How many slots it has: a set of this capacity takes as many values without growing. */
    int capacity() {
        return mask + 1;
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
    FingerprintSet with(long[] value) {
        if (contains(value)) {
            return this;
        }
        FingerprintSet table = (size + 1) * 2 > mask + 1 ? grown() : this;
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

    private FingerprintSet grown() {
        FingerprintSet bigger = new FingerprintSet((mask + 1) * 2);
        bigger.insertAll(this);
        return bigger;
    }

    /** This table with all of {@code other}'s values added. */
    FingerprintSet withAll(FingerprintSet other) {
        FingerprintSet table = this;
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
    private void insertAll(FingerprintSet other) {
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
