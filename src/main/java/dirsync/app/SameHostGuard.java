package dirsync.app;

import dirsync.fs.local.LocalNames;
import dirsync.fs.sftp.RemotePeek;
import dirsync.fs.sftp.SftpLocation;
import dirsync.sync.LogText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.sshd.sftp.client.SftpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first contact with an sftp:// replica's server, before anything is written there: is the replica a
 * directory of this very machine ({@link SameHostProbe})? If so, it is checked as the same directory given as a
 * local replica would be (the same {@link Roots} checks), and that directory's local lock is taken too, so
 * that a run given it as a local path and one given it over SFTP exclude each other. A refusal holds for the rest
 * of the run: every later connection meets it again.
 */
final class SameHostGuard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");

    /** Why the run must not go on with this replica, as one line, and the exit code to end it with. */
    static final class Refusal extends IOException {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        Refusal(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }

    private final Settings settings;
    private final SftpLocation location;
    private final Effects effects;
    // Set by the first connection that got an answer; read by the run's thread and the pass's.
    private volatile SameHostProbe.Verdict verdict;
    private volatile Path onThisHost;
    private volatile Refusal refusal;
    private ReplicaLock localLock;
    private boolean told;

    SameHostGuard(Settings settings, SftpLocation location, Effects effects) {
        this.settings = settings;
        this.location = location;
        this.effects = effects;
    }

    /**
     * Lets a new connection to the server go on, or refuses it. The first one asks the server; later ones take its
     * answer.
     *
     * @throws Refusal     if the replica is a directory of this machine that a local run would refuse (exit 2),
     *                     or that another local run holds (exit 3)
     * @throws IOException if the connection failed while asking (the next connection asks again)
     */
    synchronized void admit(SftpClient sftp) throws IOException {
        if (refusal != null) {
            throw refusal;
        }
        if (verdict != null) {
            return;
        }
        SameHostProbe.Verdict found = SameHostProbe.run(settings.state().lockDirectory(),
                (path, limit) -> RemotePeek.read(sftp, path, limit));
        verdict = found;
        if (found instanceof SameHostProbe.ThisHost) {
            try {
                onThisHost = checkAsLocalReplica(LocalNames.path(location.pathBytes()));
                if (effects.takesLocks()) {
                    localLock = new StateFiles(settings.state(), onThisHost).lock();
                }
            } catch (InvalidSettingsException e) {
                refusal = new Refusal(e.getMessage(), ExitCode.USAGE);
            } catch (ReplicaLock.HeldElsewhereException e) {
                refusal = new Refusal(LogText.escape(e.getMessage()), ExitCode.ALREADY_RUNNING);
            } catch (IOException e) {
                refusal = new Refusal("cannot lock replica '" + LogText.escape(location) + "' on this host: "
                        + LogText.reason(e), ExitCode.USAGE);
            }
            if (refusal != null) {
                throw refusal;
            }
        }
    }

    /**
     * Refuses what the directory {@code here} given as a local replica would be refused for (source and replica
     * overlapping either way, the log file, the status file or a state directory inside either), with the same
     * messages, the replica named as the user wrote it. Returns the directory's real path.
     */
    private Path checkAsLocalReplica(Path here) throws InvalidSettingsException {
        Settings.AsGiven given = settings.asGiven();
        String shown = "'" + LogText.escape(given.replica()) + "' (on this host '" + LogText.escape(here) + "')";
        try {
            Roots roots = Roots.validate(given.source(), here, shown, given.logFile());
            roots.besidesTheTrees(given.statusFile(), settings.state().lockDirectory());
            roots.outsideDirectory(settings.state().memoryDirectory(), "state directory (the hash memory)");
            return roots.replica();
        } catch (InvalidSettingsException e) {
            throw new InvalidSettingsException(LogText.escape(e.getMessage()));
        }
    }

    /** Why this run must not go on with its replica, if a connection found a reason. */
    Optional<Refusal> refusal() {
        return Optional.ofNullable(refusal);
    }

    /** Logs once what the first answered connection found; call once the log is open. */
    synchronized void tell() {
        SameHostProbe.Verdict found = verdict;
        if (told || found == null) {
            return;
        }
        told = true;
        if (found instanceof SameHostProbe.ThisHost && refusal == null) {
            LOG.info("replica '{}' is the directory '{}' of this host: it was checked as a local replica, and is "
                    + "locked as one too", LogText.escape(location), LogText.escape(onThisHost));
        } else if (found instanceof SameHostProbe.CannotTell cannot) {
            LOG.warn("cannot tell whether replica '{}' is on this host ({}): it is treated as another host's "
                    + "directory, which is never checked against the source, the log file or the status file",
                    LogText.escape(location), cannot.reason());
        }
    }

    /** Releases the local lock, if this run took one. */
    @Override
    public synchronized void close() {
        if (localLock != null) {
            try {
                localLock.close();
            } catch (IOException e) {
                // The lock dies with the process anyway.
            }
            localLock = null;
        }
    }
}
