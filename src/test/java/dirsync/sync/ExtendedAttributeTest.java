package dirsync.sync;

import static dirsync.testing.Trees.assertSameTree;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dirsync.fs.Cancellation;
import dirsync.fs.dryrun.DryRunReplica;
import dirsync.fs.local.LocalTree;
import dirsync.fs.local.Ownership;
import dirsync.testing.LogCapture;
import dirsync.testing.Trees;
import dirsync.testing.TwoTrees;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The user.* extended attributes of files and directories travel with them. */
class ExtendedAttributeTest {

    @RegisterExtension
    final TwoTrees trees = TwoTrees.withoutReplica();

    @BeforeEach
    void layOut() {
        trees.src().file("tagged", "content").xattr("tagged", "origin", "camera").xattr("tagged", "rating", "5")
                .file("plain", "no attributes").dir("album").xattr("album", "title", "Summer");
    }

    private PassSummary sync(boolean xattrs) {
        return new Synchronizer(LocalTree.at(trees.source()),
                LocalTree.at(trees.replica(), Ownership.ofThisProcess(true, true), xattrs), SyncOptions.defaults())
                .runPass(Cancellation.NEVER);
    }

    @Test
    void theAttributesOfFilesAndDirectoriesAreCarried() {
        PassSummary first = sync(true);

        assertThat(first.errors()).isZero();
        trees.assertSame(Trees.Detail.XATTRS);
    }

    @Test
    void aSecondPassChangesNothing() {
        sync(true);

        assertThat(sync(true).changes()).isZero();
        trees.assertSame(Trees.Detail.XATTRS);
    }

    @Test
    void anAttributeOnlyChangeIsCarriedWithoutACopy() {
        sync(true);
        sync(true);
        trees.src().xattr("tagged", "rating", "4").xattr("tagged", "origin", null).xattr("album", "title", "Winter");

        PassSummary summary = sync(true);

        assertThat(summary.count(Operation.ATTRIBUTES)).isEqualTo(2);
        assertThat(summary.count(Operation.COPIED) + summary.count(Operation.UPDATED)).isZero();
        trees.assertSame(Trees.Detail.XATTRS);
    }

    @Test
    void turnedOffNoneAreCarried() throws IOException {
        sync(false);

        trees.assertSame();
        assertThat(Trees.xattrs(trees.replica().resolve("tagged"))).isEqualTo(" xattrs={}");
        assertThat(Trees.xattrs(trees.replica().resolve("album"))).isEqualTo(" xattrs={}");
    }

    @Test
    void turnedOffADryRunFindsNoAttributeToCarryEither() {
        sync(false);

        PassSummary dryRun = new Synchronizer(LocalTree.at(trees.source()), DryRunReplica.over(LocalTree.at(trees.replica(),
                Ownership.ofThisProcess(true, true), false)), SyncOptions.defaults()).runPass(Cancellation.NEVER);

        assertThat(dryRun.changes()).isZero();
    }

    @Test
    void aReplicaThatCannotKeepThemGetsOneWarningAPassAndEverythingElse() throws IOException {
        try (LogCapture log = new LogCapture(); FileSystem noAttributes = Jimfs.newFileSystem(Configuration.unix()
                .toBuilder().setAttributeViews("basic", "owner", "posix").build())) {
            Path elsewhere = noAttributes.getPath("/replica");
            PassSummary summary = new Synchronizer(LocalTree.at(trees.source()), LocalTree.at(elsewhere),
                    SyncOptions.defaults()).runPass(Cancellation.NEVER);

            assertThat(summary.errors()).isZero();
            assertSameTree(trees.source(), elsewhere);
            List<String> warnings = log.messages().stream().filter(line -> line.contains("extended attributes"))
                    .toList();
            assertThat(warnings).singleElement().asString().startsWith("extended attributes not carried");
        }
    }
}
