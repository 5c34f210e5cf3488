package dirsync.sync;

import static dirsync.testing.OpenSshTrees.AHEAD;
import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import dirsync.fs.dryrun.DryRunReplica;
import dirsync.fs.sftp.SftpTree;
import dirsync.testing.EmbeddedSftpServer;
import dirsync.testing.OpenSshTrees;
import dirsync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hard links over SFTP: to a real OpenSSH server (hardlink@openssh.com) a later name of a multiply-linked source
 * file is linked, not copied, and the next pass knows the names for one file without an inode; to a server without
 * the extension each name is a copy, as before.
 */
class HardLinksOverSftpTest {

    private static final Instant LAST_YEAR = Instant.parse("2025-03-04T05:06:07Z");

    @RegisterExtension
    final OpenSshTrees ssh = new OpenSshTrees();

    /** MINA's server offering what an install needs, but not hardlink@openssh.com. */
    @RegisterExtension
    static final EmbeddedSftpServer NO_HARDLINK = new EmbeddedSftpServer(
            "posix-rename@openssh.com=1,fsync@openssh.com=1,lsetstat@openssh.com=1");

    @BeforeEach
    void layOut() throws Exception {
        ssh.src().file("store/a", "three names").hardLink("store/b", "store/a").hardLink("other/c", "store/a")
                .file("pair/one", "two names").hardLink("pair/two", "pair/one")
                .file("single", "one name");
    }

    private PassSummary sync(SftpTree tree) {
        return ssh.sync(tree, AHEAD);
    }

    @Test
    void laterNamesAreLinkedNotCopiedAndTheNextPassKnowsThemWithoutAnInode() throws Exception {
        PassSummary first = sync(ssh.tree());

        assertThat(first.errors()).isZero();
        assertThat(first.count(Operation.LINKED)).isEqualTo(3);
        assertThat(first.bytesCopied()).isEqualTo("three names".length() + "two names".length() + "one name".length());
        Trees.assertSameTree(ssh.source(), ssh.replica(), Trees.Detail.HARD_LINKS, Trees.Detail.OWNERS,
                Trees.Detail.WHOLE_SECONDS);
        assertThat(sync(ssh.tree()).changes()).as("a second pass changes nothing").isZero();
        assertThat(Files.getAttribute(ssh.replica().resolve("pair/one"), "lastAccessTime"))
                .as("the check's access time").isEqualTo(FileTime.from(Instant.ofEpochSecond(Integer.MAX_VALUE)));
    }

    @Test
    void aDryRunDoesNotGiveTheCheckItsAccessTime() throws Exception {
        assertThat(sync(ssh.tree()).errors()).isZero();
        Map<String, String> before = Trees.snapshot(ssh.replica(), Trees.Detail.HARD_LINKS, Trees.Detail.OWNERS);

        PassSummary dry = ssh.sync(DryRunReplica.over(ssh.tree()), AHEAD);

        assertThat(dry.errors()).isZero();
        assertThat(Trees.snapshot(ssh.replica(), Trees.Detail.HARD_LINKS, Trees.Detail.OWNERS)).isEqualTo(before);
        for (String name : new String[] {"other/c", "pair/one"}) {
            assertThat(Files.getAttribute(ssh.replica().resolve(name), "lastAccessTime"))
                    .as(name).isNotEqualTo(FileTime.from(Instant.ofEpochSecond(Integer.MAX_VALUE)));
        }
    }

    @Test
    void aNameLinkedInTheSourceAfterwardsIsLinkedInTheReplica() throws Exception {
        Files.delete(ssh.source().resolve("pair/two"));
        ssh.src().file("pair/two", "another file");
        assertThat(sync(ssh.tree()).errors()).isZero();
        Files.delete(ssh.source().resolve("pair/two"));
        ssh.src().hardLink("pair/two", "pair/one");

        PassSummary relinked = sync(ssh.tree());

        assertThat(relinked.errors()).isZero();
        assertThat(relinked.count(Operation.LINKED)).isEqualTo(1);
        assertThat(relinked.bytesCopied()).isZero();
        Trees.assertSameTree(ssh.source(), ssh.replica(), Trees.Detail.HARD_LINKS, Trees.Detail.WHOLE_SECONDS);
        assertThat(sync(ssh.tree()).changes()).isZero();
    }

    @Test
    void twoFilesAlikeInEverythingButTheirInodeAreNeverTakenForOne() throws Exception {
        Trees.at(ssh.replica()).file("x", "same").file("y", "same").file("z", "same").hardLink("w", "x")
                .mtime("x", LAST_YEAR).mtime("y", LAST_YEAR).mtime("z", LAST_YEAR);
        ReplicaFeatures.HardLinking links = ssh.tree().features().hardLinks().orElseThrow();
        SftpTree tree = ssh.tree();

        assertThat(links.sameFile(RelPath.of("x"), tree.examine(RelPath.of("x")).identity(), RelPath.of("y"),
                tree.examine(RelPath.of("y")))).isFalse();
        assertThat(links.sameFile(RelPath.of("y"), tree.examine(RelPath.of("y")).identity(), RelPath.of("z"),
                tree.examine(RelPath.of("z")))).as("after a stamp of y, again").isFalse();
        assertThat(links.sameFile(RelPath.of("x"), tree.examine(RelPath.of("x")).identity(), RelPath.of("w"),
                tree.examine(RelPath.of("w")))).isTrue();
        assertThat(Files.getLastModifiedTime(ssh.replica().resolve("x")).toInstant()).isEqualTo(LAST_YEAR);
        assertThat(ssh.replica().resolve("x")).hasContent("same");
    }

    @Test
    void withoutTheExtensionEachNameIsACopyOfItsOwn() throws Exception {
        assertEachNameIsACopyOfItsOwn(() -> SftpTree.over(NO_HARDLINK.newClient(), ssh.replica().toString(),
                "no-hardlink"));
    }

    /** The same on a real OpenSSH server whose SFTP leaves the extension out (internal-sftp -P hardlink). */
    @Test
    void onOpenSshWithoutTheExtensionEachNameIsACopyOfItsOwn() throws Exception {
        ssh.server().restartWith("Subsystem sftp internal-sftp -P hardlink");

        assertEachNameIsACopyOfItsOwn(ssh::tree);
    }

    /** A tree over a server without hardlink@openssh.com, for each pass. */
    @FunctionalInterface
    private interface Connect {
        SftpTree tree() throws Exception;
    }

    /** A pass through a tree that {@code connect} makes copies each name, and the next changes nothing. */
    private void assertEachNameIsACopyOfItsOwn(Connect connect) throws Exception {
        SftpTree tree = connect.tree();
        assertThat(tree.features().hardLinks()).isEmpty();

        PassSummary first = sync(tree);

        assertThat(first.errors()).isZero();
        assertThat(first.count(Operation.LINKED)).isZero();
        Trees.assertSameTree(ssh.source(), ssh.replica(), Trees.Detail.WHOLE_SECONDS);
        assertThat(Files.getAttribute(ssh.replica().resolve("store/b"), "unix:nlink")).isEqualTo(1);
        assertThat(sync(connect.tree()).changes()).isZero();
    }
}
