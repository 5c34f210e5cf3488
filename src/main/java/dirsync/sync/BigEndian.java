package dirsync.sync;

/**
 * Longs in byte arrays, most significant byte first, by hand: the hash memory's fingerprints are made of these
 * bytes and saved, so their order is fixed. (A {@code ByteBuffer} or a {@code VarHandle} would do the same, more
 * slowly in a short run's barely compiled code.)
 */
final class BigEndian {

    private BigEndian() {
    }

    /** Writes {@code value} at {@code at}. */
    static void putLong(byte[] bytes, int at, long value) {
        for (int i = Long.BYTES - 1; i >= 0; i--) {
            bytes[at + i] = (byte) value;
            value >>>= 8;
        }
    }

    /** The eight bytes at {@code at}. */
    static long longAt(byte[] bytes, int at) {
        long value = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            value = (value << 8) | (bytes[at + i] & 0xFF);
        }
        return value;
    }
}
