package dirsync.app;

import dirsync.fs.ReplicaTree;
import dirsync.fs.local.LocalTree;
import dirsync.fs.local.Ownership;
import dirsync.fs.sftp.OwnersCarried;
import dirsync.sync.LogText;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica of a run, as a tree for its passes (a local directory, or a directory on another host; in a dry
 * run, one that answers every change as made), and what the run does with it at its start and its end.
 */
final class ReplicaSide implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");

    private final Settings settings;
    private final ReplicaTree tree;
    /** The remote side of the run, or null for a local replica. */
    private final RemoteRun remote;
    /** The object store's side of the run, or null for a replica that is not in one. */
    private final ObjectRun objects;

    private ReplicaSide(Settings settings, ReplicaTree tree, RemoteRun remote, ObjectRun objects) {
        this.settings = settings;
        this.tree = tree;
        this.remote = remote;
        this.objects = objects;
    }

    static ReplicaSide of(Settings settings, Effects effects) {
        if (settings.replica() instanceof Replica.Remote remote) {
            RemoteRun run = new RemoteRun(remote, effects, new SameHostGuard(settings, remote.location(), effects),
                    new OwnersCarried(settings.owners(), settings.groups()));
            return new ReplicaSide(settings, effects.replica(run.replica()), run, null);
        }
        if (settings.replica() instanceof Replica.Local local) {
            return new ReplicaSide(settings, effects.replica(LocalTree.at(local.path(),
                    Ownership.ofThisProcess(settings.owners(), settings.groups()), settings.xattrs())), null, null);
        }
        // Not named before a local replica is ruled out: a local run loads none of the object store's classes.
        ObjectRun run = new ObjectRun((Replica.InBucket) settings.replica(), effects);
        return new ReplicaSide(settings, run.tree(), null, run);
    }

    /** The tree the passes write to. */
    ReplicaTree tree() {
        return tree;
    }

    /**
     * Before the files kept about the replica are named, and before anything is written: an object store's client is
     * made from the environment and the profile (no request sent), since the endpoint it finds is part of the
     * replica's identity ({@link #uri}). Returns the exit code to end the run with (2), if it cannot be made.
     */
    OptionalInt configure(RemoteRun.StartFailure fail) {
        return objects == null ? OptionalInt.empty() : objects.open(fail);
    }

    /** What names the files kept about the replica (see StateFiles); after {@link #configure}. */
    String uri() {
        if (settings.replica() instanceof Replica.Local local) {
            return local.uri();
        }
        if (settings.replica() instanceof Replica.Remote sftp) {
            return sftp.uri();
        }
        return objects.uri();
    }

    /**
     * Before anything is written, the log file included, and after the replica's local lock is taken: a remote replica
     * is connected to and, if it is a directory of this host, checked as a local one. Returns the exit code to end
     * the run with, if it is refused.
     */
    OptionalInt open(RemoteRun.StartFailure fail) {
        return remote == null ? OptionalInt.empty() : remote.open(fail);
    }

    /**
     * Once the log is open, gets the replica ready before the first pass: connected (remote) and its root created.
     * Returns the exit code to end the run with, if it cannot go on.
     */
    OptionalInt start(RemoteRun.StartFailure fail) {
        if (remote != null) {
            OptionalInt refused = remote.start(fail);
            if (refused.isPresent() || remote.replica().currentClient().isEmpty()) {
                return refused; // refused; or unreachable for now, and each pass tries again
            }
        }
        if (objects != null) {
            OptionalInt refused = objects.start(fail);
            if (refused.isPresent() || !objects.reached()) {
                return refused; // refused; or unreachable for now, and each pass checks again
            }
        }
        try {
            tree.prepareRoot();
            return OptionalInt.empty();
        } catch (IOException e) {
            // The lock and the log file were written: not "nothing was touched", but nothing in the replica.
            announce();
            LOG.error(LoggingSetup.NOT_ON_CONSOLE, "cannot create replica '{}': {}",
                    LogText.escape(settings.replica().display()),
                    LogText.reason(e));
            return OptionalInt.of(fail.stop("cannot create replica '" + LogText.escape(settings.asGiven().replica())
                    + "': " + LogText.reason(e), ExitCode.REPLICA_UNUSABLE));
        }
    }

    /** Logs, after the run's start line, what the start's connection said (nothing for a local replica). */
    void announce() {
        if (remote != null) {
            remote.announce();
        }
        if (objects != null) {
            objects.announce();
        }
    }

    /** Why the run no longer holds the replica (another run took its remote lock over), if so. */
    Optional<IOException> lost() {
        if (objects != null) {
            return objects.lost();
        }
        return remote == null ? Optional.empty() : remote.lockLost();
    }

    /**
     * Why the run must stop: a connection made after the start found the replica to be a refused directory of this
     * host (one made at the start refuses it in {@link #open}); an object store first reached after the start refused
     * the bucket or the credentials.
     */
    Optional<SameHostGuard.Refusal> refusal() {
        if (objects != null) {
            return objects.refusal();
        }
        return remote == null ? Optional.empty() : remote.refusal();
    }

    @Override
    public void close() {
        if (remote != null) {
            remote.close();
        }
        if (objects != null) {
            objects.close();
        }
    }
}
