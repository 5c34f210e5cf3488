package dirsync.app;

import dirsync.fs.ReplicaTree;
import dirsync.fs.dryrun.DryRunReplica;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a run may change, decided once from {@code --dry-run}, for the parts of the run to ask: a real run changes
 * the replica, takes its locks (beside it in the state directory, on the server, and on this host's directory
 * behind an sftp:// replica), writes the status file and leaves the next run its state; a dry run reads all of it
 * and changes none of it.
 */
final class Effects {

    private final boolean dryRun;
    private final Optional<Path> statusFile;

    private Effects(boolean dryRun, Optional<Path> statusFile) {
        this.dryRun = dryRun;
        this.statusFile = statusFile;
    }

    static Effects of(Settings settings) {
        return new Effects(settings.dryRun(), settings.statusFile());
    }

    /** The tree the passes change: {@code tree} itself, or in a dry run one over it that answers each change as made. */
    ReplicaTree replica(ReplicaTree tree) {
        return dryRun ? DryRunReplica.over(tree) : tree;
    }

    /** Whether the run takes the replica's locks (a dry run takes none, so it runs beside a real one). */
    boolean takesLocks() {
        return !dryRun;
    }

    /** Whether the run leaves what the next one takes over: the verified pairs and the files that kept changing. */
    boolean leavesState() {
        return !dryRun;
    }

    /** The status file to write after each pass, if one was asked for and the run is not a dry run. */
    Optional<Path> statusFile() {
        return dryRun ? Optional.empty() : statusFile;
    }

    /** The words the start line ends with: ", dry run", or nothing. */
    String startText() {
        return dryRun ? ", dry run" : "";
    }
}
