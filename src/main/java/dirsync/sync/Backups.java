package dirsync.sync;

import dirsync.fs.Backup;
import dirsync.fs.Cancellation;
import dirsync.fs.Entry;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import java.io.IOException;
import java.util.Optional;

/** Where a pass keeps what it deletes or overwrites, if the user asked for backups: the one place that decides. */
final class Backups {

    /** This pass's backup directory, and the replica's way of keeping entries there. */
    record Destination(Backup backup, ReplicaFeatures.BackupKeeping keeping) {
    }

    private final Optional<Destination> destination;
    private final Cancellation cancellation;

    Backups(Optional<Destination> destination, Cancellation cancellation) {
        this.destination = destination;
        this.cancellation = cancellation;
    }

    boolean active() {
        return destination.isPresent();
    }

    /** Keeps the current version of a file or link about to be replaced; returns whether one was kept. */
    boolean keepBeforeReplacing(RelPath path, Entry replaced) throws IOException {
        if (replaced == null || destination.isEmpty()) {
            return false;
        }
        destination.get().keeping().keepInBackup(path, destination.get().backup());
        return true;
    }

    /** Moves an entry (a directory with all it holds) into the backup; the caller checked {@link #active()}. */
    void move(RelPath path) throws IOException {
        Destination to = destination.orElseThrow();
        to.keeping().moveToBackup(path, to.backup(), cancellation);
    }
}
