package dirsync.app;

import dirsync.fs.sftp.RemoteConnection;
import dirsync.fs.sftp.RemoteLock;
import dirsync.fs.sftp.RemoteReplica;
import dirsync.fs.sftp.ReplicaNotCreatedException;
import dirsync.fs.sftp.SshConnector;
import dirsync.fs.sftp.SshSetupException;
import dirsync.sync.LogText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.sftp.client.SftpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run with an sftp:// replica does besides its passes: it connects (the replica reconnects per pass
 * through it), holds the replica's lock on the server and renews it every third of its lease, and tells the log
 * what each connection offers. At the start it refuses, with its own exit code, what only the user can fix.
 */
final class RemoteRun implements RemoteReplica.Connecting, RemoteReplica.Listener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");
    /** A lock not renewed for this long was left by a run that died. */
    static final Duration LEASE = Duration.ofSeconds(60);

    private final Replica.Remote remote;
    private final boolean dryRun;
    private final SshConnector connector = new SshConnector();
    private final RemoteReplica replica;
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "dirsync-lock");
        thread.setDaemon(true);
        return thread;
    });
    private volatile RemoteLock lock;
    private volatile IOException lockLost;

    RemoteRun(Replica.Remote remote, boolean dryRun) {
        this.remote = remote;
        this.dryRun = dryRun;
        this.replica = new RemoteReplica(remote.location(), this, this);
    }

    /** The replica tree the passes write to. */
    RemoteReplica replica() {
        return replica;
    }

    /**
     * Connects at the start. Returns the exit code to end with if the run must not go on: 3 if another dirsync
     * holds the replica, 4 if the server refused to create its lock or the directories to it, 5 if the host or the
     * key was refused. A host that cannot be reached now is not a reason
     * to stop: each pass tries again (and a --once pass fails with it).
     */
    OptionalInt start(StartFailure fail) {
        try {
            replica.connect();
            return OptionalInt.empty();
        } catch (RemoteLock.HeldElsewhereException e) {
            return OptionalInt.of(fail.stop(e.getMessage(), ExitCode.ALREADY_RUNNING));
        } catch (SshSetupException e) {
            LOG.error("cannot use replica '{}': {}", remote.display(), LogText.reason(e));
            return OptionalInt.of(fail.stop(e.getMessage(), ExitCode.REMOTE_REFUSED));
        } catch (ReplicaNotCreatedException e) {
            // As for a local replica that cannot be created: the run started, nothing in the replica was changed.
            String reason = LogText.escape(LogText.reason(e));
            LOG.error("cannot create replica '{}': {}", LogText.escape(remote.display()), reason);
            return OptionalInt.of(fail.stop("cannot create replica '" + LogText.escape(remote.display()) + "': "
                    + reason, ExitCode.REPLICA_UNUSABLE));
        } catch (IOException e) {
            LOG.warn("cannot reach replica '{}' now ({}): each pass tries again", remote.display(),
                    LogText.reason(e));
            return OptionalInt.empty();
        }
    }

    /** How the start reports a reason to stop: one line on stderr, and the exit code. */
    @FunctionalInterface
    interface StartFailure {
        int stop(String message, int exitCode);
    }

    @Override
    public RemoteConnection connect() throws IOException {
        return connector.connect(remote.location(), remote.ssh());
    }

    @Override
    public void lock(SftpClient client) throws IOException {
        if (dryRun) {
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
            LOG.error("error: {}", LogText.reason(e));
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
        RemoteConnection remoteConnection = connection.remote();
        if (!first) {
            LOG.info("reconnected to {}", remoteConnection.describe());
            return;
        }
        remoteConnection.addedHostKey().ifPresent(line -> LOG.warn("added the host key of {} to known_hosts "
                + "(--accept-new-host-key): {}", remoteConnection.describe(), line));
        LOG.info("connected to {}: files are {}", remoteConnection.describe(), connection.serverHashing()
                ? "hashed on the server with md5sum" : "read over SFTP to hash them (the server has no md5sum)");
        if (!connection.tree().capabilities().atomicReplace() || !connection.tree().capabilities().durableWrites()) {
            LOG.warn("the server {} does not offer {}: no file can be written there (dirsync never writes a file "
                    + "in place)", remoteConnection.describe(), !connection.tree().capabilities().atomicReplace()
                    ? "posix-rename@openssh.com" : "fsync@openssh.com");
        }
    }

    /** Releases the lock and closes the connection. */
    @Override
    public void close() {
        renewals.shutdownNow();
        RemoteLock held = lock;
        if (held != null && lockLost == null) {
            held.close();
        }
        replica.disconnect();
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
                String text = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
                return text.isEmpty() || text.contains(" ") ? "?" : text;
            } catch (IOException | RuntimeException unknown) {
                return "?";
            }
        }
    }
}
