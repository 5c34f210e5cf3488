package dirsync.sync;

import dirsync.fs.ReplicaTree;
import dirsync.fs.dryrun.DryRunReplica;
import dirsync.fs.local.LocalTree;
import java.nio.file.Path;
import java.time.Clock;

/** Synchronizers over local directories, wired as the application wires them (a dry run is its own replica). */
final class Mirrors {

    private Mirrors() {
    }

    static Synchronizer of(Path source, Path replica, boolean dryRun) {
        return of(source, replica, SyncOptions.defaults().withDryRun(dryRun));
    }

    static Synchronizer of(Path source, Path replica, SyncOptions options) {
        return of(source, replica, options, Clock.systemUTC());
    }

    static Synchronizer of(Path source, Path replica, SyncOptions options, Clock clock) {
        return of(source, replica, options, clock, PassHooks.NONE);
    }

    static Synchronizer of(Path source, Path replica, SyncOptions options, PassHooks hooks) {
        return of(source, replica, options, Clock.systemUTC(), hooks);
    }

    static Synchronizer of(Path source, Path replica, SyncOptions options, Clock clock, PassHooks hooks) {
        ReplicaTree tree = LocalTree.at(replica);
        return new Synchronizer(LocalTree.at(source), options.dryRun() ? DryRunReplica.over(tree) : tree, options,
                clock, hooks);
    }
}
