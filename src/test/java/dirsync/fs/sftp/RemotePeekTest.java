package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.EmbeddedSftpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.sshd.sftp.common.SftpConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The start of one small file on a real SFTP server, read in as few round trips as it takes. */
class RemotePeekTest {

    @RegisterExtension
    static final EmbeddedSftpServer SERVER = new EmbeddedSftpServer();

    @TempDir
    Path temp;

    @Test
    void aFileShorterThanTheLimitIsReadWholeInOneRead() throws Exception {
        Path token = Files.writeString(temp.resolve("token"), "dirsync same-host probe 1234");

        assertThat(RemotePeek.read(SERVER.newClient(), bytes(token), 4096))
                .hasValueSatisfying(content -> assertThat(new String(content, StandardCharsets.UTF_8))
                        .isEqualTo("dirsync same-host probe 1234"));
        assertThat(SERVER.requests(SftpConstants.SSH_FXP_READ)).as("no READ asked for the end").isOne();
    }

    @Test
    void aLongerFileGivesItsStartUpToTheLimit() throws Exception {
        Path big = Files.write(temp.resolve("big"), "0123456789".repeat(1000).getBytes(StandardCharsets.UTF_8));

        assertThat(RemotePeek.read(SERVER.newClient(), bytes(big), 25))
                .hasValueSatisfying(content -> assertThat(new String(content, StandardCharsets.UTF_8))
                        .isEqualTo("0123456789012345678901234"));
    }

    @Test
    void noSuchFileIsEmpty() throws Exception {
        assertThat(RemotePeek.read(SERVER.newClient(), bytes(temp.resolve("missing/token")), 64)).isEmpty();
    }

    private static byte[] bytes(Path path) {
        return path.toString().getBytes(StandardCharsets.UTF_8);
    }
}
