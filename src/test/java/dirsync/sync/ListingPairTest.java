package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.ForwardingSourceTree;
import dirsync.fs.Listing;
import dirsync.fs.RelPath;
import dirsync.fs.SourceTree;
import dirsync.fs.local.LocalTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A listing made by whichever thread comes to it first. */
class ListingPairTest {

    @TempDir
    Path root;

    @Test
    void aThreadWaitingForAListingTheListerHasBegunMakesTheListingsQueuedMeanwhile() throws Exception {
        Files.createDirectories(root.resolve("a"));
        Files.createDirectories(root.resolve("b"));
        CountDownLatch aBegun = new CountDownLatch(1);
        CountDownLatch releaseA = new CountDownLatch(1);
        Map<RelPath, String> listedBy = new ConcurrentHashMap<>();
        SourceTree local = LocalTree.at(root);
        SourceTree tree = new ForwardingSourceTree() {
            @Override
            protected SourceTree delegate() {
                return local;
            }

            @Override
            public Listing list(RelPath dir) throws IOException {
                listedBy.put(dir, Thread.currentThread().getName());
                if (dir.equals(RelPath.of("a"))) {
                    aBegun.countDown();
                    await(releaseA); // the lister stays inside a's listing until b is made
                }
                return super.list(dir);
            }
        };
        ThreadPoolExecutor lister = Pools.daemons("test-lister", 1);
        try {
            ListingPair a = ListingPair.start(tree, RelPath.of("a"), lister);
            await(aBegun);
            ListingPair b = ListingPair.start(tree, RelPath.of("b"), lister); // queued: the one lister is busy
            Thread waiter = new Thread(() -> {
                try {
                    a.get();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, "waiter");
            waiter.start();
            // Until the waiter has made b, or has gone to sleep for a without (a is held until then).
            while (!listedBy.containsKey(RelPath.of("b")) && waiter.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            releaseA.countDown();
            waiter.join();
            b.get();

            assertThat(listedBy).containsEntry(RelPath.of("a"), "test-lister").containsEntry(RelPath.of("b"), "waiter");
        } finally {
            releaseA.countDown();
            lister.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never came");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
