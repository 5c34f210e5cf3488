package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dirsync.fs.Cancellation;
import dirsync.fs.local.LocalTree;
import dirsync.fs.local.Ownership;
import dirsync.testing.Trees;
import dirsync.testing.TwoTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Owners, groups and the setuid, setgid and sticky bits, as a service run as root needs them (cp -a's rules).
 * These tests run as root; the unprivileged side is in UnprivilegedIT.
 */
class OwnershipTest {

    private static final Instant LAST_YEAR = Instant.parse("2025-03-04T05:06:07.123456789Z");

    @RegisterExtension
    final TwoTrees trees = TwoTrees.withoutReplica();

    @BeforeEach
    void layOutAsRoot() throws IOException {
        assumeTrue((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0,
                "giving files to other users needs root; UnprivilegedIT covers the other side");
        trees.src().file("theirs", "owned by someone else").owner("theirs", 1234, 5678)
                .file("bin/setuid", "#!/bin/sh").owner("bin/setuid", 1234, 5678).modeBits("bin/setuid", 04755)
                .dir("shared").owner("shared", 4321, 8765).modeBits("shared", 02775)
                .dir("tmp").modeBits("tmp", 01777)
                .link("link", "theirs").owner("link", 2345, 6789)
                .mtime("shared", LAST_YEAR).mtime("tmp", LAST_YEAR).mtime("bin", LAST_YEAR).mtime("link", LAST_YEAR);
    }

    private PassSummary sync(Ownership ownership) {
        return new Synchronizer(LocalTree.at(trees.source()), LocalTree.at(trees.replica(), ownership, true),
                SyncOptions.defaults())
                .runPass(Cancellation.NEVER);
    }

    private PassSummary sync() {
        return sync(Ownership.ofThisProcess(true, true));
    }

    @Test
    void asRootEveryEntryGetsTheSourcesOwnerGroupAndAllTwelveModeBits() {
        PassSummary first = sync();

        assertThat(first.errors()).isZero();
        trees.assertSame(Trees.Detail.OWNERS);
    }

    @Test
    void aSecondPassOverOwnedEntriesChangesNothing() {
        sync();

        PassSummary second = sync();

        assertThat(second.changes()).isZero();
        trees.assertSame(Trees.Detail.OWNERS);
    }

    @Test
    void anOwnerOnlyChangeIsCarriedAndLoggedWithoutACopy() {
        sync();
        trees.src().owner("theirs", 1111, 2222).owner("shared", 3333, 4444).modeBits("shared", 02775)
                .owner("link", 5555, 6666);

        PassSummary summary = sync();

        assertThat(summary.count(Operation.ATTRIBUTES)).isEqualTo(3);
        assertThat(summary.count(Operation.COPIED) + summary.count(Operation.UPDATED)).isZero();
        assertThat(summary.bytesCopied()).isZero();
        trees.assertSame(Trees.Detail.OWNERS);
    }

    @Test
    void anExactCopyForAServiceRunAsRoot() throws IOException {
        trees.src().file("store/a", "three names").hardLink("store/b", "store/a").hardLink("other/c", "store/a")
                .file("pair/one", "two names").hardLink("pair/two", "pair/one")
                .file("notes", "text").xattr("notes", "author", "ana").xattr("notes", "checked", "yes")
                .owner("store/a", 1001, 1002).owner("notes", 1003, 1004);
        sync();
        // The pair's link is broken (same content, a file of its own), then made again, between passes.
        java.nio.file.Files.copy(trees.source().resolve("pair/two"), trees.source().resolve("pair/two.new"),
                java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        java.nio.file.Files.move(trees.source().resolve("pair/two.new"), trees.source().resolve("pair/two"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        sync();
        trees.assertSame(Trees.Detail.OWNERS, Trees.Detail.HARD_LINKS, Trees.Detail.XATTRS);
        java.nio.file.Files.delete(trees.source().resolve("pair/two"));
        trees.src().hardLink("pair/two", "pair/one");

        PassSummary relinked = sync();

        assertThat(relinked.count(Operation.LINKED)).isEqualTo(1);
        trees.assertSame(Trees.Detail.OWNERS, Trees.Detail.HARD_LINKS, Trees.Detail.XATTRS);
        assertThat(sync().changes()).as("a second pass changes nothing").isZero();
    }

    @Test
    void withoutOwnersTheCopiesAreTheRunnersAndLoseSetuidAndSetgidButKeepTheStickyBit() throws IOException {
        PassSummary first = sync(Ownership.ofThisProcess(false, false));

        assertThat(first.errors()).isZero();
        trees.assertSame(); // contents, permissions and times as ever
        assertThat(Trees.owners(trees.replica().resolve("bin/setuid"))).isEqualTo(" uid=0 gid=0 mode=0755");
        assertThat(Trees.owners(trees.replica().resolve("shared"))).isEqualTo(" uid=0 gid=0 mode=0775");
        assertThat(Trees.owners(trees.replica().resolve("tmp"))).isEqualTo(" uid=0 gid=0 mode=1777");
        assertThat(sync(Ownership.ofThisProcess(false, false)).changes()).as("nothing tried again").isZero();
    }
}
