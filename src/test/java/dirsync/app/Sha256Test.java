package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-made SHA-256 of the state files' names gives the JDK's bits. */
class Sha256Test {

    @Test
    void theStandardsExampleHashesAsPublished() {
        assertThat(HexFormat.of().formatHex(Sha256.of("abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void everyLengthAcrossSeveralBlocksHashesAsTheJdksSha256() throws Exception {
        SplittableRandom random = new SplittableRandom(25);
        MessageDigest jdk = MessageDigest.getInstance("SHA-256");
        // Every length up to 4 blocks (the padding's edges at 55, 56, 63 and 64 bytes of a block), then longer ones.
        for (int length = 0; length < 300; length++) {
            byte[] message = new byte[length];
            random.nextBytes(message);
            assertThat(Sha256.of(message)).as("%d bytes", length).isEqualTo(jdk.digest(message));
        }
        for (int length : new int[] {1000, 4096, 65_537}) {
            byte[] message = new byte[length];
            random.nextBytes(message);
            assertThat(Sha256.of(message)).as("%d bytes", length).isEqualTo(jdk.digest(message));
        }
    }
}
