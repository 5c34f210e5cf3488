package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.fs.local.LocalTree;
import dirsync.sync.PassSummary;
import dirsync.sync.SyncOptions;
import dirsync.sync.Synchronizer;
import dirsync.testing.EmbeddedSftpServer;
import dirsync.testing.LogCapture;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection that drops mid-pass, with the synchronizer writing to a {@link RemoteReplica} on an SFTP server in
 * this process: the pass counts the loss once, whatever was under way when it came, and the next pass reconnects.
 */
class RemoteReplicaLossTest {

    @RegisterExtension
    static final EmbeddedSftpServer SERVER = new EmbeddedSftpServer();

    @TempDir
    Path home;
    @TempDir
    Path temp;

    private Path keyFile;

    @BeforeEach
    void knowTheServer() throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/known_hosts"), SERVER.knownHostsLine() + "\n");
        KeyPair key = SshTestKeys.ed25519();
        SERVER.authorize(key.getPublic());
        keyFile = SshTestKeys.writePrivateKey(home.resolve("keys/k"), key, null);
    }

    /** A replica at {@code dir} that connects as a run does, without a lock (not what this test is about). */
    private RemoteReplica replicaAt(Path dir) throws IOException {
        SftpLocation where = SftpLocation.parse("sftp://tester@127.0.0.1:" + SERVER.port() + dir);
        SshOptions options = SshOptions.defaults(home).withKeyFile(keyFile);
        return new RemoteReplica(where, new RemoteReplica.Connecting() {
            @Override
            public RemoteConnection connect() throws IOException {
                return new SshConnector().connect(where, options);
            }

            @Override
            public void lock(SftpClient client) {
            }
        }, (connection, first) -> { });
    }

    @Test
    void aConnectionDroppedWithCopiesUnderWayAndDirectoriesWaitingIsOneErrorAndTheNextPassCompletesTheReplica()
            throws Exception {
        // 60 directories of 10 files: when the connection drops, 16 copies run at once on 6 channels, more are
        // queued, and the directories the walk has left wait for their copies and then their attributes.
        Path source = temp.resolve("source");
        Trees.Builder src = Trees.at(source);
        for (int i = 0; i < 600; i++) {
            src.file("d" + (i % 60) + "/f" + i, "content " + i);
        }
        Path replicaDir = Files.createDirectories(temp.resolve("replica"));
        RemoteReplica replica = replicaAt(replicaDir);
        Synchronizer synchronizer = new Synchronizer(LocalTree.at(source), replica, SyncOptions.defaults());
        SERVER.dropSessionAtOpen(100);

        PassSummary lost;
        List<String> errors;
        try (LogCapture log = new LogCapture()) {
            lost = synchronizer.runPass(Cancellation.NEVER);
            errors = log.errors();
        }

        assertThat(lost.completed()).isFalse();
        assertThat(lost.errors()).as("errors: %s", errors).isEqualTo(1);
        assertThat(errors).singleElement().asString().matches("lost the connection to the replica: the "
                + "connection to " + Pattern.quote("tester@127.0.0.1:" + SERVER.port()) + " was lost: \\S.*");
        assertThat(lost.count(dirsync.sync.Operation.COPIED)).isLessThan(600);

        PassSummary next = synchronizer.runPass(Cancellation.NEVER);

        assertThat(next.errors()).isZero();
        assertThat(next.completed()).isTrue();
        Trees.assertSameTree(source, replicaDir, Trees.Detail.WHOLE_SECONDS);
        replica.disconnect();
    }
}
