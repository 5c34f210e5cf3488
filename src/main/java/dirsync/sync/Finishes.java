package dirsync.sync;

import dirsync.fs.HelperFailures;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Where the directories the walk has settled get their attributes ({@link Changes#finishDirectory}): on the pass
 * thread, or several at once on helper threads where the replica asks for it (over a network each finish waits on
 * round trips: an examination and a change, and a pass that fills many directories would wait for them one after
 * another). A directory's finish begins where it did before, once its copies have ended, and touches that directory
 * alone (setting a directory's mode and time changes no other's), so the order of finishes is free; the walk waits
 * for all of them ({@link #awaitAll}) before anything that follows them: the retries of copies that found no space,
 * and the deletion phase.
 */
final class Finishes {

    /** Null where directories are finished on the pass thread. */
    private final ThreadPoolExecutor helpers;
    /** Finishes begun and not yet awaited, at most {@link #atOnce} times two: the walk waits for the oldest. */
    private final Deque<CompletableFuture<Void>> begun = new ArrayDeque<>();
    private final int atOnce;

    /** @param atOnce directories finished at once (the replica's tuning); 1: on the pass thread */
    Finishes(int atOnce) {
        this.atOnce = atOnce;
        this.helpers = atOnce > 1 ? Pools.daemons("dirsync-finish", atOnce) : null;
    }

    /** Sets the attributes of {@code dir}, now or on a helper thread. */
    void finish(Changes changes, OpenedDirectory dir) {
        if (helpers == null) {
            changes.finishDirectory(dir);
            return;
        }
        while (begun.size() >= 2 * atOnce) {
            awaitOldest();
        }
        begun.add(CompletableFuture.runAsync(() -> changes.finishDirectory(dir), helpers));
    }

    /**
     * Carries out {@code deletions}, the deletion phase's work in {@code dir}, then sets its attributes: both now, or
     * both on a helper thread (a directory's deletions touch its own entries alone, as its finish touches it alone).
     * A stop met by the deletions leaves the directory unfinished, and is thrown by {@link #awaitAll}.
     */
    void finishAfter(Changes changes, OpenedDirectory dir, Runnable deletions) {
        if (helpers == null) {
            deletions.run();
            changes.finishDirectory(dir);
            return;
        }
        while (begun.size() >= 2 * atOnce) {
            awaitOldest();
        }
        begun.add(CompletableFuture.runAsync(() -> {
            deletions.run();
            changes.finishDirectory(dir);
        }, helpers));
    }

    /** Waits for every finish begun; what escaped one (it counts its own errors) is thrown here. */
    void awaitAll() {
        while (!begun.isEmpty()) {
            awaitOldest();
        }
    }

    private void awaitOldest() {
        CompletableFuture<Void> oldest = begun.remove();
        try {
            oldest.join();
        } catch (CompletionException e) {
            IOException checked = HelperFailures.rethrown(e.getCause());
            throw new IllegalStateException("a directory's finish failed", checked); // finishDirectory throws none
        }
    }
}
