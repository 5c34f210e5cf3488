package dirsync.sync;

import static dirsync.testing.OpenSshTrees.AHEAD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.fs.Cancellation;
import dirsync.fs.RelPath;
import dirsync.fs.sftp.SftpTree;
import dirsync.testing.OpenSshTrees;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Moves over SFTP to a real OpenSSH server: its plain RENAME, which never replaces what the new name holds. */
class MovesOverOpenSshTest {


    @RegisterExtension
    final OpenSshTrees ssh = new OpenSshTrees();

    @Test
    void aRenamedDirectoryAndAMovedFileAreRenamedOnTheServerNotCopied() throws Exception {
        ssh.src().file("photos/2024/a.jpg", "aaa").file("photos/b.jpg", "bb").file("notes/x", "x");
        Synchronizer mirror = ssh.mirror(ssh.tree(), Clock.systemUTC());
        assertThat(mirror.runPass(Cancellation.NEVER).errors()).isZero();
        Files.move(ssh.source().resolve("photos"), ssh.source().resolve("pictures"));
        Files.move(ssh.source().resolve("notes/x"), ssh.source().resolve("pictures/x"));

        PassSummary summary = mirror.runPass(Cancellation.NEVER);

        assertThat(summary.errors()).isZero();
        assertThat(summary.count(Operation.MOVED)).isEqualTo(2);
        assertThat(summary.bytesCopied()).isZero();
        Trees.assertSameTree(ssh.source(), ssh.replica(), Trees.Detail.WHOLE_SECONDS);
    }

    @Test
    void theFilesOfARenamedDirectoryVerifiedBeforeAreNotHashedInThePassThatMovesThem() throws Exception {
        Synchronizer mirror = mirroredPhotos();
        Files.move(ssh.source().resolve("photos"), ssh.source().resolve("pictures"));

        PassSummary summary = mirror.runPass(Cancellation.NEVER);

        assertThat(summary.errors()).isZero();
        assertThat(summary.count(Operation.MOVED)).isEqualTo(1);
        assertThat(mirror.progress().snapshot().bytesHashed()).isZero();
        Trees.assertSameTree(ssh.source(), ssh.replica(), Trees.Detail.WHOLE_SECONDS);
    }

    @Test
    void theFilesOfARenamedDirectoryAreNotHashedInThePassAfterTheMoveEither() throws Exception {
        Synchronizer mirror = mirroredPhotos();
        Files.move(ssh.source().resolve("photos"), ssh.source().resolve("pictures"));
        assertThat(mirror.runPass(Cancellation.NEVER).count(Operation.MOVED)).isEqualTo(1);

        PassSummary summary = mirror.runPass(Cancellation.NEVER);

        assertThat(summary.errors()).isZero();
        assertThat(mirror.progress().snapshot().bytesHashed()).isZero();
    }

    @Test
    void aFileRewrittenOnTheServerInARenamedDirectoryIsHashedAndRepaired() throws Exception {
        Synchronizer mirror = mirroredPhotos();
        Files.writeString(ssh.replica().resolve("photos/b.jpg"), "BB"); // same size; the write moves the time to now
        Files.move(ssh.source().resolve("photos"), ssh.source().resolve("pictures"));

        PassSummary summary = mirror.runPass(Cancellation.NEVER);

        assertThat(summary.count(Operation.MOVED)).isEqualTo(1);
        assertThat(summary.count(Operation.UPDATED)).isEqualTo(1);
        Trees.assertSameTree(ssh.source(), ssh.replica(), Trees.Detail.WHOLE_SECONDS);
    }

    /** A mirror of photos/ whose pairs were copied, then verified by a pass that hashed nothing. */
    private Synchronizer mirroredPhotos() throws Exception {
        Instant past = Instant.parse("2025-01-01T00:00:00Z"); // a rewrite now is another second
        ssh.src().file("photos/2024/a.jpg", "aaa").file("photos/b.jpg", "bb")
                .mtime("photos/2024/a.jpg", past).mtime("photos/b.jpg", past);
        Synchronizer mirror = ssh.mirror(ssh.tree(), AHEAD);
        assertThat(mirror.runPass(Cancellation.NEVER).errors()).isZero();
        assertThat(mirror.runPass(Cancellation.NEVER).errors()).isZero();
        assertThat(mirror.progress().snapshot().bytesHashed()).isZero();
        return mirror;
    }

    @Test
    void aRenameOntoAnExistingNameIsRefusedAndChangesNothing() throws Exception {
        Trees.at(ssh.replica()).file("a", "first").file("b", "second");
        SftpTree tree = ssh.tree();

        assertThatThrownBy(() -> tree.features().renames().orElseThrow().rename(RelPath.of("a"), RelPath.of("b")))
                .isInstanceOf(IOException.class);

        assertThat(ssh.replica().resolve("a")).hasContent("first");
        assertThat(ssh.replica().resolve("b")).hasContent("second");
    }
}
