package dirsync.app;

import dirsync.fs.LeasedLock;
import dirsync.sync.LogText;
import dirsync.sync.Pools;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's hold on a {@link LeasedLock} (an object store's lock object), as {@link RemoteRun} holds its lock over
 * SFTP: renewed every third of the lease on a timer thread of its own, and released at the end unless it was lost.
 * A renewal that finds the lock taken over records why ({@link #lost}), which stops the run after its pass with
 * exit 3; one that cannot reach the store is left to the next.
 */
final class LeaseRenewals implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");

    private final ScheduledExecutorService timer = Pools.timer("dirsync-lock");
    private volatile LeasedLock lock;
    private volatile IOException lost;

    /** Holds {@code taken} from now on, renewed every third of {@code lease}; a second call is ignored. */
    synchronized void hold(LeasedLock taken, Duration lease) {
        if (lock != null) {
            return;
        }
        lock = taken;
        if (!taken.atomic()) {
            LOG.warn("the object store does not keep conditional writes: the lock {} is a plain lease, and two runs "
                    + "that start at the same moment can both write for up to {} s (see README)", taken.describe(),
                    lease.toSeconds() / 3);
        }
        long every = lease.toMillis() / 3;
        timer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /** Whether a lock is held (taken, and not released). */
    boolean holding() {
        return lock != null;
    }

    /** One renewal now (the timer's, and the tests'). */
    void renew() {
        LeasedLock held = lock;
        if (held == null || lost != null) {
            return;
        }
        try {
            held.renew();
        } catch (LeasedLock.HeldElsewhereException e) {
            lost = e;
            LOG.error("{}", LogText.reason(e));
        } catch (IOException e) {
            LOG.debug("cannot renew the lock {} now: {}", held.describe(), LogText.reason(e));
        }
    }

    /** Why this run no longer holds the replica's lock (another run took it over), if it lost it. */
    Optional<IOException> lost() {
        return Optional.ofNullable(lost);
    }

    /** Stops renewing; releases the lock unless another run took it over. */
    @Override
    public void close() {
        timer.shutdownNow();
        LeasedLock held = lock;
        if (held != null && lost == null) {
            held.close();
        }
    }
}
