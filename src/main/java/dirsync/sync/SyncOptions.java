package dirsync.sync;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How a pass behaves beyond mirroring.
 *
 * @param allowEmptySource let an empty source empty a non-empty replica (otherwise that pass deletes nothing:
 *                         an unmounted disk looks exactly like an empty directory)
 * @param maxDelete        if present, a pass that would delete more entries than this deletes none of them
 * @param excludes         entries left out of the mirror: neither copied nor deleted
 * @param deleteExcluded   delete what the replica holds at excluded paths after all
 * @param backupDir        if present, every replica entry a pass deletes or overwrites is moved (or, for an
 *                         overwrite, linked or copied) under {@code backupDir/<pass start time>/<its path>} first
 * @param rememberHashes   let later passes of this process trust pairs verified equal whose state has not
 *                         changed since (see {@link VerifiedPairs}) instead of hashing them again
 * @param compare          how two files of the same size are judged
 * @param hardLinks        source files that share an inode share one in the replica too (where it can)
 * @param deleteWindow     how far back {@code maxDelete} counts: zero for each pass alone; else the deletions of
 *                         all passes that started less than this long ago count together, and a refusal holds
 *                         every deletion back until this long after the refused pass started (watch mode, where
 *                         one {@code rm -rf} arrives as many small passes)
 * @param copyUnsettled    a file found changing during its copy in the passes just before (see {@link Unsettled})
 *                         is copied as read, verified against itself, with a warning, instead of being an error
 */
public record SyncOptions(boolean allowEmptySource, OptionalLong maxDelete, Excludes excludes,
                          boolean deleteExcluded, Optional<Path> backupDir, boolean rememberHashes, Compare compare,
                          boolean hardLinks, Duration deleteWindow, boolean copyUnsettled) {

    /** How two regular files of the same size are judged equal. */
    public enum Compare {
        /** By MD5 of their contents, whatever their times say (the default). */
        CHECKSUM,
        /**
         * By modification time alone, as rsync does by default: equal times mean equal files, without reading
         * them. Faster, blind to a change that keeps both size and time; a differing time means a copy.
         */
        QUICK
    }

    public SyncOptions {
        Objects.requireNonNull(excludes, "excludes");
        Objects.requireNonNull(backupDir, "backupDir");
        Objects.requireNonNull(compare, "compare");
        Objects.requireNonNull(deleteWindow, "deleteWindow");
        if (deleteWindow.isNegative()) {
            throw new IllegalArgumentException("deleteWindow must not be negative: " + deleteWindow);
        }
        if (maxDelete.isPresent() && maxDelete.getAsLong() < 0) {
            throw new IllegalArgumentException("maxDelete must not be negative: " + maxDelete.getAsLong());
        }
    }

    public static SyncOptions defaults() {
        return new SyncOptions(false, OptionalLong.empty(), Excludes.none(), false, Optional.empty(), true,
                Compare.CHECKSUM, true, Duration.ZERO, false);
    }

    public SyncOptions withAllowEmptySource(boolean on) {
        return new SyncOptions(on, maxDelete, excludes, deleteExcluded, backupDir, rememberHashes, compare,
                hardLinks, deleteWindow, copyUnsettled);
    }

    public SyncOptions withMaxDelete(long limit) {
        return new SyncOptions(allowEmptySource, OptionalLong.of(limit), excludes, deleteExcluded, backupDir,
                rememberHashes, compare, hardLinks, deleteWindow, copyUnsettled);
    }

    public SyncOptions withExcludes(Excludes rules, boolean deleteThem) {
        return new SyncOptions(allowEmptySource, maxDelete, rules, deleteThem, backupDir, rememberHashes, compare,
                hardLinks, deleteWindow, copyUnsettled);
    }

    public SyncOptions withBackupDir(Path dir) {
        return new SyncOptions(allowEmptySource, maxDelete, excludes, deleteExcluded, Optional.of(dir),
                rememberHashes, compare,
                hardLinks, deleteWindow, copyUnsettled);
    }

    public SyncOptions withRememberHashes(boolean on) {
        return new SyncOptions(allowEmptySource, maxDelete, excludes, deleteExcluded, backupDir, on, compare, hardLinks,
                deleteWindow, copyUnsettled);
    }

    public SyncOptions withHardLinks(boolean on) {
        return new SyncOptions(allowEmptySource, maxDelete, excludes, deleteExcluded, backupDir, rememberHashes,
                compare, on, deleteWindow, copyUnsettled);
    }

    public SyncOptions withDeleteWindow(Duration window) {
        return new SyncOptions(allowEmptySource, maxDelete, excludes, deleteExcluded, backupDir, rememberHashes,
                compare, hardLinks, window, copyUnsettled);
    }

    /** The same, copying files that do not settle as read ({@code --copy-unsettled}), or not. */
    public SyncOptions withCopyUnsettled(boolean on) {
        return new SyncOptions(allowEmptySource, maxDelete, excludes, deleteExcluded, backupDir, rememberHashes,
                compare, hardLinks, deleteWindow, on);
    }

    public SyncOptions withCompare(Compare how) {
        return new SyncOptions(allowEmptySource, maxDelete, excludes, deleteExcluded, backupDir,
                rememberHashes, how, hardLinks, deleteWindow, copyUnsettled);
    }
}
