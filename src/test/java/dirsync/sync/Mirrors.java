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
        return dryRun ? dryRun(source, replica, SyncOptions.defaults()) : of(source, replica, SyncOptions.defaults());
    }

    /** A dry run: the replica is a {@link DryRunReplica} over the directory. */
    static Synchronizer dryRun(Path source, Path replica, SyncOptions options) {
        return new Synchronizer(LocalTree.at(source), DryRunReplica.over(LocalTree.at(replica)), options);
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
        return of(source, LocalTree.at(replica), options, clock, hooks);
    }

    /** The same, with the replica reached through a tree of the caller's (one on another provider or host). */
    static Synchronizer of(Path source, ReplicaTree replica, boolean dryRun) {
        return dryRun ? new Synchronizer(LocalTree.at(source), DryRunReplica.over(replica), SyncOptions.defaults())
                : of(source, replica, SyncOptions.defaults(), Clock.systemUTC(), PassHooks.NONE);
    }

    static Synchronizer of(Path source, ReplicaTree replica, SyncOptions options, PassHooks hooks) {
        return of(source, replica, options, Clock.systemUTC(), hooks);
    }

    static Synchronizer of(Path source, ReplicaTree replica, SyncOptions options, Clock clock) {
        return of(source, replica, options, clock, PassHooks.NONE);
    }

    static Synchronizer of(Path source, ReplicaTree replica, SyncOptions options, Clock clock, PassHooks hooks) {
        return new Synchronizer(LocalTree.at(source), replica, options, clock, hooks);
    }
}
