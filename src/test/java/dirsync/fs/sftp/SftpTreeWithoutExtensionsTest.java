package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.fs.Cancellation;
import dirsync.fs.Entry;
import dirsync.fs.LinkTarget;
import dirsync.fs.Md5;
import dirsync.fs.Name;
import dirsync.fs.Progress;
import dirsync.fs.RelPath;
import dirsync.fs.Work;
import dirsync.fs.local.LocalTree;
import dirsync.testing.EmbeddedSftpServer;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Against a server without fsync@openssh.com and posix-rename@openssh.com, nothing is ever written in place. */
class SftpTreeWithoutExtensionsTest {

    @RegisterExtension
    static final EmbeddedSftpServer SERVER = new EmbeddedSftpServer("lsetstat@openssh.com=1");

    @TempDir
    Path temp;

    Trees.Builder rep;
    SftpTree tree;

    @BeforeEach
    void connect() throws IOException {
        rep = Trees.at(temp.resolve("replica"));
        tree = SftpTree.over(SERVER.newClient(), rep.root().toString(), "bare");
    }

    @Test
    void promisesNeitherAtomicReplaceNorDurableWrites() {
        assertThat(tree.capabilities().atomicReplace()).isFalse();
        assertThat(tree.capabilities().durableWrites()).isFalse();
    }

    @Test
    void refusesToCopyAFileAndLeavesTheOldOneAsItWas() throws IOException {
        Trees.Builder src = Trees.at(temp.resolve("source")).file("a", "new");
        rep.file("a", "old");
        LocalTree source = LocalTree.at(src.root());
        Entry listed = source.examine(RelPath.of("a"));

        assertThatThrownBy(() -> tree.installFile(source, RelPath.of("a"), listed, null,
                new Work(Cancellation.NEVER, new Md5(), new Progress())))
                .hasMessageContaining("does not offer fsync@openssh.com").hasMessageContaining("never writes in place");

        assertThat(Trees.snapshot(rep.root())).containsOnlyKeys(".", "a");
        assertThat(rep.root().resolve("a")).hasContent("old");
    }

    @Test
    void refusesToReplaceALinkWithoutAnAtomicRename() {
        rep.link("l", "old");
        Entry link = Entry.symlink(Name.of("l"), LinkTarget.of("new"), FileTime.fromMillis(0));

        assertThatThrownBy(() -> tree.installSymlink(RelPath.of("l"), link))
                .hasMessageContaining("does not offer posix-rename@openssh.com");

        assertThat(Trees.snapshot(rep.root())).containsEntry("l", "symlink -> old").containsOnlyKeys(".", "l");
    }
}
