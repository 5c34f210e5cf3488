package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.Trees;
import dirsync.testing.TwoTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Names that share one file in the source share one in the replica, and follow the source as it changes. */
class HardLinkTest {

    @RegisterExtension
    final TwoTrees trees = TwoTrees.withoutReplica();

    @Test
    void threeNamesOfOneFileAcrossTwoDirectoriesAreOneFileInTheReplica() {
        trees.src().file("a/x", "shared content").hardLink("a/y", "a/x").hardLink("b/z", "a/x").file("b/alone", "own");

        PassSummary summary = trees.sync();

        assertThat(summary.count(Operation.COPIED)).isEqualTo(2);
        assertThat(summary.count(Operation.LINKED)).isEqualTo(2);
        assertThat(summary.bytesCopied()).isEqualTo("shared content".length() + "own".length());
        trees.assertSame(Trees.Detail.HARD_LINKS);
    }

    @Test
    void aSecondPassOverLinkedNamesChangesNothing() {
        trees.src().file("a/x", "shared content").hardLink("a/y", "a/x").hardLink("b/z", "a/x");
        trees.sync();

        PassSummary second = trees.sync();

        assertThat(second.changes()).isZero();
        trees.assertSame(Trees.Detail.HARD_LINKS);
    }

    @Test
    void aChangeThroughOneNameReachesEveryNameAndTheyStayOneFile() throws IOException {
        trees.src().file("x", "before").hardLink("y", "x");
        trees.sync();
        Files.writeString(trees.source().resolve("y"), " and after", StandardOpenOption.APPEND);

        PassSummary summary = trees.sync();

        assertThat(summary.count(Operation.UPDATED)).isEqualTo(1);
        assertThat(summary.count(Operation.LINKED)).isEqualTo(1);
        trees.assertSame(Trees.Detail.HARD_LINKS);
    }

    @Test
    void aNameThatLeavesItsGroupGetsItsOwnCopyAndIsLinkedAgainWhenItRejoins() throws IOException {
        trees.src().file("x", "same bytes").hardLink("y", "x");
        trees.sync();
        // y leaves: the same content under a file of its own.
        Files.copy(trees.source().resolve("y"), trees.source().resolve("y.new"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(trees.source().resolve("y.new"), trees.source().resolve("y"), StandardCopyOption.REPLACE_EXISTING);

        PassSummary left = trees.sync();

        assertThat(left.count(Operation.UPDATED)).isEqualTo(1);
        trees.assertSame(Trees.Detail.HARD_LINKS);
        Files.delete(trees.source().resolve("y"));
        trees.src().hardLink("y", "x");

        PassSummary rejoined = trees.sync();

        assertThat(rejoined.count(Operation.LINKED)).isEqualTo(1);
        assertThat(rejoined.bytesCopied()).isZero();
        trees.assertSame(Trees.Detail.HARD_LINKS);
    }

    @Test
    void withoutHardLinksEveryNameIsAFileOfItsOwnAndStaysSo() throws IOException {
        trees.src().file("x", "shared").hardLink("y", "x");

        trees.sync(SyncOptions.defaults().withHardLinks(false));

        trees.assertSame();
        assertThat(Files.getAttribute(trees.replica().resolve("y"), "unix:nlink")).isEqualTo(1);
        assertThat(trees.sync(SyncOptions.defaults().withHardLinks(false)).changes()).isZero();
    }

    @Test
    void aReplicaFileThatIsAlsoAFileOutsideIsReplacedNeverWrittenInto() throws IOException {
        Trees.at(trees.outside()).file("precious", "outside!");
        Map<String, String> outsideBefore = Trees.snapshot(trees.outside());
        trees.src().file("f", "inside!");
        Files.createDirectories(trees.replica());
        Files.createLink(trees.replica().resolve("f"), trees.outside().resolve("precious"));

        trees.sync();

        assertThat(Trees.snapshot(trees.outside())).isEqualTo(outsideBefore);
        trees.assertSame(Trees.Detail.HARD_LINKS);
    }
}
