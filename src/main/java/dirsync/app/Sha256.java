package dirsync.app;

/**
 * SHA-256 (FIPS 180-4) of a short message, for the names of the state files ({@link StateFiles}). Written out here
 * because {@code MessageDigest.getInstance} starts the JDK's security providers, whose set-up (the provider list,
 * the algorithm constraints of the {@code java.security} file) was about 8 ms of a cron run's CPU, for one hash
 * of a replica's URI. The names must stay those of earlier runs: the same bits as the JDK's SHA-256 (a test
 * compares them).
 */
final class Sha256 {

    /** The round constants: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
    private static final int[] ROUND = new int[64];
    /** The initial hash: the same of the square roots of the first 8 primes. */
    private static final int[] INITIAL = new int[8];

    static {
        int found = 0;
        for (int candidate = 2; found < ROUND.length; candidate++) {
            if (isPrime(candidate)) {
                ROUND[found] = fractionBits(Math.cbrt(candidate));
                if (found < INITIAL.length) {
                    INITIAL[found] = fractionBits(Math.sqrt(candidate));
                }
                found++;
            }
        }
    }

    private Sha256() {
    }

    /** The 32-byte SHA-256 of {@code message}. */
    static byte[] of(byte[] message) {
        // The message, a 1 bit, zeros up to 8 bytes short of a multiple of 64, and its length in bits.
        int blocks = (message.length + 8) / 64 + 1;
        byte[] padded = new byte[blocks * 64];
        System.arraycopy(message, 0, padded, 0, message.length);
        padded[message.length] = (byte) 0x80;
        long bits = (long) message.length * 8;
        for (int i = 0; i < 8; i++) {
            padded[padded.length - 1 - i] = (byte) (bits >>> (8 * i));
        }
        int[] hash = INITIAL.clone();
        int[] words = new int[64];
        for (int block = 0; block < blocks; block++) {
            compress(hash, padded, block * 64, words);
        }
        byte[] digest = new byte[32];
        for (int i = 0; i < 32; i++) {
            digest[i] = (byte) (hash[i / 4] >>> (24 - 8 * (i % 4)));
        }
        return digest;
    }

    private static void compress(int[] hash, byte[] padded, int at, int[] words) {
        for (int t = 0; t < 16; t++) {
            int i = at + 4 * t;
            words[t] = (padded[i] & 0xff) << 24 | (padded[i + 1] & 0xff) << 16 | (padded[i + 2] & 0xff) << 8
                    | padded[i + 3] & 0xff;
        }
        for (int t = 16; t < 64; t++) {
            int w15 = words[t - 15];
            int w2 = words[t - 2];
            int s0 = Integer.rotateRight(w15, 7) ^ Integer.rotateRight(w15, 18) ^ w15 >>> 3;
            int s1 = Integer.rotateRight(w2, 17) ^ Integer.rotateRight(w2, 19) ^ w2 >>> 10;
            words[t] = words[t - 16] + s0 + words[t - 7] + s1;
        }
        int a = hash[0];
        int b = hash[1];
        int c = hash[2];
        int d = hash[3];
        int e = hash[4];
        int f = hash[5];
        int g = hash[6];
        int h = hash[7];
        for (int t = 0; t < 64; t++) {
            int sum1 = Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25);
            int choice = e & f ^ ~e & g;
            int t1 = h + sum1 + choice + ROUND[t] + words[t];
            int sum0 = Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22);
            int majority = a & b ^ a & c ^ b & c;
            int t2 = sum0 + majority;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        hash[0] += a;
        hash[1] += b;
        hash[2] += c;
        hash[3] += d;
        hash[4] += e;
        hash[5] += f;
        hash[6] += g;
        hash[7] += h;
    }

    private static boolean isPrime(int n) {
        for (int d = 2; d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }

    /** The first 32 bits after the point of {@code root} (a root of a prime below 312: 50 bits or more after it). */
    private static int fractionBits(double root) {
        return (int) (long) ((root - Math.floor(root)) * 0x1p32);
    }
}
