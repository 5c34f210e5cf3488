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

    /** The 128 bits of {@code words[0..count)} under the key ({@code k0}, {@code k1}): the first half, then the second. */
    static long[] hash128(long k0, long k1, long[] words, int count) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL ^ 0xeeL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        for (int i = 0; i <= count; i++) {
            // The last block holds no bytes of a message of whole words, only its length (mod 256) in its top byte.
            long m = i < count ? words[i] : (long) (count * Long.BYTES) << 56;
            v3 ^= m;
            for (int round = 0; round < 2; round++) {
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
            v0 ^= m;
        }
        long[] out = new long[2];
        v2 ^= 0xeeL;
        for (int half = 0; half < 2; half++) {
            for (int round = 0; round < 4; round++) {
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
            out[half] = v0 ^ v1 ^ v2 ^ v3;
            v1 ^= 0xddL;
        }
        return out;
    }
}
