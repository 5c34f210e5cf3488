package dirsync.sync;

import dirsync.fs.Cancellation;
import dirsync.fs.Entry;
import dirsync.fs.Md5;
import dirsync.fs.Name;
import dirsync.fs.Progress;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import dirsync.fs.SourceTree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * MD5 on every core. Each side of each pair of a directory is one task, hashed by whichever thread claims it
 * first: helper threads work through batches of pairs from the end of each batch (replica side first), while
 * the pass thread, coming to the pairs in name order from the front, claims what no helper has begun. So the
 * work splits itself between the threads, whatever else the pass thread has to do (its source listing, the
 * extended attributes), and each side is hashed exactly once. A batch is one task of the pool: one task per
 * file would cost more than hashing a small file. Each thread has its own digest and buffer. Idle helper
 * threads end after a few seconds, so a synchronizer needs no closing.
 */
final class Hashing {

    /** A batch is cut at this many bytes or pairs, whichever comes first. */
    private static final long BATCH_BYTES = 4L << 20;
    private static final int BATCH_PAIRS = 64;
    /** A small file hashes in microseconds: a short spin before sleeping on a helper's result. */
    private static final int SPINS = 1 << 12;

    private final ThreadLocal<Md5> perHelper;
    private final ThreadPoolExecutor helpers;
    private final int helperCount;
    /** Where the replica answers hashes asked ahead, many together: its sides are asked of it, not of a helper. */
    private final Optional<ReplicaFeatures.HashingAhead> replicaAhead;

    /**
     * @param helperCount  how many helper threads hash at once: what the replica tree asks for
     * @param replicaAhead the replica's hashes asked ahead, where it offers that
     */
    Hashing(Progress progress, int helperCount, Optional<ReplicaFeatures.HashingAhead> replicaAhead) {
        this.perHelper = ThreadLocal.withInitial(() -> new Md5(progress));
        this.helperCount = helperCount;
        this.helpers = Pools.daemons("dirsync-hash", helperCount);
        this.replicaAhead = replicaAhead;
    }

    /**
     * One pair to hash: its name in the directory, its path in both trees, and the two entries as listed. With
     * {@code recheck}, each side is examined again right after it is hashed, and {@link Hashed#unchanged} says
     * whether it was still exactly as listed (so that a side changed while it was read is never remembered).
     */
    record Job(Name name, RelPath file, Entry source, Entry replica, boolean recheck) {
    }

    /** A hash and whether its file, examined again once read, was still as listed (always false unasked). */
    record Hashed(byte[] md5, boolean unchanged) {
    }

    /**
     * One side of one pair: hashed once, by whichever thread claims it first; or, where it was asked of its tree
     * ahead ({@code ahead}), by the tree, and only where that gives none by the thread that asks for it.
     */
    static final class Side {
        private final SourceTree tree;
        private final RelPath file;
        private final Entry listed;
        private final CompletableFuture<byte[]> ahead;
        private final AtomicBoolean claimed = new AtomicBoolean();
        private final CompletableFuture<Hashed> result = new CompletableFuture<>();

        private Side(SourceTree tree, RelPath file, Entry listed, CompletableFuture<byte[]> ahead) {
            this.tree = tree;
            this.file = file;
            this.listed = listed;
            this.ahead = ahead == null ? null : ahead.exceptionally(failed -> null); // failed: as none given
        }

        /** Hashes this side with {@code md5} unless another thread has claimed it, or its tree answers it. */
        void runIfUnclaimed(Md5 md5, Cancellation cancellation) {
            if (ahead != null && !ahead.isDone()) {
                return; // the tree's answer to come is taken by get, never waited for on a helper
            }
            if (!claimed.compareAndSet(false, true)) {
                return;
            }
            try {
                byte[] asked = ahead == null ? null : ahead.getNow(null);
                byte[] hash = asked != null ? asked : tree.md5(file, md5, cancellation);
                result.complete(new Hashed(hash, listed != null && stillAsListed()));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        }

        private boolean stillAsListed() {
            try {
                return tree.unchanged(file, listed);
            } catch (IOException goneOrChanged) {
                return false;
            }
        }

        /** Waits for the tree's answer, as long as the pass is not stopped (a batch of large files takes a while). */
        private void awaitAnswer(Cancellation cancellation) throws IOException {
            while (true) {
                try {
                    ahead.get(1, java.util.concurrent.TimeUnit.SECONDS);
                    return;
                } catch (java.util.concurrent.TimeoutException notYet) {
                    cancellation.check();
                } catch (java.util.concurrent.ExecutionException never) {
                    return; // it completes with null for a failure
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while waiting for a hash");
                }
            }
        }

        /** Whether it is hashed (or failed) already, or its tree has answered, so that {@link #get} would not wait. */
        boolean done() {
            return result.isDone() || ahead != null && ahead.isDone();
        }

        /**
         * The hash, computed here with {@code md5} unless a helper has claimed it (then awaited); where it was asked
         * of its tree ahead, the tree's answer, awaited, and computed here only where it gives none.
         */
        Hashed get(Md5 md5, Cancellation cancellation) throws IOException {
            if (ahead != null) {
                awaitAnswer(cancellation); // then claimed here, unless a helper came to it once answered
            }
            runIfUnclaimed(md5, cancellation);
            for (int i = 0; i < SPINS && !result.isDone(); i++) {
                Thread.onSpinWait();
            }
            return Pools.await(result);
        }
    }

    /** The two sides of one pair. */
    record Pair(Side source, Side replica) {
    }

    /**
     * Starts hashing the pairs of {@code jobs} on the helper threads; the returned map gives each name's two
     * sides, for the pass thread to hash itself what no helper has begun.
     */
    Map<Name, Pair> start(SourceTree source, SourceTree replica, List<Job> jobs, Cancellation cancellation) {
        // Enough batches for every helper (a remote tree's reads wait on the network, not on a core).
        int batchPairs = Math.max(1, Math.min(BATCH_PAIRS, (jobs.size() + helperCount - 1) / helperCount));
        Map<Name, Pair> pairs = new HashMap<>();
        List<Pair> batch = new ArrayList<>();
        long batchBytes = 0;
        for (Job job : jobs) {
            Pair pair = new Pair(new Side(source, job.file(), job.recheck() ? job.source() : null, null),
                    new Side(replica, job.file(), job.recheck() ? job.replica() : null,
                            replicaAhead.map(tree -> tree.md5Ahead(job.file(), job.replica().size())).orElse(null)));
            pairs.put(job.name(), pair);
            batch.add(pair);
            batchBytes += 2 * job.replica().size();
            if (batchBytes >= BATCH_BYTES || batch.size() >= batchPairs) {
                submit(batch, cancellation);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
        }
        if (!batch.isEmpty()) {
            submit(batch, cancellation);
        }
        return pairs;
    }

    private void submit(List<Pair> batch, Cancellation cancellation) {
        helpers.execute(() -> {
            Md5 md5 = perHelper.get();
            // From the end: the pass thread comes from the front, and the two meet once, not at every pair. A pass
            // that stops (or lost its replica) leaves the rest unclaimed: the pass thread never asks for them.
            for (int i = batch.size() - 1; i >= 0 && !cancellation.isRequested(); i--) {
                batch.get(i).replica().runIfUnclaimed(md5, cancellation);
                batch.get(i).source().runIfUnclaimed(md5, cancellation);
            }
        });
    }
}
