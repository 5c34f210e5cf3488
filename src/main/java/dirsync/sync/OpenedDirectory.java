package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.RelPath;
import java.util.Iterator;
import java.util.List;

/**
 * A directory whose subtree is being walked: what its step found and did, and what waits until the subtree is
 * done (the copies running aside, its deletions, then its attributes).
 *
 * @param sourceDir        its source entry, or null if the step could not read it (nothing is decided there)
 * @param replicaDir       its replica entry as it was before the pass, or null if there was none
 * @param copies           its files being copied on copier threads, reported when it is settled
 * @param comparisons      its comparisons by content left to decide when it is settled (hashes under way)
 * @param emptyOverNonEmpty the source side (excludes applied) is empty and the replica side is not
 */
record OpenedDirectory(RelPath relative, Entry sourceDir, Entry replicaDir, Iterator<Descent> descents,
                       List<Action> deletions, CopyScheduler.DirectoryCopies copies, TrailingComparisons comparisons,
                       boolean emptyOverNonEmpty) {

    /** A directory left as it is: its source side could not be listed, or its replica side could not. */
    static OpenedDirectory skipped(RelPath relative) {
        return new OpenedDirectory(relative, null, null, List.<Descent>of().iterator(), List.of(),
                CopyScheduler.DirectoryCopies.NONE, TrailingComparisons.NONE, false);
    }
}
