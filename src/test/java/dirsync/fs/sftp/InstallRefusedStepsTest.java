package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.fs.Cancellation;
import dirsync.fs.Md5;
import dirsync.fs.Progress;
import dirsync.fs.RelPath;
import dirsync.fs.Work;
import dirsync.fs.local.LocalTree;
import dirsync.testing.OpenSshServer;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A copy over a real OpenSSH server whose sftp-server refuses one of the requests a copy sends on its train
 * ({@code internal-sftp -P}: a write, FSETSTAT or CLOSE is answered PERMISSION_DENIED, and the server goes on with
 * the next ones; a refused extension, fsync or posix-rename, is not offered at all): the replaced file keeps its old
 * content, a new one never appears, and no temporary file is left. (A refused fsync or rename answered on the train:
 * {@code SftpTreeTest}, on MINA's server.)
 */
class InstallRefusedStepsTest {

    @RegisterExtension
    final OpenSshServer sshd = new OpenSshServer();

    @TempDir
    Path temp;

    private RemoteReplica replica;

    @AfterEach
    void disconnect() {
        if (replica != null) {
            replica.disconnect();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"write", "fsetstat", "fsync", "close", "posix-rename"})
    void noNameShowsAnythingButItsOldContentAndNoTemporaryFileIsLeft(String refused) throws Exception {
        sshd.restartWith("ForceCommand internal-sftp -l VERBOSE -P " + refused);
        Path source = Files.createDirectories(temp.resolve("source"));
        Path root = Files.createDirectories(temp.resolve("replica"));
        byte[] big = new byte[PipelinedWrite.CHUNK * (PipelinedWrite.IN_FLIGHT + 3) + 17];
        java.util.Arrays.fill(big, (byte) 'n');
        Files.write(source.resolve("old"), big);
        Files.writeString(source.resolve("new"), "a new file");
        Files.writeString(root.resolve("old"), "the old content");
        replica = BatchedTreeTest.replicaAt(sshd, root);
        replica.connect();
        replica.beginPass();
        LocalTree tree = LocalTree.at(source);

        for (String name : List.of("old", "new")) {
            RelPath rel = RelPath.of(name);
            assertThatThrownBy(() -> replica.installFile(tree, rel, tree.examine(rel), null, work()))
                    .as(name).isInstanceOf(refused.contains("-") || refused.equals("fsync")
                            ? IOException.class : AccessDeniedException.class)
                    .hasMessageContaining(refused.contains("-") || refused.equals("fsync")
                            ? "does not offer " + refused : ".dirsync-");
        }

        assertThat(Files.readString(root.resolve("old"))).isEqualTo("the old content");
        assertThat(names(root)).containsExactly("old");
    }

    @Test
    void withNothingRefusedTheSameCopiesAreInstalled() throws Exception {
        sshd.restartWith("ForceCommand internal-sftp");
        Path source = Files.createDirectories(temp.resolve("source"));
        Path root = Files.createDirectories(temp.resolve("replica"));
        Files.writeString(source.resolve("old"), "new content");
        Files.writeString(root.resolve("old"), "the old content");
        replica = BatchedTreeTest.replicaAt(sshd, root);
        replica.connect();
        replica.beginPass();
        LocalTree tree = LocalTree.at(source);

        replica.installFile(tree, RelPath.of("old"), tree.examine(RelPath.of("old")), null, work());

        assertThat(Files.readString(root.resolve("old"))).isEqualTo("new content");
        assertThat(names(root)).containsExactly("old");
    }

    static Work work() {
        return new Work(Cancellation.NEVER, new Md5(), new Progress());
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(entry -> entry.getFileName().toString()).sorted().toList();
        }
    }
}
