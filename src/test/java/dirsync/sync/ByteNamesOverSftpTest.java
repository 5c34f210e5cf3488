package dirsync.sync;

import static dirsync.testing.OpenSshTrees.AHEAD;
import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.sftp.SftpTree;
import dirsync.testing.EmbeddedSftpServer;
import dirsync.testing.LogCapture;
import dirsync.testing.OpenSshTrees;
import dirsync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Names that are not UTF-8 over SFTP: sent as their bytes to a server that keeps them (OpenSSH), listed and deleted
 * by them; refused, with the entry named, by a server that would store another name (MINA's).
 */
class ByteNamesOverSftpTest {

    private static final byte[] FILE = {'c', 'a', 'f', (byte) 0xE9};
    private static final byte[] DIR = {'d', 'i', 'r', (byte) 0xFF, '\n'};
    private static final byte[] LINK = {'l', 'i', 'n', 'k', (byte) 0xC3};
    private static final byte[] TARGET = {'t', 'o', (byte) 0xE9};

    @RegisterExtension
    final OpenSshTrees ssh = new OpenSshTrees();

    @RegisterExtension
    static final EmbeddedSftpServer MINA = new EmbeddedSftpServer();

    @BeforeEach
    void layOut() throws Exception {
        Files.writeString(Trees.child(ssh.source(), FILE), "latin-1 name");
        Path dir = Files.createDirectory(Trees.child(ssh.source(), DIR));
        Files.writeString(Trees.child(dir, FILE), "inside");
        Files.createSymbolicLink(Trees.child(ssh.source(), LINK), Trees.child(ssh.source(), TARGET).getFileName());
        Files.writeString(ssh.source().resolve("plain"), "ascii");
    }

    private PassSummary sync(SftpTree tree) {
        return ssh.sync(tree, AHEAD);
    }

    @Test
    void namesThatAreNotUtf8AreCreatedListedAndDeletedByTheirBytesOnOpenSsh() throws Exception {
        PassSummary first = sync(ssh.tree());

        assertThat(first.errors()).isZero();
        assertThat(Trees.child(ssh.replica(), FILE)).hasContent("latin-1 name");
        assertThat(Trees.child(Trees.child(ssh.replica(), DIR), FILE)).hasContent("inside");
        assertThat(Files.readSymbolicLink(Trees.child(ssh.replica(), LINK))).isEqualTo(Trees.child(ssh.source(), TARGET)
                .getFileName());
        Trees.assertSameTree(ssh.source(), ssh.replica(), Trees.Detail.WHOLE_SECONDS);
        try (var listed = Files.list(ssh.replica())) {
            assertThat(listed.count()).as("no probe or temporary entry left").isEqualTo(4);
        }
        assertThat(sync(ssh.tree()).changes()).as("listed by the same bytes: nothing to do").isZero();

        Files.delete(Trees.child(ssh.source(), FILE));
        Trees.deleteRecursively(Trees.child(ssh.source(), DIR));
        PassSummary deleted = sync(ssh.tree());

        assertThat(deleted.errors()).isZero();
        assertThat(Files.exists(Trees.child(ssh.replica(), FILE), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(Trees.child(ssh.replica(), DIR), LinkOption.NOFOLLOW_LINKS)).isFalse();
        Trees.assertSameTree(ssh.source(), ssh.replica(), Trees.Detail.WHOLE_SECONDS);
    }

    @Test
    void aServerThatWouldChangeTheNamesRefusesThemClearlyAndCreatesNothingElse() throws Exception {
        PassSummary pass;
        try (LogCapture log = new LogCapture()) {
            pass = sync(SftpTree.over(MINA.newClient(), ssh.replica().toString(), "mina"));

            assertThat(log.errors()).anySatisfy(line -> assertThat(line).contains("not valid UTF-8")
                    .contains("63 61 66 e9").contains("would store it under another name"));
        }
        assertThat(pass.errors()).isEqualTo(3);
        try (var listed = Files.list(ssh.replica())) {
            assertThat(listed.map(path -> path.getFileName().toString())).containsExactly("plain");
        }
    }
}
