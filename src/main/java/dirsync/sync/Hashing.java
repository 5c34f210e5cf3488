package dirsync.sync;

import dirsync.fs.Cancellation;
import dirsync.fs.Md5;
import dirsync.fs.Name;
import dirsync.fs.Progress;
import dirsync.fs.RelPath;
import dirsync.fs.SourceTree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * MD5 on every core: the pass thread hashes the source side of each pair while helper threads hash the replica
 * side of a whole directory's pairs ahead of it, in batches (one task per file would cost more than hashing a
 * small file). Each thread has its own digest and buffer. Idle helper threads end after a few seconds, so a
 * synchronizer needs no closing.
 */
final class Hashing {

    /** A batch is cut at this many bytes or files, whichever comes first. */
    private static final long BATCH_BYTES = 4L << 20;
    private static final int BATCH_FILES = 64;

    private final ThreadLocal<Md5> perHelper;
    private final ThreadPoolExecutor helpers;
    private final int helperCount;

    /** @param helperCount how many replica files are hashed at once: what the replica tree asks for */
    Hashing(Progress progress, int helperCount) {
        this.perHelper = ThreadLocal.withInitial(() -> new Md5(progress));
        this.helperCount = helperCount;
        this.helpers = Pools.daemons("dirsync-hash", helperCount);
    }

    /** One file to hash aside: its name in the directory, its path in the tree, and its size (for batching). */
    record Job(Name name, RelPath file, long size) {
    }

    /**
     * Starts hashing {@code jobs} of {@code tree} on the helper threads; the returned map gives each name's hash
     * once ready.
     */
    Map<Name, CompletableFuture<byte[]>> aside(SourceTree tree, List<Job> jobs, Cancellation cancellation) {
        // Enough batches for every helper (a remote tree's reads wait on the network, not on a core).
        int batchFiles = Math.max(1, Math.min(BATCH_FILES, (jobs.size() + helperCount - 1) / helperCount));
        Map<Name, CompletableFuture<byte[]>> results = new HashMap<>();
        List<Job> batch = new ArrayList<>();
        long batchBytes = 0;
        for (Job job : jobs) {
            results.put(job.name(), new CompletableFuture<>());
            batch.add(job);
            batchBytes += job.size();
            if (batchBytes >= BATCH_BYTES || batch.size() >= batchFiles) {
                submit(tree, batch, results, cancellation);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
        }
        if (!batch.isEmpty()) {
            submit(tree, batch, results, cancellation);
        }
        return results;
    }

    private void submit(SourceTree tree, List<Job> batch, Map<Name, CompletableFuture<byte[]>> results,
                        Cancellation cancellation) {
        List<CompletableFuture<byte[]>> futures = new ArrayList<>(batch.size());
        for (Job job : batch) {
            futures.add(results.get(job.name()));
        }
        helpers.execute(() -> {
            Md5 md5 = perHelper.get();
            for (int i = 0; i < batch.size(); i++) {
                try {
                    futures.get(i).complete(tree.md5(batch.get(i).file(), md5, cancellation));
                } catch (IOException | RuntimeException e) {
                    futures.get(i).completeExceptionally(e);
                }
            }
        });
    }
}
