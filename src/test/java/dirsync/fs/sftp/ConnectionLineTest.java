package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The start's one line of what a real OpenSSH server offers: how hard links are made, or that they are not. */
class ConnectionLineTest {

    @RegisterExtension
    final dirsync.testing.OpenSshServer sshd = new dirsync.testing.OpenSshServer();

    @TempDir
    Path temp;

    private String lineOfTheConnection() throws Exception {
        RemoteReplica replica = BatchedTreeTest.replicaAt(sshd, Files.createDirectories(temp.resolve("replica")));
        try {
            return replica.connect().offers();
        } finally {
            replica.disconnect();
        }
    }

    @Test
    void theLineSaysHardLinksAreMadeWithTheServersExtension() throws Exception {
        assertThat(lineOfTheConnection()).endsWith(", hard links made with hardlink@openssh.com");
    }

    @Test
    void theLineOfAServerWithoutTheExtensionSaysEachNameIsACopy() throws Exception {
        sshd.restartWith("Subsystem sftp internal-sftp -P hardlink");

        assertThat(lineOfTheConnection())
                .endsWith(", no hard links (no hardlink@openssh.com: each name of a file is a copy of its own)");
    }
}
