package dirsync.sync;

/**
 * SipHash-2-4 with its 128-bit output (Aumasson and Bernstein's keyed hash: two rounds a word, four at the end),
 * over a message of whole 64-bit words, each read as its eight bytes little-endian. A few hundred additions,
 * rotations and xors for the ten words of a pair's state, where MD5 took two 64-byte blocks and a
 * {@code MessageDigest}; and with a key kept secret an attacker cannot aim a file's state at a fingerprint.
 */
final class SipHash {

    private SipHash() {
    }

    /** The 128 bits of {@code words[0..count)} under the key ({@code k0}, {@code k1}): first half, second half. */
    static long[] hash128(long k0, long k1, long[] words, int count) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL ^ 0xeeL; // 0xee: the 128-bit output
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        long[] out = new long[2];
        // Steps 0..count take a block each (the words, then one holding only the message's length in its top
        // byte), with two rounds; the two steps after give the two halves of the output, with four rounds each.
        // One loop, so that the state stays in locals (no object per hash) and the rounds are written once.
        for (int step = 0; step <= count + 2; step++) {
            long block = 0;
            int rounds = 2;
            if (step < count) {
                block = words[step];
            } else if (step == count) {
                block = (long) (count * Long.BYTES) << 56;
            } else {
                rounds = 4;
                if (step == count + 1) {
                    v2 ^= 0xeeL;
                } else {
                    v1 ^= 0xddL;
                }
            }
            v3 ^= block;
            for (int round = 0; round < rounds; round++) {
                v0 += v1;
                v1 = Long.rotateLeft(v1, 13) ^ v0;
                v0 = Long.rotateLeft(v0, 32);
                v2 += v3;
                v3 = Long.rotateLeft(v3, 16) ^ v2;
                v0 += v3;
                v3 = Long.rotateLeft(v3, 21) ^ v0;
                v2 += v1;
                v1 = Long.rotateLeft(v1, 17) ^ v2;
                v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= block;
            if (step > count) {
                out[step - count - 1] = v0 ^ v1 ^ v2 ^ v3;
            }
        }
        return out;
    }
}
