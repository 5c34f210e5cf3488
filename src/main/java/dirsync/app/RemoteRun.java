package dirsync.app;

import dirsync.fs.local.KernelFiles;
import dirsync.fs.sftp.OwnersCarried;
import dirsync.fs.sftp.RemoteConnection;
import dirsync.fs.sftp.RemoteLock;
import dirsync.fs.sftp.RemoteReplica;
import dirsync.fs.sftp.ReplicaNotCreatedException;
import dirsync.fs.sftp.SshConnector;
import dirsync.fs.sftp.SshSetupException;
import dirsync.sync.LogText;
import dirsync.sync.Pools;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.sftp.client.SftpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run with an sftp:// replica does besides its passes: it connects (the replica reconnects per pass
 * through it), lets its {@link SameHostGuard} look at each connection before anything is written, holds the
 * replica's lock on the server and renews it every third of its lease, and tells the log what each connection
 * offers. At the start it refuses, with its own exit code, what only the user can fix.
 */
final class RemoteRun implements RemoteReplica.Connecting, RemoteReplica.Listener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");
    /** A lock not renewed for this long was left by a run that died. */
    static final Duration LEASE = Duration.ofSeconds(60);
    private static final Duration RENEWAL_END = Duration.ofSeconds(30); // waited for a renewal: a hang guard

    private final Replica.Remote remote;
    private final Effects effects;
    private final SameHostGuard guard;
    private final SshConnector connector = new SshConnector();
    private final RemoteReplica replica;
    private final ScheduledExecutorService renewals = Pools.timer("dirsync-lock");
    private volatile RemoteLock lock;
    private volatile IOException lockLost;
    /** Between {@link #open} and {@link #start}: the connection made before the log was open, or why there is none. */
    private RemoteConnection opened;
    private IOException openFailure;
    private volatile boolean started;
    /** The lines of the first connection, held until the run's start line is out ({@link #announce}). */
    private final java.util.List<Runnable> untold = new java.util.ArrayList<>();
    private boolean announced;

    RemoteRun(Replica.Remote remote, Effects effects, SameHostGuard guard, OwnersCarried owners) {
        this.remote = remote;
        this.effects = effects;
        this.guard = guard;
        this.replica = new RemoteReplica(remote.location(), this, this, owners);
    }

    /** The replica tree the passes write to. */
    RemoteReplica replica() {
        return replica;
    }

    /**
     * Connects before anything else is written, the log file included, and finds out whether the replica is a
     * directory of this machine. Returns the exit code to end with if that directory is refused (2, with the
     * message a local replica there gets) or held by a local run (3). Any other failure is the start's to tell.
     */
    OptionalInt open(StartFailure fail) {
        try {
            opened = connect();
        } catch (SameHostGuard.Refusal refused) {
            return OptionalInt.of(fail.stop(refused.getMessage(), refused.exitCode()));
        } catch (IOException e) {
            openFailure = e;
        }
        return OptionalInt.empty();
    }

    /**
     * Once the log is open: takes the lock on the server and gets the replica ready. Returns the exit code to end
     * with if the run must not go on: 3 if another dirsync holds the replica, 4 if the server refused to create its
     * lock or the directories to it, 5 if the host or the key was refused.
     * A host that cannot be reached now is not a reason to stop: each pass tries again (and a --once pass fails
     * with it).
     */
    OptionalInt start(StartFailure fail) {
        started = true;
        tell(guard::tell);
        try {
            if (openFailure != null) {
                throw openFailure;
            }
            replica.connect();
            return OptionalInt.empty();
        } catch (RemoteLock.HeldElsewhereException e) {
            announce();
            return OptionalInt.of(fail.stop(e.getMessage(), ExitCode.ALREADY_RUNNING));
        } catch (SshSetupException e) {
            announce();
            LOG.error(LoggingSetup.NOT_ON_CONSOLE, "cannot use replica '{}': {}", remote.display(),
                    LogText.reason(e));
            return OptionalInt.of(fail.stop(e.getMessage(), ExitCode.REMOTE_REFUSED));
        } catch (ReplicaNotCreatedException e) {
            // As for a local replica that cannot be created: the run started, nothing in the replica was changed.
            announce();
            String reason = LogText.escape(LogText.reason(e));
            LOG.error(LoggingSetup.NOT_ON_CONSOLE, "cannot create replica '{}': {}", LogText.escape(remote.display()),
                    reason);
            return OptionalInt.of(fail.stop("cannot create replica '" + LogText.escape(remote.display()) + "': "
                    + reason, ExitCode.REPLICA_UNUSABLE));
        } catch (IOException e) {
            LOG.warn("cannot reach replica '{}' now ({}): each pass tries again", remote.display(),
                    LogText.reason(e));
            return OptionalInt.empty();
        } finally {
            openFailure = null;
        }
    }

    /**
     * Logs what the first connection said (the host key it added, what the server offers), held since the start
     * so that it follows the run's start line; later connections log at once. A start that is refused logs it
     * before its reason.
     */
    synchronized void announce() {
        announced = true;
        untold.forEach(Runnable::run);
        untold.clear();
    }

    private synchronized void tell(Runnable lines) {
        if (announced) {
            lines.run();
        } else {
            untold.add(lines);
        }
    }

    /** How the start reports a reason to stop: one line on stderr, and the exit code. */
    @FunctionalInterface
    interface StartFailure {
        int stop(String message, int exitCode);
    }

    /** A connection the guard has let through: the one {@link #open} made, once, and new ones after it. */
    @Override
    public RemoteConnection connect() throws IOException {
        RemoteConnection made = opened;
        opened = null;
        if (made != null && made.isOpen()) {
            return made;
        }
        made = connector.connect(remote.location(), remote.ssh());
        // The channels, the server's probe and the first find start now, and overlap the guard and the lock: none
        // of them writes anything, and the find lists the replica only when the first pass asks, lock held.
        made.startAhead(remote.location().pathText());
        try {
            guard.admit(made.sftp());
        } catch (IOException | RuntimeException e) {
            made.close();
            throw e;
        }
        if (started) {
            tell(guard::tell);
        }
        return made;
    }

    /** Why this run must not go on with its replica (a connection found it is a refused directory of this host). */
    Optional<SameHostGuard.Refusal> refusal() {
        return guard.refusal();
    }

    @Override
    public void lock(SftpClient client) throws IOException {
        if (!effects.takesLocks()) {
            return; // a dry run changes nothing, and takes no lock (as locally)
        }
        RemoteLock held = lock;
        if (held != null) {
            try {
                held.renew(client); // a new connection: the lock must still be this run's
            } catch (RemoteLock.HeldElsewhereException e) {
                lockLost = e;
                throw e;
            }
            return;
        }
        lock = RemoteLock.acquire(client, remote.location().pathText(), Holder.thisProcess(), LEASE,
                Holder::isGone);
        long every = LEASE.toMillis() / 3;
        renewals.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    private void renew() {
        Optional<SftpClient> client = replica.currentClient();
        RemoteLock held = lock;
        if (client.isEmpty() || held == null || lockLost != null) {
            return; // no connection now: the next pass reconnects and renews
        }
        try {
            held.renew(client.get());
        } catch (RemoteLock.HeldElsewhereException e) {
            lockLost = e;
            LOG.error("{}", LogText.reason(e));
        } catch (IOException e) {
            LOG.debug("cannot renew the lock on '{}' now: {}", remote.display(), LogText.reason(e));
        }
    }

    /** Why this run no longer holds the replica's lock (another run took it over), if it lost it. */
    Optional<IOException> lockLost() {
        return Optional.ofNullable(lockLost);
    }

    @Override
    public void connected(RemoteReplica.Connection connection, boolean first) {
        tell(() -> tellConnected(connection, first));
    }

    private static void tellConnected(RemoteReplica.Connection connection, boolean first) {
        RemoteConnection remoteConnection = connection.remote();
        if (!first) {
            LOG.info("reconnected to {}", remoteConnection.describe());
            return;
        }
        remoteConnection.addedHostKey().ifPresent(line -> LOG.warn("added the host key of {} to known_hosts "
                + "(--accept-new-host-key): {}", remoteConnection.describe(), line));
        LOG.info("connected to {}: {}", remoteConnection.describe(), connection.offers());
        if (!connection.tree().capabilities().atomicReplace() || !connection.durableWrites()) {
            LOG.warn("the server {} does not offer {}: no file can be written there (dirsync never writes a file "
                    + "in place)", remoteConnection.describe(), !connection.tree().capabilities().atomicReplace()
                    ? "posix-rename@openssh.com" : "fsync@openssh.com, and runs no sync -f");
        }
    }

    /**
     * Releases the lock (over the current connection, if any) once a renewal under way has ended (never cut: one cut
     * between truncating the lease and writing it left it without our token, kept), and closes the connection.
     */
    @Override
    public void close() {
        renewals.shutdown();
        try {
            if (!renewals.awaitTermination(RENEWAL_END.toMillis(), TimeUnit.MILLISECONDS)) {
                renewals.shutdownNow(); // a hang guard: a renewal stuck on a dead connection
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RemoteLock held = lock;
        if (held != null && lockLost == null) {
            held.release(replica.currentClient());
        }
        replica.disconnect();
        RemoteConnection unused = opened;
        opened = null;
        if (unused != null) {
            unused.close();
        }
        guard.close();
    }

    /** Who holds a lock: this host, its boot and a pid, so that a run on the same host can tell a dead holder. */
    static final class Holder {
        private Holder() {
        }

        static String thisProcess() {
            return "host " + read("/proc/sys/kernel/hostname") + " boot " + read("/proc/sys/kernel/random/boot_id")
                    + " pid " + ProcessHandle.current().pid();
        }

        /** A holder on this host, since this boot, whose process is gone: its lock need not wait out its lease. */
        static boolean isGone(String holder) {
            String[] words = holder.split(" ");
            if (words.length != 6 || !words[0].equals("host") || !words[2].equals("boot") || !words[4].equals("pid")) {
                return false;
            }
            String[] mine = thisProcess().split(" ");
            try {
                return words[1].equals(mine[1]) && words[3].equals(mine[3]) && !words[3].equals("?")
                        && ProcessHandle.of(Long.parseLong(words[5])).isEmpty();
            } catch (NumberFormatException e) {
                return false;
            }
        }

        private static String read(String file) {
            try {
                String text = KernelFiles.read(Path.of(file)).strip();
                return text.isEmpty() || text.contains(" ") ? "?" : text;
            } catch (IOException | RuntimeException unknown) {
                return "?";
            }
        }
    }
}
