package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.fs.local.LocalTree;
import dirsync.fs.sftp.SftpTree;
import dirsync.testing.EmbeddedSftpServer;
import dirsync.testing.LogCapture;
import dirsync.testing.MinaSessions;
import dirsync.testing.OpenSshServer;
import dirsync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names that are not UTF-8 over SFTP: sent as their bytes to a server that keeps them (OpenSSH), listed and deleted
 * by them; refused, with the entry named, by a server that would store another name (MINA's).
 */
class ByteNamesOverSftpTest {

    private static final Clock AHEAD = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(10));
    private static final byte[] FILE = {'c', 'a', 'f', (byte) 0xE9};
    private static final byte[] DIR = {'d', 'i', 'r', (byte) 0xFF, '\n'};
    private static final byte[] LINK = {'l', 'i', 'n', 'k', (byte) 0xC3};
    private static final byte[] TARGET = {'t', 'o', (byte) 0xE9};

    @RegisterExtension
    final OpenSshServer sshd = new OpenSshServer();

    @RegisterExtension
    final MinaSessions sessions = new MinaSessions(sshd);

    @RegisterExtension
    static final EmbeddedSftpServer MINA = new EmbeddedSftpServer();

    @TempDir
    Path temp;

    private Path source;
    private Path replica;

    @BeforeEach
    void layOut() throws Exception {
        source = Files.createDirectory(temp.resolve("source"));
        replica = temp.resolve("replica");
        Files.writeString(Trees.child(source, FILE), "latin-1 name");
        Path dir = Files.createDirectory(Trees.child(source, DIR));
        Files.writeString(Trees.child(dir, FILE), "inside");
        Files.createSymbolicLink(Trees.child(source, LINK), Trees.child(source, TARGET).getFileName());
        Files.writeString(source.resolve("plain"), "ascii");
    }

    private SftpTree openSsh() throws Exception {
        return sessions.tree(replica);
    }

    private PassSummary sync(SftpTree tree) {
        return new Synchronizer(LocalTree.at(source), tree, SyncOptions.defaults(), AHEAD).runPass(Cancellation.NEVER);
    }

    @Test
    void namesThatAreNotUtf8AreCreatedListedAndDeletedByTheirBytesOnOpenSsh() throws Exception {
        PassSummary first = sync(openSsh());

        assertThat(first.errors()).isZero();
        assertThat(Trees.child(replica, FILE)).hasContent("latin-1 name");
        assertThat(Trees.child(Trees.child(replica, DIR), FILE)).hasContent("inside");
        assertThat(Files.readSymbolicLink(Trees.child(replica, LINK))).isEqualTo(Trees.child(source, TARGET)
                .getFileName());
        Trees.assertSameTree(source, replica, Trees.Detail.WHOLE_SECONDS);
        try (var listed = Files.list(replica)) {
            assertThat(listed.count()).as("no probe or temporary entry left").isEqualTo(4);
        }
        assertThat(sync(openSsh()).changes()).as("listed by the same bytes: nothing to do").isZero();

        Files.delete(Trees.child(source, FILE));
        Trees.deleteRecursively(Trees.child(source, DIR));
        PassSummary deleted = sync(openSsh());

        assertThat(deleted.errors()).isZero();
        assertThat(Files.exists(Trees.child(replica, FILE), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(Trees.child(replica, DIR), LinkOption.NOFOLLOW_LINKS)).isFalse();
        Trees.assertSameTree(source, replica, Trees.Detail.WHOLE_SECONDS);
    }

    @Test
    void aServerThatWouldChangeTheNamesRefusesThemClearlyAndCreatesNothingElse() throws Exception {
        PassSummary pass;
        try (LogCapture log = new LogCapture()) {
            pass = sync(SftpTree.over(MINA.newClient(), replica.toString(), "mina"));

            assertThat(log.errors()).anySatisfy(line -> assertThat(line).contains("not valid UTF-8")
                    .contains("63 61 66 e9").contains("would store it under another name"));
        }
        assertThat(pass.errors()).isEqualTo(3);
        try (var listed = Files.list(replica)) {
            assertThat(listed.map(path -> path.getFileName().toString())).containsExactly("plain");
        }
    }
}
