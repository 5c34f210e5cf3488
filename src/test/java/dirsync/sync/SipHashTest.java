package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Checked against the reference vectors of SipHash-2-4-128 (key 00 01 .. 0f, message 00 01 .. len-1). */
class SipHashTest {

    private static final long K0 = 0x0706050403020100L;
    private static final long K1 = 0x0f0e0d0c0b0a0908L;

    @Test
    void theEmptyMessageGivesTheReferenceVector() {
        assertThat(SipHash.hash128(K0, K1, new long[0], 0)).containsExactly(reference(
                0xa3, 0x81, 0x7f, 0x04, 0xba, 0x25, 0xa8, 0xe6, 0x6d, 0xf6, 0x72, 0x14, 0xc7, 0x55, 0x02, 0x93));
    }

    @Test
    void oneWordGivesTheReferenceVectorOfEightBytes() {
        assertThat(SipHash.hash128(K0, K1, message(1), 1)).containsExactly(reference(
                0x3b, 0x62, 0xa9, 0xba, 0x62, 0x58, 0xf5, 0x61, 0x0f, 0x83, 0xe2, 0x64, 0xf3, 0x14, 0x97, 0xb4));
    }

    @Test
    void twoWordsGiveTheReferenceVectorOfSixteenBytesAndOnlyTheCountedWordsCount() {
        long[] words = java.util.Arrays.copyOf(message(2), 5);
        words[2] = -1;

        assertThat(SipHash.hash128(K0, K1, words, 2)).containsExactly(reference(
                0x6e, 0xe2, 0xa4, 0xca, 0x67, 0xb0, 0x54, 0xbb, 0xfd, 0x33, 0x15, 0xbf, 0x85, 0x23, 0x05, 0x77));
    }

    @Test
    void anotherKeyGivesAnotherHash() {
        assertThat(SipHash.hash128(K0, K1 + 1, message(2), 2)).isNotEqualTo(SipHash.hash128(K0, K1, message(2), 2));
    }

    /** Bytes 0, 1, 2, ... as words, little-endian. */
    private static long[] message(int words) {
        ByteBuffer bytes = ByteBuffer.allocate(words * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < words * Long.BYTES; i++) {
            bytes.put((byte) i);
        }
        bytes.flip();
        long[] out = new long[words];
        for (int i = 0; i < words; i++) {
            out[i] = bytes.getLong();
        }
        return out;
    }

    /** The reference's 16 output bytes as its two halves, each little-endian. */
    private static long[] reference(int... bytes) {
        ByteBuffer buffer = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (int b : bytes) {
            buffer.put((byte) b);
        }
        buffer.flip();
        return new long[] {buffer.getLong(), buffer.getLong()};
    }
}
