package dirsync.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Name;
import dirsync.fs.RelPath;
import dirsync.fs.local.DirectoryWatch;
import dirsync.fs.local.LocalTree;
import dirsync.testing.TwoTrees;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the next pass covers for each kind of event: a table over a real source tree, no watching needed. */
class EventRouterTest {

    @RegisterExtension
    final TwoTrees trees = new TwoTrees();

    DirectoryWatch watch;
    WatchLoop loop;
    EventRouter router;

    @BeforeEach
    void wire() throws Exception {
        trees.src().file("a/file", "x").dir("a/dir");
        LocalTree source = LocalTree.at(trees.source());
        watch = DirectoryWatch.over(source);
        loop = new WatchLoop(Duration.ofHours(1), Duration.ofSeconds(1), System::nanoTime);
        router = new EventRouter(source, watch, loop);
    }

    @AfterEach
    void close() throws Exception {
        watch.close();
    }

    private String after(String dir, String name, DirectoryWatch.Kind kind) {
        router.route(List.of(new DirectoryWatch.Event(RelPath.of(dir), name == null ? null : Name.of(name), kind)));
        return loop.peek().toString();
    }

    @Test
    void aNewFileCoversItsDirectory() {
        assertThat(after("a", "file", DirectoryWatch.Kind.CREATED)).isEqualTo("{a=false}");
    }

    @Test
    void aNewDirectoryIsCoveredWithAllItHolds() {
        assertThat(after("a", "dir", DirectoryWatch.Kind.CREATED)).isEqualTo("{a=false, a/dir=true}");
    }

    @Test
    void aDeletionCoversItsDirectory() {
        assertThat(after("a", "gone", DirectoryWatch.Kind.DELETED)).isEqualTo("{a=false}");
    }

    @Test
    void aChangeToAWatchedDirectoryCoversItToo() throws Exception {
        watch.register(RelPath.of("a/dir"));

        assertThat(after("a", "dir", DirectoryWatch.Kind.MODIFIED)).isEqualTo("{a=false, a/dir=false}");
    }

    @Test
    void anOverflowCoversTheDirectoryWithAllBelowIt() {
        assertThat(after("a", null, DirectoryWatch.Kind.OVERFLOW)).isEqualTo("{a=true}");
    }

    @Test
    void anOverflowAtTheRootIsAFullPass() {
        assertThat(after("", null, DirectoryWatch.Kind.OVERFLOW)).isEqualTo("everything");
    }

    @Test
    void theEndOfADirectorysWatchCoversItsParent() {
        assertThat(after("a/dir", null, DirectoryWatch.Kind.ENDED)).isEqualTo("{a=false}");
    }

    @Test
    void theEndOfTheRootsWatchIsAFullPass() {
        assertThat(after("", null, DirectoryWatch.Kind.ENDED)).isEqualTo("everything");
    }

    @Test
    void tooManyDirectoriesAreAFullPass() {
        for (int i = 0; i <= WatchLoop.MOST_DIRECTORIES; i++) {
            router.route(List.of(new DirectoryWatch.Event(RelPath.of("d" + i), Name.of("f"),
                    DirectoryWatch.Kind.CREATED)));
        }

        assertThat(loop.peek().isEverything()).isTrue();
    }
}
