package dirsync.sync;

import static dirsync.testing.Trees.assertSameTree;
import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names that share one file in the source share one in the replica, and follow the source as it changes. */
class HardLinkTest {

    @TempDir
    Path temp;

    Path source;
    Path replica;
    Trees.Builder src;

    @BeforeEach
    void layOut() {
        src = Trees.at(temp.resolve("source"));
        source = src.root();
        replica = temp.resolve("replica");
    }

    private PassSummary sync(SyncOptions options) {
        return Mirrors.of(source, replica, options).runPass(Cancellation.NEVER);
    }

    private PassSummary sync() {
        return sync(SyncOptions.defaults());
    }

    @Test
    void threeNamesOfOneFileAcrossTwoDirectoriesAreOneFileInTheReplica() {
        src.file("a/x", "shared content").hardLink("a/y", "a/x").hardLink("b/z", "a/x").file("b/alone", "own");

        PassSummary summary = sync();

        assertThat(summary.count(Operation.COPIED)).isEqualTo(2);
        assertThat(summary.count(Operation.LINKED)).isEqualTo(2);
        assertThat(summary.bytesCopied()).isEqualTo("shared content".length() + "own".length());
        assertSameTree(source, replica, Trees.Detail.HARD_LINKS);
    }

    @Test
    void aSecondPassOverLinkedNamesChangesNothing() {
        src.file("a/x", "shared content").hardLink("a/y", "a/x").hardLink("b/z", "a/x");
        sync();

        PassSummary second = sync();

        assertThat(second.changes()).isZero();
        assertSameTree(source, replica, Trees.Detail.HARD_LINKS);
    }

    @Test
    void aChangeThroughOneNameReachesEveryNameAndTheyStayOneFile() throws IOException {
        src.file("x", "before").hardLink("y", "x");
        sync();
        Files.writeString(source.resolve("y"), " and after", StandardOpenOption.APPEND);

        PassSummary summary = sync();

        assertThat(summary.count(Operation.UPDATED)).isEqualTo(1);
        assertThat(summary.count(Operation.LINKED)).isEqualTo(1);
        assertSameTree(source, replica, Trees.Detail.HARD_LINKS);
    }

    @Test
    void aNameThatLeavesItsGroupGetsItsOwnCopyAndIsLinkedAgainWhenItRejoins() throws IOException {
        src.file("x", "same bytes").hardLink("y", "x");
        sync();
        // y leaves: the same content under a file of its own.
        Files.copy(source.resolve("y"), source.resolve("y.new"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(source.resolve("y.new"), source.resolve("y"), StandardCopyOption.REPLACE_EXISTING);

        PassSummary left = sync();

        assertThat(left.count(Operation.UPDATED)).isEqualTo(1);
        assertSameTree(source, replica, Trees.Detail.HARD_LINKS);
        Files.delete(source.resolve("y"));
        src.hardLink("y", "x");

        PassSummary rejoined = sync();

        assertThat(rejoined.count(Operation.LINKED)).isEqualTo(1);
        assertThat(rejoined.bytesCopied()).isZero();
        assertSameTree(source, replica, Trees.Detail.HARD_LINKS);
    }

    @Test
    void withoutHardLinksEveryNameIsAFileOfItsOwnAndStaysSo() throws IOException {
        src.file("x", "shared").hardLink("y", "x");

        sync(SyncOptions.defaults().withHardLinks(false));

        assertSameTree(source, replica);
        assertThat(Files.getAttribute(replica.resolve("y"), "unix:nlink")).isEqualTo(1);
        assertThat(sync(SyncOptions.defaults().withHardLinks(false)).changes()).isZero();
    }

    @Test
    void aReplicaFileThatIsAlsoAFileOutsideIsReplacedNeverWrittenInto() throws IOException {
        Trees.at(temp.resolve("outside")).file("precious", "outside!");
        Map<String, String> outsideBefore = Trees.snapshot(temp.resolve("outside"));
        src.file("f", "inside!");
        Files.createDirectories(replica);
        Files.createLink(replica.resolve("f"), temp.resolve("outside/precious"));

        sync();

        assertThat(Trees.snapshot(temp.resolve("outside"))).isEqualTo(outsideBefore);
        assertSameTree(source, replica, Trees.Detail.HARD_LINKS);
    }
}
