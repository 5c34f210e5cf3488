package dirsync.sync;

import java.util.OptionalLong;

/**
 * How a pass behaves beyond mirroring.
 *
 * @param dryRun           decide and report everything, change nothing
 * @param allowEmptySource let an empty source empty a non-empty replica (otherwise that pass deletes nothing:
 *                         an unmounted disk looks exactly like an empty directory)
 * @param maxDelete        if present, a pass that would delete more entries than this deletes none of them
 */
public record SyncOptions(boolean dryRun, boolean allowEmptySource, OptionalLong maxDelete) {

    public SyncOptions {
        if (maxDelete.isPresent() && maxDelete.getAsLong() < 0) {
            throw new IllegalArgumentException("maxDelete must not be negative: " + maxDelete.getAsLong());
        }
    }

    public static SyncOptions defaults() {
        return new SyncOptions(false, false, OptionalLong.empty());
    }

    public SyncOptions withDryRun(boolean on) {
        return new SyncOptions(on, allowEmptySource, maxDelete);
    }
}
