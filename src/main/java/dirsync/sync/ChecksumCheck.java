package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares by MD5: both sides of a directory's pairs are hashed by helper threads and the pass thread together,
 * whichever comes to a side first (see {@link Hashing}). With the verified-hash memory, a pair verified equal
 * by an earlier pass and in the very same state since is trusted without reading either file; a pair found
 * equal now is remembered only if each side, examined again right after it was read, was still as listed.
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
        Map<Name, long[]> fingerprints = new HashMap<>();
        List<Hashing.Job> jobs = new ArrayList<>();
        for (Action action : actions) {
            Action.CompareContent pair = action.accept(PAIRS);
            if (pair != null) {
                long[] fingerprint = memory == null ? null : memory.fingerprint(pair.source(), pair.replica());
                if (fingerprint != null && recalled(pass, dir.resolve(pair.name()), pair, fingerprint)) {
                    verified.add(pair.name());
                } else {
                    if (fingerprint != null) {
                        fingerprints.put(pair.name(), fingerprint);
                    }
                    jobs.add(new Hashing.Job(pair.name(), dir.resolve(pair.name()), pair.source(), pair.replica(),
                            fingerprint != null));
                }
            }
        }
        Map<Name, Hashing.Pair> hashes = hashing.start(pass.source(), pass.replica(), jobs, pass.cancellation());
        return new Prepared() {
            @Override
            public Verdict compare(Action.CompareContent pair, RelPath path) throws IOException {
                return ChecksumCheck.this.compare(pass, pair, path, verified, hashes, fingerprints.get(pair.name()));
            }

            @Override
            public boolean pending(Action.CompareContent pair) {
                Hashing.Pair sides = hashes.get(pair.name());
                return sides != null && !(sides.source().done() && sides.replica().done());
            }
        };
    }

    private Verdict compare(PassContext pass, Action.CompareContent pair, RelPath path, Set<Name> verified,
                            Map<Name, Hashing.Pair> hashes, long[] fingerprint) throws IOException {
        if (verified.contains(pair.name())) {
            return Verdict.trusted(Texts.UNCHANGED_VERIFIED);
        }
        Hashing.Pair sides = hashes.get(pair.name());
        if (sides == null) {
            // A pair found after its directory was prepared (a moved file): its memory asked and its hashes begun now.
            fingerprint = memory == null ? null : memory.fingerprint(pair.source(), pair.replica());
            if (fingerprint != null && recalled(pass, path, pair, fingerprint)) {
                return Verdict.trusted(Texts.UNCHANGED_VERIFIED);
            }
            sides = hashing.start(pass.source(), pass.replica(), List.of(new Hashing.Job(pair.name(), path,
                    pair.source(), pair.replica(), fingerprint != null)), pass.cancellation()).get(pair.name());
        }
        Hashing.Hashed source = sides.source().get(pass.work().md5(), pass.cancellation());
        hooks.afterHashingSource(path);
        Hashing.Hashed replica = sides.replica().get(pass.work().md5(), pass.cancellation());
        if (!Arrays.equals(source.md5(), replica.md5())) {
            return Verdict.differs(source.md5());
        }
        if (fingerprint != null && source.unchanged() && replica.unchanged()) {
            // Each side was examined again once read, and found as listed: this state was verified.
            memory.learn(fingerprint, pair.source(), pair.replica(), pass.startedAt());
        }
        return Verdict.same(Texts.UNCHANGED_SAME_MD5);
    }

    /**
     * Whether the memory knows the pair in this state: as it is, or, where a rename of this pass put its replica
     * entry (or a directory above it) at {@code path}, as that entry was listed at its old path, the source unchanged
     * (a moved directory's files). Then the state as it is now is learned too, for the next pass.
     */
    private boolean recalled(PassContext pass, RelPath path, Action.CompareContent pair, long[] fingerprint) {
        if (memory.recall(fingerprint)) {
            return true;
        }
        RelPath from = pass.moves().before(path);
        var renames = pass.replica().features().renames();
        if (from.equals(path) || renames.isEmpty()) {
            return false;
        }
        Entry was = renames.get().before(pair.replica(), from);
        long[] then = was.identity().equals(pair.replica().identity()) ? null
                : memory.fingerprint(pair.source(), was);
        if (then == null || !memory.recall(then)) {
            return false;
        }
        memory.learn(fingerprint, pair.source(), pair.replica(), pass.startedAt());
        return true;
    }

    /** The pairs whose contents decide: a {@link Action.CompareContent} itself, null for every other kind. */
    private static final Action.Visitor<Action.CompareContent, RuntimeException> PAIRS = new Action.Visitor<>() {
        public Action.CompareContent createDirectory(Action.CreateDirectory action) {
            return null;
        }

        public Action.CompareContent syncDirectory(Action.SyncDirectory action) {
            return null;
        }

        public Action.CompareContent copyNew(Action.CopyNew action) {
            return null;
        }

        public Action.CompareContent move(Action.Move action) {
            return null;
        }

        public Action.CompareContent update(Action.Update action) {
            return null;
        }

        public Action.CompareContent compareContent(Action.CompareContent action) {
            return action;
        }

        public Action.CompareContent syncLink(Action.SyncLink action) {
            return null;
        }

        public Action.CompareContent replaceType(Action.ReplaceType action) {
            return null;
        }

        public Action.CompareContent skipSpecial(Action.SkipSpecial action) {
            return null;
        }

        public Action.CompareContent delete(Action.Delete action) {
            return null;
        }

        public Action.CompareContent skipUnreadable(Action.SkipUnreadable action) {
            return null;
        }
    };
}
