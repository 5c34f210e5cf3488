package dirsync.sync;

import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import java.io.IOException;
import java.util.List;

/** How two regular files of the same size are judged equal: a strategy chosen once per synchronizer. */
interface ContentCheck {

    /** Starts what can be done ahead for one directory's comparisons (e.g. hashing on helper threads). */
    Prepared prepare(PassContext pass, RelPath dir, List<Action> actions);

    /** One directory's comparisons, asked one pair at a time on the pass thread, in name order. */
    interface Prepared {
        Verdict compare(Action.CompareContent pair, RelPath path) throws IOException;

        /**
         * Whether this pair's hashes were begun when the directory was prepared and have not all ended: then
         * {@link #compare} would wait for them.
         */
        default boolean pending(Action.CompareContent pair) {
            return false;
        }
    }

    /**
     * @param same      whether the contents are equal
     * @param trusted   equal on the word of the hash memory: neither side changed in any way (change time
     *                  included) since an earlier pass verified them, so their other attributes need no reading either
     * @param how       for equal files, the debug text saying how that is known
     * @param sourceMd5 for differing files, the source's MD5 if it was computed (the copy must match it), or null
     */
    record Verdict(boolean same, boolean trusted, String how, byte[] sourceMd5) {
        static Verdict same(String how) {
            return new Verdict(true, false, how, null);
        }

        static Verdict trusted(String how) {
            return new Verdict(true, true, how, null);
        }

        static Verdict differs(byte[] sourceMd5) {
            return new Verdict(false, false, null, sourceMd5);
        }
    }

    /**
     * Equal modification times mean equal files, as rsync's default: no file is read. Equal as the replica keeps
     * times ({@code grain}: to the whole second over SFTP).
     */
    static ContentCheck quick(ReplicaFeatures.TimeGrain grain) {
        return (pass, dir, actions) -> (pair, path) -> grain.same(pair.source().modified(), pair.replica().modified())
                ? Verdict.same(Texts.UNCHANGED_SAME_TIME) : Verdict.differs(null);
    }
}
