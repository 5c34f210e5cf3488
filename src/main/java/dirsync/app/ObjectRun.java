package dirsync.app;

import dirsync.fs.ForwardingReplicaTree;
import dirsync.fs.LeasedLock;
import dirsync.fs.ObjectStore;
import dirsync.fs.ReplicaFeatures;
import dirsync.fs.ReplicaTree;
import dirsync.sync.LogText;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run with an {@code s3://} replica does besides its passes: it loads the SDK and makes the client before
 * the log is open ({@link #open}: exit 2 if it cannot), checks the bucket once the log is open ({@link #start}:
 * exit 4 if there is none, 5 if the credentials are missing or refused) and, where the store cannot be reached,
 * checks it again at the start of each pass until it answers (a {@link ReplicaFeatures.PassConnection} of the tree
 * it hands the passes), as an sftp:// replica connects per pass. The model is {@link RemoteRun}.
 */
final class ObjectRun implements ReplicaFeatures.PassConnection, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");

    private final Replica.InBucket replica;
    private final Effects effects;
    private final ReplicaTree tree = new Reached();
    private ObjectStore store;
    /** The passes' tree under this run's: the store's, or in a dry run one over it that answers changes as made. */
    private ReplicaTree passTree;
    /** The replica's lock object, once taken: renewed, and released at the end. */
    private final LeaseRenewals lock = new LeaseRenewals();
    /** Why a pass that reached the store could not take the lock (another run holds it), if so. */
    private volatile IOException heldElsewhere;
    /** Why a pass that reached the store was refused it (no bucket, credentials refused), if so. */
    private volatile SameHostGuard.Refusal refused;
    /** Whether the bucket answered (and the run holds the replica): until then each pass checks again. */
    private volatile boolean reached;
    private boolean announced;

    ObjectRun(Replica.InBucket replica, Effects effects) {
        this.replica = replica;
        this.effects = effects;
    }

    /** The tree the passes write to. */
    ReplicaTree tree() {
        return tree;
    }

    /**
     * What names the files kept about the replica (its lock and memory): its address and the endpoint the client was
     * made with, wherever that was found (the environment or the profile). Only once {@link #open} has made it.
     */
    String uri() {
        return replica.uri(store.endpoint());
    }

    /** Whether the bucket has answered: the root can be prepared. */
    boolean reached() {
        return reached;
    }

    /**
     * Before anything is written, the log file included: loads the SDK and makes a client from the environment.
     * Returns exit code 2 if either cannot be done (no SDK jars beside the jar, an endpoint that is not a URL).
     */
    OptionalInt open(RemoteRun.StartFailure fail) {
        try {
            store = ObjectStoreLoader.opener().open(replica.bucket(), replica.prefix(), replica.display(),
                    replica.environment());
        } catch (InvalidSettingsException | IOException e) {
            return OptionalInt.of(fail.stop(LogText.escape(e.getMessage()), ExitCode.USAGE));
        }
        passTree = effects.replica(store.tree());
        return OptionalInt.empty();
    }

    /**
     * Once the log is open: checks the bucket and takes the replica's lock. Returns the exit code to end with if the
     * run must not go on: 3 if another dirsync holds the lock, 4 if there is no such bucket, 5 if the credentials are
     * missing or refused. A store that cannot be reached now is not
     * a reason to stop: each pass tries again (and a --once pass fails with it).
     */
    OptionalInt start(RemoteRun.StartFailure fail) {
        try {
            reach();
            return OptionalInt.empty();
        } catch (LeasedLock.HeldElsewhereException e) {
            announce();
            return OptionalInt.of(fail.stop(LogText.escape(e.getMessage()), ExitCode.ALREADY_RUNNING));
        } catch (ObjectStore.Refusal e) {
            announce();
            SameHostGuard.Refusal refusal = refusal(e);
            LOG.error(LoggingSetup.NOT_ON_CONSOLE, "{}", refusal.getMessage());
            return OptionalInt.of(fail.stop(refusal.getMessage(), refusal.exitCode()));
        } catch (IOException e) {
            LOG.warn("cannot reach replica '{}' now ({}): each pass tries again", LogText.escape(replica.display()),
                    LogText.escape(LogText.reason(e)));
            return OptionalInt.empty();
        }
    }

    /**
     * What stops the run when the store says no: one line, and exit 4 if there is no such bucket, else 5 (credentials
     * missing, refused, or denied the lock object's write).
     */
    private SameHostGuard.Refusal refusal(ObjectStore.Refusal refused) {
        return new SameHostGuard.Refusal("cannot use replica '" + LogText.escape(replica.display()) + "': "
                + LogText.escape(LogText.reason(refused)), refused.kind() == ObjectStore.Refusal.Kind.NO_BUCKET
                ? ExitCode.REPLICA_UNUSABLE : ExitCode.REMOTE_REFUSED);
    }

    /** Logs, once, where the store is and how it is reached: after the run's start line, or before a refusal. */
    void announce() {
        if (!announced) {
            announced = true;
            LOG.info("object store: {}", store.describe());
        }
    }

    /**
     * The bucket checked, then the replica's lock object taken (not in a dry run, which changes nothing): the one
     * place where the run comes to hold the replica, at the start or at the first pass that reaches the store.
     */
    private void reach() throws IOException {
        store.check();
        if (effects.takesLocks() && !lock.holding()) {
            lock.hold(store.lock(RemoteRun.Holder.thisProcess(), RemoteRun.LEASE, RemoteRun.Holder::isGone),
                    RemoteRun.LEASE);
        }
        reached = true;
    }

    /** A pass after a start that found the store unreachable checks it again, then makes the replica's root. */
    @Override
    public void beginPass() throws IOException {
        Optional<IOException> lost = lost();
        if (lost.isPresent()) {
            throw lost.get(); // another run holds the replica now: this pass writes nothing, and the run stops
        }
        if (!reached) {
            try {
                reach();
            } catch (LeasedLock.HeldElsewhereException e) {
                heldElsewhere = e; // the run stops after this pass, with exit 3
                throw e;
            } catch (ObjectStore.Refusal e) {
                refused = refusal(e); // the run stops after this pass, which wrote nothing, with exit 4 or 5
                throw e;
            }
            passTree.prepareRoot();
        }
        Optional<ReplicaFeatures.PassConnection> own = passTree.features().connection();
        if (own.isPresent()) {
            own.get().beginPass();
        }
    }

    @Override
    public Optional<IOException> broken() {
        return passTree.features().broken();
    }

    /** Why this run does not hold the replica: its lock object was taken over, or is held by another run. */
    Optional<IOException> lost() {
        return lock.lost().or(() -> Optional.ofNullable(heldElsewhere));
    }

    /**
     * Why the run must stop with exit 4 or 5: a pass after a start that could not reach the store reached it, and the
     * store said no (the start's own refusal ends the run in {@link #start}).
     */
    Optional<SameHostGuard.Refusal> refusal() {
        return Optional.ofNullable(refused);
    }

    /** Releases the lock object (unless it was lost), then ends the client. */
    @Override
    public void close() {
        lock.close();
        if (store != null) {
            store.close();
        }
    }

    /** The passes' tree, with this run's check of the store before each pass. */
    private final class Reached extends ForwardingReplicaTree {

        @Override
        protected ReplicaTree delegate() throws IOException {
            if (passTree == null) {
                throw new IOException("the object store's client was not made");
            }
            return passTree;
        }

        @Override
        public ReplicaFeatures features() {
            return super.features().withConnection(ObjectRun.this);
        }
    }
}
