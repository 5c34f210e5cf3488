package dirsync.sync;

import static dirsync.testing.OpenSshTrees.AHEAD;
import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.testing.OpenSshTrees;
import dirsync.testing.SourceWrittenWhileRead;
import dirsync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a pass copies to a real OpenSSH server is a verified pair of the hash memory: the pass (and the run) after a
 * copy reads nothing back over the network, and a rewrite on the server since is still caught.
 */
class LearnedAtCopyOverSftpTest {

    private static final Instant LAST_YEAR = Instant.parse("2025-01-01T00:00:00Z");

    @RegisterExtension
    final OpenSshTrees ssh = new OpenSshTrees();

    @BeforeEach
    void layOut() throws Exception {
        // "d/b" has a time finer than the second SFTP v3 carries: its copy's is cut to the second.
        ssh.src().file("a", "alpha").file("d/b", "beta").mtime("a", LAST_YEAR)
                .mtime("d/b", LAST_YEAR.plusNanos(123_456_789));
    }

    private Synchronizer mirror() throws Exception {
        return ssh.mirror(ssh.tree(), AHEAD);
    }

    private static long hashed(Synchronizer mirror) {
        PassSummary summary = mirror.runPass(Cancellation.NEVER);
        assertThat(summary.errors()).isZero();
        return mirror.progress().snapshot().bytesHashed();
    }

    @Test
    void thePassAfterACopyReadsNothingBack() throws Exception {
        Synchronizer mirror = mirror();
        PassSummary copy = mirror.runPass(Cancellation.NEVER);

        long next = hashed(mirror);

        assertThat(copy.count(Operation.COPIED)).isEqualTo(2);
        assertThat(next).isZero();
        Trees.assertSameTree(ssh.source(), ssh.replica(), Trees.Detail.WHOLE_SECONDS);
    }

    /**
     * The same through the replica a run uses, whose copies take their names after one sync command for many (the
     * server runs commands): what the pass copied is learned once renamed, and the next pass reads nothing back.
     */
    /** Files enough that some are group-committed: a pass's first 32 copies are installed alone (GroupInstall). */
    private static final int MORE_THAN_ALONE_FIRST = 40;

    @Test
    void thePassAfterAGroupCommittedCopyReadsNothingBack() throws Exception {
        ssh.src().file("d/c", "gamma").file("e/f", "delta");
        for (int i = 0; i < MORE_THAN_ALONE_FIRST; i++) { // a pass's first 32 copies are installed alone
            ssh.src().file("g/n" + i, "n" + i);
        }
        Files.createDirectories(ssh.replica()); // listed by a find, as the pass's first listing of the root
        dirsync.fs.sftp.SftpLocation where = dirsync.fs.sftp.SftpLocation.parse(ssh.server().uri(ssh.replica()));
        dirsync.fs.sftp.SshOptions options = dirsync.fs.sftp.SshOptions.defaults(ssh.server().home())
                .withKeyFile(ssh.server().clientKey());
        dirsync.fs.sftp.RemoteReplica remote = new dirsync.fs.sftp.RemoteReplica(where,
                new dirsync.fs.sftp.RemoteReplica.Connecting() {
                    @Override
                    public dirsync.fs.sftp.RemoteConnection connect() throws java.io.IOException {
                        return new dirsync.fs.sftp.SshConnector().connect(where, options);
                    }

                    @Override
                    public void lock(org.apache.sshd.sftp.client.SftpClient client) {
                    }
                }, (connection, first) -> { });
        try {
            assertThat(remote.features().groupCommit()).isPresent();
            Synchronizer mirror = ssh.mirror(remote, AHEAD);
            long commands = ssh.server().commandsStarted();
            PassSummary copy = mirror.runPass(Cancellation.NEVER);
            long copyCommands = ssh.server().commandsStarted() - commands;

            long next = hashed(mirror);

            assertThat(copy.errors()).isZero();
            assertThat(copy.count(Operation.COPIED)).isEqualTo(4 + MORE_THAN_ALONE_FIRST);
            assertThat(copyCommands).as("the probe with the find, and a sync (or a few)").isGreaterThanOrEqualTo(2);
            assertThat(next).isZero();
            Trees.assertSameTree(ssh.source(), ssh.replica(), Trees.Detail.WHOLE_SECONDS);
        } finally {
            remote.disconnect();
        }
    }

    @Test
    void theRunAfterACopyReadsNothingBack() throws Exception {
        Synchronizer copying = mirror();
        hashed(copying);
        Synchronizer next = mirror();

        assertThat(next.importHashMemory(copying.exportHashMemory())).isTrue();

        assertThat(hashed(next)).isZero();
    }

    @Test
    void aReplicaFileRewrittenOnTheServerAfterItsCopyIsCaught() throws Exception {
        Synchronizer mirror = mirror();
        hashed(mirror);
        Files.writeString(ssh.replica().resolve("a"), "ALPHA"); // the same size; the write moves the time to now

        PassSummary repair = mirror.runPass(Cancellation.NEVER);

        assertThat(repair.count(Operation.UPDATED)).isEqualTo(1);
        assertThat(ssh.replica().resolve("a")).hasContent("alpha");
    }

    /**
     * A copy made as read while its source was rewritten (the same size and time: only the change time tells) holds
     * what the source had before; the memory must not take it for a verified pair, so the next pass, the source
     * holding still, updates it (as locally, LearnedAtCopyTest).
     */
    @Test
    void aCopyMadeAsReadWhileItsSourceChangedIsNotTrusted() throws Exception {
        java.nio.file.Path a = ssh.source().resolve("a");
        int[] round = {0};
        SourceWrittenWhileRead source = SourceWrittenWhileRead.over(ssh.source(), "a").whileRead(() ->
                Files.setLastModifiedTime(Files.writeString(a, "ALPH" + round[0]++ % 10), FileTime.from(LAST_YEAR)));
        Synchronizer mirror = new Synchronizer(source, ssh.tree(), SyncOptions.defaults().withCopyUnsettled(true),
                AHEAD);
        for (int pass = 1; pass <= Unsettled.PASSES; pass++) {
            mirror.runPass(Cancellation.NEVER);
        }
        assertThat(ssh.replica().resolve("a")).as("copied as read in the last pass").hasContent("ALPH1");
        source.leftAlone(); // the source, "ALPH2", holds still from now on

        PassSummary next = mirror.runPass(Cancellation.NEVER);

        assertThat(next.count(Operation.UPDATED)).isEqualTo(1);
        Trees.assertSameTree(ssh.source(), ssh.replica(), Trees.Detail.WHOLE_SECONDS);
    }
}
