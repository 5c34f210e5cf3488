package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.fs.local.LocalTree;
import dirsync.fs.sftp.OwnersCarried;
import dirsync.fs.sftp.SftpTree;
import dirsync.testing.EmbeddedSftpServer;
import dirsync.testing.MinaSessions;
import dirsync.testing.OpenSshServer;
import dirsync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owners, groups and the setuid, setgid and sticky bits over SFTP, by the local rule (cp -a's): to a real OpenSSH
 * server logged in as root, every entry gets the source's numeric owner and group and all twelve mode bits; to a
 * server where the session's account cannot be read (MINA's, with a virtual root), nothing of owners is carried or
 * compared, as before.
 */
class OwnersOverOpenSshTest {

    /** Ten seconds ahead: files the test writes count as settled, not as changed "just now". */
    private static final Clock AHEAD = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(10));
    private static final Instant LAST_YEAR = Instant.parse("2025-03-04T05:06:07Z");

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
        Trees.at(source).file("theirs", "owned by someone else").owner("theirs", 1234, 5678)
                .file("bin/setuid", "#!/bin/sh").owner("bin/setuid", 1234, 5678).modeBits("bin/setuid", 04755)
                .file("bin/setgid", "#!/bin/sh").owner("bin/setgid", 0, 5678).modeBits("bin/setgid", 02755)
                .dir("shared").owner("shared", 4321, 8765).modeBits("shared", 02775)
                .dir("tmp").modeBits("tmp", 01777)
                .link("link", "theirs").owner("link", 2345, 6789)
                .mtime("shared", LAST_YEAR).mtime("tmp", LAST_YEAR).mtime("bin", LAST_YEAR).mtime("link", LAST_YEAR);
    }

    private SftpTree openSsh() throws Exception {
        return sessions.tree(replica);
    }

    private SftpTree openSsh(OwnersCarried owners) throws Exception {
        return sessions.tree(replica, owners);
    }

    private PassSummary sync(SftpTree tree) {
        return new Synchronizer(LocalTree.at(source), tree, SyncOptions.defaults(), AHEAD).runPass(Cancellation.NEVER);
    }

    @Test
    void asRootEveryEntryGetsTheSourcesOwnerGroupAndAllTwelveModeBits() throws Exception {
        PassSummary first = sync(openSsh());

        assertThat(first.errors()).isZero();
        Trees.assertSameTree(source, replica, Trees.Detail.OWNERS, Trees.Detail.WHOLE_SECONDS);
        assertThat(Trees.owners(replica.resolve("bin/setuid"))).isEqualTo(" uid=1234 gid=5678 mode=4755");
        assertThat(sync(openSsh()).changes()).as("a second pass changes nothing").isZero();
    }

    @Test
    void anOwnerOnlyChangeIsCarriedWithoutACopyAndKeepsTheSpecialBits() throws Exception {
        assertThat(sync(openSsh()).errors()).isZero();
        Trees.at(source).owner("theirs", 1111, 2222).owner("bin/setuid", 3333, 4444).modeBits("bin/setuid", 04755)
                .owner("shared", 3333, 4444).modeBits("shared", 02775).owner("link", 5555, 6666);

        PassSummary summary = sync(openSsh());

        assertThat(summary.errors()).isZero();
        assertThat(summary.count(Operation.ATTRIBUTES)).isEqualTo(4);
        assertThat(summary.bytesCopied()).isZero();
        Trees.assertSameTree(source, replica, Trees.Detail.OWNERS, Trees.Detail.WHOLE_SECONDS);
        assertThat(Trees.owners(replica.resolve("bin/setuid"))).isEqualTo(" uid=3333 gid=4444 mode=4755");
    }

    @Test
    void withNoOwnerANewFileBelongsToTheLoginAndGetsTheSourcesGroup() throws Exception {
        OwnersCarried noOwner = new OwnersCarried(false, true);

        assertThat(sync(openSsh(noOwner)).errors()).isZero();

        assertThat(Trees.owners(replica.resolve("theirs"))).isEqualTo(" uid=0 gid=5678 mode=0644");
        assertThat(Trees.owners(replica.resolve("bin/setuid"))).as("no setuid on the login's copy")
                .isEqualTo(" uid=0 gid=5678 mode=0755");
        assertThat(Trees.owners(replica.resolve("shared"))).as("no setgid either: the owners are not the source's")
                .isEqualTo(" uid=0 gid=8765 mode=0775");
        assertThat(sync(openSsh(noOwner)).changes()).as("owners are not compared").isZero();
    }

    @Test
    void withNoGroupANewFileGetsTheSourcesOwnerAndTheGroupTheServerGaveIt() throws Exception {
        OwnersCarried noGroup = new OwnersCarried(true, false);

        assertThat(sync(openSsh(noGroup)).errors()).isZero();

        assertThat(Trees.owners(replica.resolve("theirs"))).isEqualTo(" uid=1234 gid=0 mode=0644");
        assertThat(Trees.owners(replica.resolve("bin/setgid"))).as("no setgid on a group not the source's")
                .isEqualTo(" uid=0 gid=0 mode=0755");
        assertThat(sync(openSsh(noGroup)).changes()).as("groups are not compared").isZero();
    }

    @Test
    void aServerNotKnownToKeepSpecialBitsGetsOwnersButNoSpecialBitsAndIsNotComparedByThem() throws Exception {
        // MINA's server, run by this JVM as root on the real file system: it chowns, and keeps nine mode bits only.
        SftpTree mina = SftpTree.over(MINA.newClient(), replica.toString(), "mina");

        assertThat(sync(mina).errors()).isZero();

        Trees.assertSameTree(source, replica, Trees.Detail.WHOLE_SECONDS);
        assertThat(Trees.owners(replica.resolve("theirs"))).isEqualTo(" uid=1234 gid=5678 mode=0644");
        assertThat(Trees.owners(replica.resolve("bin/setuid"))).isEqualTo(" uid=1234 gid=5678 mode=0755");
        assertThat(Trees.owners(replica.resolve("tmp"))).isEqualTo(" uid=0 gid=0 mode=0777");
        assertThat(sync(SftpTree.over(MINA.newClient(), replica.toString(), "mina")).changes())
                .as("special bits are not compared where they are not kept").isZero();
    }
}
