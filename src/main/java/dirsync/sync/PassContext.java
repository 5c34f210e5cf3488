package dirsync.sync;

import dirsync.fs.Cancellation;
import dirsync.fs.ReplicaTree;
import dirsync.fs.SourceTree;
import dirsync.fs.Work;
import java.time.Instant;

/**
 * What every part of one pass is handed, fixed for the pass: the two trees, the options, the report, the stop
 * request, the pass's start (the one reading of the clock a pass makes), where it keeps backups, the hard links it
 * has met, the pass thread's own digest and counters, the files that do not settle, and the verified-hash memory
 * that learns the pass's copies ({@code memory}: null when it is off or the pass compares by time alone; the pass
 * thread alone uses it), and the {@link Moves} it finds.
 */
record PassContext(SourceTree source, ReplicaTree replica, SyncOptions options, PassReport report,
                   Cancellation cancellation, Instant startedAt, Backups backups, HardLinks hardLinks, Work work,
                   Unsettled.Pass unsettled, VerifiedPairs memory, Moves moves) {

    /** Whether the replica was lost (its connection broke): the pass then ends, and asks nothing more of it. */
    boolean replicaLost() {
        return replica.features().broken().isPresent();
    }
}
