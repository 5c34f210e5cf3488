package dirsync.sync;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The walked directories whose copies may still be running on copier threads. The walk goes on into the next
 * directories meanwhile, so that the copiers are never left without work (and copies that share a file-system
 * sync are not held to one directory); a directory is settled, in the order the walk left them, once its copies
 * have ended (and the hashes of comparisons that trail, see {@link TrailingComparisons}): those comparisons are
 * decided, the copies' lines are logged, then its attributes are set (a rename into a directory moves its time), or,
 * if it has deletions, it joins those that wait for the deletion phase. Only so many copies may trail: past that
 * the walk waits for the oldest directory. A directory's attributes are set by {@link Finishes}, at once or several
 * together. Copies that found the disk full are tried once more at the end, alone.
 */
final class Trail {

    /** Enough to keep every copier of a group sync busy across directories, and little memory. */
    private static final int MAX_COPIES = 4096;
    private static final int MAX_DIRECTORIES = 256;

    private final Changes changes;
    private final Finishes finishes;
    private final List<OpenedDirectory> withDeletions = new ArrayList<>();
    private final Deque<OpenedDirectory> waiting = new ArrayDeque<>();
    private final List<Retry> outOfSpace = new ArrayList<>();
    private int copies;

    /** A copy that found no space left, and the directory it goes into. */
    private record Retry(OpenedDirectory dir, CopyScheduler.SpaceRetry copy) {
    }

    Trail(Changes changes, Finishes finishes) {
        this.changes = changes;
        this.finishes = finishes;
    }

    /**
     * A directory the walk has left: settled now if nothing of it runs, else once its copies, and the hashes its
     * trailing comparisons wait for, end.
     */
    void add(OpenedDirectory dir) {
        waiting.add(dir);
        copies += dir.copies().count() + dir.comparisons().count();
        while (!waiting.isEmpty() && (copies > MAX_COPIES || waiting.size() > MAX_DIRECTORIES
                || waiting.peek().copies().ended() && waiting.peek().comparisons().ended())) {
            settleOldest();
        }
    }

    /**
     * Settles every directory left, waiting for their copies and their finishes: before the deletion phase, or when
     * the pass stops.
     */
    void drain() {
        try {
            while (!waiting.isEmpty()) {
                settleOldest();
            }
        } finally {
            finishes.awaitAll();
        }
    }

    /**
     * After {@link #drain}: copies each file that found no space left once more, alone, now that the temporary
     * files of the others are gone, and sets again the attributes of the directories it went into.
     */
    void retryOutOfSpace() {
        Set<OpenedDirectory> renamedInto = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Retry retry : outOfSpace) {
            changes.pass().cancellation().check();
            if (CopyScheduler.retry(changes, retry.copy())) {
                renamedInto.add(retry.dir());
            }
        }
        for (OpenedDirectory dir : renamedInto) {
            if (dir.deletions().isEmpty()) {
                changes.finishDirectory(dir); // a rename moved its time; those with deletions are finished later
            }
        }
    }

    /** The settled directories that have deletions, waiting for the deletion phase, in the order they settled. */
    List<OpenedDirectory> withDeletions() {
        return Collections.unmodifiableList(withDeletions);
    }

    private void settleOldest() {
        OpenedDirectory dir = waiting.remove();
        copies -= dir.copies().count() + dir.comparisons().count();
        dir.comparisons().settle(changes);
        for (CopyScheduler.SpaceRetry copy : dir.copies().settle(changes)) {
            outOfSpace.add(new Retry(dir, copy));
        }
        if (dir.deletions().isEmpty()) {
            finishes.finish(changes, dir);
        } else {
            withDeletions.add(dir);
        }
    }
}
