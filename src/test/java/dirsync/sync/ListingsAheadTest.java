package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.fs.ForwardingSourceTree;
import dirsync.fs.Listing;
import dirsync.fs.RelPath;
import dirsync.fs.SourceTree;
import dirsync.fs.local.LocalTree;
import dirsync.testing.LogCapture;
import dirsync.testing.TwoTrees;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The source's subdirectories are listed ahead of the walk, on the lister threads (see {@link ListingsAhead}); what a
 * pass makes of them is what it made when the pass thread listed each directory as it came to it.
 */
class ListingsAheadTest {

    @RegisterExtension
    final TwoTrees trees = new TwoTrees();

    /** The source as a local tree that writes down each listing it makes, and fails those of {@link #failing}. */
    private static final class RecordedSource extends ForwardingSourceTree {
        private final SourceTree tree;
        private final List<String> events;
        private final Set<RelPath> failing;

        RecordedSource(SourceTree tree, List<String> events, Set<RelPath> failing) {
            this.tree = tree;
            this.events = events;
            this.failing = failing;
        }

        @Override
        protected SourceTree delegate() {
            return tree;
        }

        @Override
        public Listing list(RelPath dir) throws IOException {
            events.add("list " + dir);
            if (failing.contains(dir)) {
                throw new IOException("disk error");
            }
            return tree.list(dir);
        }
    }

    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    private PassSummary pass(SyncOptions options, Set<RelPath> failing) {
        PassHooks hooks = new PassHooks() {
            @Override
            public void beforeListing(RelPath dir) {
                events.add("hook " + dir);
            }
        };
        SourceTree source = new RecordedSource(LocalTree.at(trees.source()), events, failing);
        return new Synchronizer(source, LocalTree.at(trees.replica()), options, Clock.systemUTC(), hooks)
                .runPass(Cancellation.NEVER);
    }

    private List<String> listings() {
        synchronized (events) {
            return events.stream().filter(event -> event.startsWith("list ")).toList();
        }
    }

    @Test
    void aSubdirectoryWhoseListingFailsIsThatDirectorysErrorAndItsReplicaSideIsKept() throws IOException {
        trees.src().file("a/x", "1").file("b/y", "2").file("c/z", "3");
        trees.sync();
        trees.rep().file("b/only-in-replica", "keep");
        trees.src().file("c/new", "4");

        try (LogCapture log = new LogCapture()) {
            PassSummary summary = pass(SyncOptions.defaults(), Set.of(RelPath.of("b")));

            assertThat(summary.errors()).isEqualTo(1);
            assertThat(log.errors()).singleElement().asString().contains("cannot list source directory")
                    .contains("b").contains("disk error");
        }
        assertThat(trees.replica().resolve("b/only-in-replica")).hasContent("keep");
        assertThat(trees.replica().resolve("b/y")).hasContent("2");
        assertThat(trees.replica().resolve("c/new")).hasContent("4");
    }

    @Test
    void everyDirectoryIsListedOnceAndOnlyAfterItsHook() {
        for (String top : List.of("p", "q", "r")) {
            for (String below : List.of("1", "2", "3", "4", "5")) {
                trees.src().file(top + "/" + below + "/f", top + below);
            }
        }

        pass(SyncOptions.defaults(), Set.of());

        List<String> expected = new ArrayList<>(List.of("list ."));
        for (String top : List.of("p", "q", "r")) {
            expected.add("list " + top);
            for (String below : List.of("1", "2", "3", "4", "5")) {
                expected.add("list " + top + "/" + below);
            }
        }
        assertThat(listings()).containsExactlyInAnyOrderElementsOf(expected);
        synchronized (events) {
            for (String listing : expected) {
                String dir = listing.substring("list ".length());
                assertThat(events.indexOf("hook " + dir)).as(dir).isNotNegative()
                        .isLessThan(events.indexOf(listing));
            }
        }
    }

    @Test
    void anExcludedSubdirectoryIsNeverListed() {
        trees.src().file("keep/a", "1").file("skip/b", "2").file("skip/deeper/c", "3");

        pass(SyncOptions.defaults().withExcludes(Excludes.of(List.of("skip/")), false), Set.of());

        assertThat(listings()).containsExactlyInAnyOrder("list .", "list keep");
        assertThat(trees.replica().resolve("skip")).doesNotExist();
    }
}
