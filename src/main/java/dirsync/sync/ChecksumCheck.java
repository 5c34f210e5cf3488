package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Compares by MD5: the pass thread hashes each pair's source side while helper threads hash the directory's
 * replica sides ahead of it. With the verified-hash memory, a pair verified equal by an earlier pass and in the
 * very same state since is trusted without reading either file.
 */
final class ChecksumCheck implements ContentCheck {

    private final Hashing hashing;
    /** The verified-hash memory, or null when it is off. Used by the pass thread alone. */
    private final VerifiedPairs memory;

    private final PassHooks hooks;

    ChecksumCheck(Hashing hashing, VerifiedPairs memory, PassHooks hooks) {
        this.hashing = hashing;
        this.memory = memory;
        this.hooks = hooks;
    }

    @Override
    public Prepared prepare(PassContext pass, RelPath dir, List<Action> actions) {
        Set<Name> verified = new HashSet<>();
        List<Hashing.Job> jobs = new ArrayList<>();
        for (Action action : actions) {
            if (action instanceof Action.CompareContent pair) {
                if (knownEqual(pair.source(), pair.replica())) {
                    verified.add(pair.name());
                } else {
                    jobs.add(new Hashing.Job(pair.name(), dir.resolve(pair.name()), pair.replica().size()));
                }
            }
        }
        Map<Name, CompletableFuture<byte[]>> replicaHashes =
                hashing.aside(pass.replica(), jobs, pass.cancellation());
        return (pair, path) -> compare(pass, pair, path, verified, replicaHashes);
    }

    private Verdict compare(PassContext pass, Action.CompareContent pair, RelPath path, Set<Name> verified,
                            Map<Name, CompletableFuture<byte[]>> replicaHashes) throws IOException {
        if (verified.contains(pair.name())) {
            return Verdict.trusted(Texts.UNCHANGED_VERIFIED);
        }
        // The source here on the pass thread, the replica meanwhile on a helper thread.
        byte[] sourceHash = pass.source().md5(path, pass.work().md5(), pass.cancellation());
        hooks.afterHashingSource(path);
        CompletableFuture<byte[]> aside = replicaHashes.get(pair.name());
        byte[] replicaHash = aside != null ? Pools.await(aside)
                : pass.replica().md5(path, pass.work().md5(), pass.cancellation());
        if (!Arrays.equals(sourceHash, replicaHash)) {
            return Verdict.differs(sourceHash);
        }
        remember(pass, pair.source(), pair.replica(), path);
        return Verdict.same(Texts.UNCHANGED_SAME_MD5);
    }

    /** Whether an earlier pass verified this very pair, in this very state, equal. */
    private boolean knownEqual(Entry source, Entry replica) {
        long[] fingerprint = memory == null ? null : memory.fingerprint(source, replica);
        return fingerprint != null && memory.recall(fingerprint);
    }

    /** Remembers a pair found equal, if neither side changed while it was hashed. */
    private void remember(PassContext pass, Entry source, Entry replica, RelPath path) {
        long[] fingerprint = memory == null ? null : memory.fingerprint(source, replica);
        if (fingerprint == null) {
            return;
        }
        try {
            if (pass.source().examine(path).equals(source) && pass.replica().examine(path).equals(replica)) {
                memory.learn(fingerprint, source, replica, pass.startedAt());
            }
        } catch (IOException changed) {
            // gone or changed since: nothing to remember
        }
    }
}
