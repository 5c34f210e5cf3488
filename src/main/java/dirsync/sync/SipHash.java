package dirsync.sync;

/**
 * SipHash-2-4 with its 128-bit output (Aumasson and Bernstein's keyed hash: two rounds a word, four at the end),
 * over a message of whole 64-bit words, each read as its eight bytes little-endian. A few hundred additions,
 * rotations and xors for the ten words of a pair's state, where MD5 took two 64-byte blocks and a
 * {@code MessageDigest}; and with a key kept secret an attacker cannot aim a file's state at a fingerprint.
 */
final class SipHash {

    private long v0;
    private long v1;
    private long v2;
    private long v3;

    private SipHash(long k0, long k1) {
        v0 = k0 ^ 0x736f6d6570736575L;
        v1 = k1 ^ 0x646f72616e646f6dL ^ 0xeeL; // 0xee: the 128-bit output
        v2 = k0 ^ 0x6c7967656e657261L;
        v3 = k1 ^ 0x7465646279746573L;
    }

    /** The 128 bits of {@code words[0..count)} under the key ({@code k0}, {@code k1}): first half, second half. */
    static long[] hash128(long k0, long k1, long[] words, int count) {
        SipHash state = new SipHash(k0, k1);
        for (int i = 0; i <= count; i++) {
            // The last block holds no bytes of a message of whole words, only its length (mod 256) in its top byte.
            state.absorb(i < count ? words[i] : (long) (count * Long.BYTES) << 56);
        }
        state.v2 ^= 0xeeL;
        long first = state.rounds(4);
        state.v1 ^= 0xddL;
        return new long[] {first, state.rounds(4)};
    }

    private void absorb(long m) {
        v3 ^= m;
        rounds(2);
        v0 ^= m;
    }

    /** {@code count} SipRounds; returns the four words xored, the output after the last rounds. */
    private long rounds(int count) {
        for (int round = 0; round < count; round++) {
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
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
