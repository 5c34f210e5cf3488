package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.fs.Cancellation;
import dirsync.fs.RelPath;
import dirsync.fs.local.LocalTree;
import dirsync.fs.sftp.SftpTree;
import dirsync.testing.MinaSessions;
import dirsync.testing.OpenSshServer;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Moves over SFTP to a real OpenSSH server: its plain RENAME, which never replaces what the new name holds. */
class MovesOverOpenSshTest {

    /** Ten seconds ahead: files the test writes count as settled, not as changed "just now". */
    private static final Clock AHEAD = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(10));

    @RegisterExtension
    final OpenSshServer sshd = new OpenSshServer();

    @RegisterExtension
    final MinaSessions sessions = new MinaSessions(sshd);

    @TempDir
    Path temp;

    private Path source;
    private Path replica;

    @BeforeEach
    void layOut() throws Exception {
        source = Files.createDirectory(temp.resolve("source"));
        replica = temp.resolve("replica");
    }

    private SftpTree tree() throws Exception {
        return sessions.tree(replica);
    }

    @Test
    void aRenamedDirectoryAndAMovedFileAreRenamedOnTheServerNotCopied() throws Exception {
        Trees.at(source).file("photos/2024/a.jpg", "aaa").file("photos/b.jpg", "bb").file("notes/x", "x");
        Synchronizer mirror = new Synchronizer(LocalTree.at(source), tree(), SyncOptions.defaults());
        assertThat(mirror.runPass(Cancellation.NEVER).errors()).isZero();
        Files.move(source.resolve("photos"), source.resolve("pictures"));
        Files.move(source.resolve("notes/x"), source.resolve("pictures/x"));

        PassSummary summary = mirror.runPass(Cancellation.NEVER);

        assertThat(summary.errors()).isZero();
        assertThat(summary.count(Operation.MOVED)).isEqualTo(2);
        assertThat(summary.bytesCopied()).isZero();
        Trees.assertSameTree(source, replica, Trees.Detail.WHOLE_SECONDS);
    }

    @Test
    void theFilesOfARenamedDirectoryVerifiedBeforeAreNotHashedInThePassThatMovesThem() throws Exception {
        Synchronizer mirror = mirroredPhotos();
        Files.move(source.resolve("photos"), source.resolve("pictures"));

        PassSummary summary = mirror.runPass(Cancellation.NEVER);

        assertThat(summary.errors()).isZero();
        assertThat(summary.count(Operation.MOVED)).isEqualTo(1);
        assertThat(mirror.progress().snapshot().bytesHashed()).isZero();
        Trees.assertSameTree(source, replica, Trees.Detail.WHOLE_SECONDS);
    }

    @Test
    void theFilesOfARenamedDirectoryAreNotHashedInThePassAfterTheMoveEither() throws Exception {
        Synchronizer mirror = mirroredPhotos();
        Files.move(source.resolve("photos"), source.resolve("pictures"));
        assertThat(mirror.runPass(Cancellation.NEVER).count(Operation.MOVED)).isEqualTo(1);

        PassSummary summary = mirror.runPass(Cancellation.NEVER);

        assertThat(summary.errors()).isZero();
        assertThat(mirror.progress().snapshot().bytesHashed()).isZero();
    }

    @Test
    void aFileRewrittenOnTheServerInARenamedDirectoryIsHashedAndRepaired() throws Exception {
        Synchronizer mirror = mirroredPhotos();
        Files.writeString(replica.resolve("photos/b.jpg"), "BB"); // same size; the write moves the time to now
        Files.move(source.resolve("photos"), source.resolve("pictures"));

        PassSummary summary = mirror.runPass(Cancellation.NEVER);

        assertThat(summary.count(Operation.MOVED)).isEqualTo(1);
        assertThat(summary.count(Operation.UPDATED)).isEqualTo(1);
        Trees.assertSameTree(source, replica, Trees.Detail.WHOLE_SECONDS);
    }

    /** A mirror of photos/ whose pairs were copied, then verified by a pass that hashed nothing. */
    private Synchronizer mirroredPhotos() throws Exception {
        Instant past = Instant.parse("2025-01-01T00:00:00Z"); // a rewrite now is another second
        Trees.at(source).file("photos/2024/a.jpg", "aaa").file("photos/b.jpg", "bb")
                .mtime("photos/2024/a.jpg", past).mtime("photos/b.jpg", past);
        Synchronizer mirror = new Synchronizer(LocalTree.at(source), tree(), SyncOptions.defaults(), AHEAD);
        assertThat(mirror.runPass(Cancellation.NEVER).errors()).isZero();
        assertThat(mirror.runPass(Cancellation.NEVER).errors()).isZero();
        assertThat(mirror.progress().snapshot().bytesHashed()).isZero();
        return mirror;
    }

    @Test
    void aRenameOntoAnExistingNameIsRefusedAndChangesNothing() throws Exception {
        Trees.at(replica).file("a", "first").file("b", "second");
        SftpTree tree = tree();

        assertThatThrownBy(() -> tree.features().renames().orElseThrow().rename(RelPath.of("a"), RelPath.of("b")))
                .isInstanceOf(IOException.class);

        assertThat(replica.resolve("a")).hasContent("first");
        assertThat(replica.resolve("b")).hasContent("second");
    }
}
