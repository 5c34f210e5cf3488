package dirsync.sync;

import dirsync.fs.Backup;
import dirsync.fs.Cancellation;
import dirsync.fs.Entry;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaTree;
import java.io.IOException;
import java.util.Optional;

/** Where a pass keeps what it deletes or overwrites, if the user asked for backups: the one place that decides. */
final class Backups {

    private final ReplicaTree replica;
    private final Optional<Backup> backup;
    private final Cancellation cancellation;

    Backups(ReplicaTree replica, Optional<Backup> backup, Cancellation cancellation) {
        this.replica = replica;
        this.backup = backup;
        this.cancellation = cancellation;
    }

    boolean active() {
        return backup.isPresent();
    }

    /** Keeps the current version of a file or link about to be replaced; returns whether one was kept. */
    boolean keepBeforeReplacing(RelPath path, Entry replaced) throws IOException {
        if (replaced == null || backup.isEmpty()) {
            return false;
        }
        replica.keepInBackup(path, backup.get());
        return true;
    }

    /** Moves an entry (a directory with all it holds) into the backup; the caller checked {@link #active()}. */
    void move(RelPath path) throws IOException {
        replica.moveToBackup(path, backup.orElseThrow(), cancellation);
    }
}
