package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hashing on the server with md5sum, here through this machine's own shell (what an OpenSSH exec channel does
 * with the command): the quoting of hostile names, the detection, the parsing of md5sum's line.
 */
class RemoteMd5Test {

    @TempDir
    Path temp;

    /** The command through sh -c, as sshd runs it through the user's shell. */
    private static byte[] shell(String command, Duration timeout) throws IOException {
        Process process = new ProcessBuilder("/bin/sh", "-c", command).start();
        byte[] out = process.getInputStream().readAllBytes();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
                throw new IOException("exit " + process.exitValue() + ": "
                        + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        return out;
    }

    private static RemoteMd5 detected() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/md5sum")), "md5sum is not on this machine");
        return RemoteMd5.detect(RemoteMd5Test::shell).orElseThrow();
    }

    @Test
    void aHostileNameIsHashedExactlyAndRunsNothing() throws Exception {
        String name = "it's \"odd\" $(touch pwned) `touch pwned` \\ \n; touch pwned";
        Path file = Files.writeString(temp.resolve(name), "content of a hostile name");

        byte[] hash = detected().md5(SftpNames.wire(file.toString().getBytes(StandardCharsets.UTF_8)));

        assertThat(HexFormat.of().formatHex(hash)).isEqualTo(Trees.md5(file));
        assertThat(temp.resolve("pwned")).doesNotExist();
        assertThat(Path.of("pwned")).doesNotExist();
    }

    @Test
    void aServerWithoutAWorkingMd5sumIsNotUsed() {
        assertThat(RemoteMd5.detect((command, timeout) -> {
            throw new IOException("exec request failed on channel 0");
        })).isEmpty();
        assertThat(RemoteMd5.detect((command, timeout) -> "something else\n".getBytes(StandardCharsets.US_ASCII)))
                .isEmpty();
    }

    @Test
    void aNameThatIsNotUtf8IsLeftToSftp() throws Exception {
        assertThat(detected().md5(SftpNames.wire(new byte[] {'/', 't', (byte) 0xE9}))).isNull();
    }

    @Test
    void md5sumsEscapedLineIsRead() throws Exception {
        byte[] line = ("\\" + RemoteMd5.EMPTY_MD5 + " *a\\nb\n").getBytes(StandardCharsets.US_ASCII);

        assertThat(HexFormat.of().formatHex(RemoteMd5.parse(line, "/a\nb"))).isEqualTo(RemoteMd5.EMPTY_MD5);
        assertThatThrownBy(() -> RemoteMd5.parse("md5sum: /x: No such file\n".getBytes(StandardCharsets.US_ASCII),
                "/x")).hasMessageContaining("printed no hash for '/x'");
    }
}
