package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.fs.Md5;
import dirsync.fs.Progress;
import dirsync.fs.RelPath;
import dirsync.testing.OpenSshServer;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real OpenSSH server that runs SFTP alone ({@code ForceCommand internal-sftp}): no command runs, so the replica
 * is listed with READDIR and its files are read over SFTP to hash them, with the same results.
 */
class BatchedTreeWithoutCommandsTest {

    @RegisterExtension
    final OpenSshServer sshd = new OpenSshServer().withConfig("ForceCommand internal-sftp");

    @TempDir
    java.nio.file.Path temp;

    private RemoteReplica replica;

    @AfterEach
    void disconnect() {
        if (replica != null) {
            replica.disconnect();
        }
    }

    @Test
    void aServerThatRunsOnlySftpIsListedByReaddirAndItsFilesAreReadToHashThem() throws Exception {
        replica = BatchedTreeTest.replicaAt(sshd, BatchedTreeTest.awkwardTree(temp));
        RemoteReplica.Connection connection = replica.connect();
        replica.beginPass();

        assertThat(connection.commands()).isEqualTo(ServerCommands.NONE);
        assertThat(connection.serverHashing()).isFalse();
        assertThat(replica.list(RelPath.ROOT)).isEqualTo(connection.tree().list(RelPath.ROOT));
        assertThat(replica.list(RelPath.ROOT).entries()).hasSize(10);
        for (Map.Entry<byte[], String> file : BatchedTreeTest.FILES.entrySet()) {
            byte[] hash = replica.md5(BatchedTreeTest.path(file.getKey()), new Md5(new Progress()),
                    Cancellation.NEVER);
            assertThat(HexFormat.of().formatHex(hash)).isEqualTo(BatchedTreeTest.md5(file.getValue()));
        }
        assertThat(sshd.log()).as("the probe met the forced SFTP server").contains("forced-command");
    }
}
