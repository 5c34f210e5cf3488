package dirsync.sync;

import static dirsync.testing.OpenSshTrees.AHEAD;
import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.sftp.OwnersCarried;
import dirsync.fs.sftp.SftpTree;
import dirsync.testing.EmbeddedSftpServer;
import dirsync.testing.OpenSshTrees;
import dirsync.testing.Trees;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Owners, groups and the setuid, setgid and sticky bits over SFTP, by the local rule (cp -a's): to a real OpenSSH
 * server logged in as root, every entry gets the source's numeric owner and group and all twelve mode bits; to a
 * server where the session's account cannot be read (MINA's, with a virtual root), nothing of owners is carried or
 * compared, as before.
 */
class OwnersOverOpenSshTest {

    private static final Instant LAST_YEAR = Instant.parse("2025-03-04T05:06:07Z");

    @RegisterExtension
    final OpenSshTrees ssh = new OpenSshTrees();

    @RegisterExtension
    static final EmbeddedSftpServer MINA = new EmbeddedSftpServer();

    @BeforeEach
    void layOut() throws Exception {
        ssh.src().file("theirs", "owned by someone else").owner("theirs", 1234, 5678)
                .file("bin/setuid", "#!/bin/sh").owner("bin/setuid", 1234, 5678).modeBits("bin/setuid", 04755)
                .file("bin/setgid", "#!/bin/sh").owner("bin/setgid", 0, 5678).modeBits("bin/setgid", 02755)
                .dir("shared").owner("shared", 4321, 8765).modeBits("shared", 02775)
                .dir("tmp").modeBits("tmp", 01777)
                .link("link", "theirs").owner("link", 2345, 6789)
                .mtime("shared", LAST_YEAR).mtime("tmp", LAST_YEAR).mtime("bin", LAST_YEAR).mtime("link", LAST_YEAR);
    }

    private PassSummary sync(SftpTree tree) {
        return ssh.sync(tree, AHEAD);
    }

    @Test
    void asRootEveryEntryGetsTheSourcesOwnerGroupAndAllTwelveModeBits() throws Exception {
        PassSummary first = sync(ssh.tree());

        assertThat(first.errors()).isZero();
        Trees.assertSameTree(ssh.source(), ssh.replica(), Trees.Detail.OWNERS, Trees.Detail.WHOLE_SECONDS);
        assertThat(Trees.owners(ssh.replica().resolve("bin/setuid"))).isEqualTo(" uid=1234 gid=5678 mode=4755");
        assertThat(sync(ssh.tree()).changes()).as("a second pass changes nothing").isZero();
    }

    @Test
    void anOwnerOnlyChangeIsCarriedWithoutACopyAndKeepsTheSpecialBits() throws Exception {
        assertThat(sync(ssh.tree()).errors()).isZero();
        ssh.src().owner("theirs", 1111, 2222).owner("bin/setuid", 3333, 4444).modeBits("bin/setuid", 04755)
                .owner("shared", 3333, 4444).modeBits("shared", 02775).owner("link", 5555, 6666);

        PassSummary summary = sync(ssh.tree());

        assertThat(summary.errors()).isZero();
        assertThat(summary.count(Operation.ATTRIBUTES)).isEqualTo(4);
        assertThat(summary.bytesCopied()).isZero();
        Trees.assertSameTree(ssh.source(), ssh.replica(), Trees.Detail.OWNERS, Trees.Detail.WHOLE_SECONDS);
        assertThat(Trees.owners(ssh.replica().resolve("bin/setuid"))).isEqualTo(" uid=3333 gid=4444 mode=4755");
    }

    @Test
    void withNoOwnerANewFileBelongsToTheLoginAndGetsTheSourcesGroup() throws Exception {
        OwnersCarried noOwner = new OwnersCarried(false, true);

        assertThat(sync(ssh.tree(noOwner)).errors()).isZero();

        assertThat(Trees.owners(ssh.replica().resolve("theirs"))).isEqualTo(" uid=0 gid=5678 mode=0644");
        assertThat(Trees.owners(ssh.replica().resolve("bin/setuid"))).as("no setuid on the login's copy")
                .isEqualTo(" uid=0 gid=5678 mode=0755");
        assertThat(Trees.owners(ssh.replica().resolve("shared")))
                .as("no setgid either: the owners are not the source's").isEqualTo(" uid=0 gid=8765 mode=0775");
        assertThat(sync(ssh.tree(noOwner)).changes()).as("owners are not compared").isZero();
    }

    @Test
    void withNoGroupANewFileGetsTheSourcesOwnerAndTheGroupTheServerGaveIt() throws Exception {
        OwnersCarried noGroup = new OwnersCarried(true, false);

        assertThat(sync(ssh.tree(noGroup)).errors()).isZero();

        assertThat(Trees.owners(ssh.replica().resolve("theirs"))).isEqualTo(" uid=1234 gid=0 mode=0644");
        assertThat(Trees.owners(ssh.replica().resolve("bin/setgid"))).as("no setgid on a group not the source's")
                .isEqualTo(" uid=0 gid=0 mode=0755");
        assertThat(sync(ssh.tree(noGroup)).changes()).as("groups are not compared").isZero();
    }

    @Test
    void aServerNotKnownToKeepSpecialBitsGetsOwnersButNoSpecialBitsAndIsNotComparedByThem() throws Exception {
        // MINA's server, run by this JVM as root on the real file system: it chowns, and keeps nine mode bits only.
        SftpTree mina = SftpTree.over(MINA.newClient(), ssh.replica().toString(), "mina");

        assertThat(sync(mina).errors()).isZero();

        Trees.assertSameTree(ssh.source(), ssh.replica(), Trees.Detail.WHOLE_SECONDS);
        assertThat(Trees.owners(ssh.replica().resolve("theirs"))).isEqualTo(" uid=1234 gid=5678 mode=0644");
        assertThat(Trees.owners(ssh.replica().resolve("bin/setuid"))).isEqualTo(" uid=1234 gid=5678 mode=0755");
        assertThat(Trees.owners(ssh.replica().resolve("tmp"))).isEqualTo(" uid=0 gid=0 mode=0777");
        assertThat(sync(SftpTree.over(MINA.newClient(), ssh.replica().toString(), "mina")).changes())
                .as("special bits are not compared where they are not kept").isZero();
    }
}
