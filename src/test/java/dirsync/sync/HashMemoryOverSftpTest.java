package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.fs.local.LocalTree;
import dirsync.fs.sftp.SftpTree;
import dirsync.testing.EmbeddedSftpServer;
import dirsync.testing.Trees;
import dirsync.testing.TwoTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The verified-hash memory with the replica over SFTP, which has no inode and no change time: a pair is trusted
 * while the source file is in the very state it was verified in and the server reports the replica file with the
 * same size and modification time; a rewrite on the server moves that time, and the pair is hashed again.
 */
class HashMemoryOverSftpTest {

    @RegisterExtension
    static final EmbeddedSftpServer SERVER = new EmbeddedSftpServer();

    @RegisterExtension
    final TwoTrees trees = new TwoTrees();

    /** Ten seconds ahead: files the test writes count as settled, not as changed "just now". */
    private static final Clock AHEAD = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(10));

    private Synchronizer mirror() throws Exception {
        SftpTree replica = SftpTree.over(SERVER.newClient(), trees.replica().toString(),
                "sftp://127.0.0.1" + trees.replica());
        return new Synchronizer(LocalTree.at(trees.source()), replica, SyncOptions.defaults(), AHEAD);
    }

    private static long hashed(Synchronizer mirror) {
        PassSummary summary = mirror.runPass(Cancellation.NEVER);
        assertThat(summary.errors()).isZero();
        return mirror.progress().snapshot().bytesHashed();
    }

    @Test
    void aPairVerifiedOnceIsNotHashedAgainWhileNeitherSideChanges() throws Exception {
        trees.src().file("a", "alpha").file("d/b", "beta").mtime("a", Instant.parse("2025-01-01T00:00:00Z"));
        hashed(mirror()); // copies (and learns them, in a memory this run forgets)
        Synchronizer mirror = mirror();
        long verifying = hashed(mirror);

        long remembered = hashed(mirror);

        assertThat(verifying).isEqualTo(2 * (5 + 4));
        assertThat(remembered).isZero();
    }

    @Test
    void aReplicaFileRewrittenOnTheServerIsHashedAgainAndRepaired() throws Exception {
        trees.src().file("a", "alpha").mtime("a", Instant.parse("2025-01-01T00:00:00Z"));
        Synchronizer mirror = mirror();
        hashed(mirror);
        hashed(mirror);
        Path replicaFile = trees.replica().resolve("a");
        Files.writeString(replicaFile, "ALPHA"); // same size; the write moves the time to now

        PassSummary repair = mirror.runPass(Cancellation.NEVER);

        assertThat(repair.count(Operation.UPDATED)).isEqualTo(1);
        Trees.assertSameTree(trees.source(), trees.replica(), Trees.Detail.WHOLE_SECONDS);
        assertThat(Files.getLastModifiedTime(replicaFile)).isEqualTo(FileTime.from(Instant.parse("2025-01-01T00:00:00Z")));
    }

    @Test
    void theMemoryOfAnSftpReplicaSurvivesForTheNextRun() throws Exception {
        trees.src().file("a", "alpha").mtime("a", Instant.parse("2025-01-01T00:00:00Z"));
        Synchronizer first = mirror();
        hashed(first);
        hashed(first);
        Synchronizer next = mirror();

        assertThat(next.importHashMemory(first.exportHashMemory())).isTrue();

        assertThat(hashed(next)).isZero();
    }
}
