package dirsync.fs.sftp;

import dirsync.fs.HelperFailures;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.sshd.sftp.client.SftpClient;

/**
 * What a replica's connection starts as soon as it is up, each on a thread of its own, so that their round trips
 * and the server's shell starts overlap one another and the run's same-host check and lock (which are done in
 * order on the first channel meanwhile): the further SFTP channels, and one command that is the
 * {@link ServerCommands} probe and then the first pass's find ({@link ServerCommands#probeThenFind}), held until the
 * pass lists the root, so that it lists the replica only once the lock is held (one command: each starts the user's
 * shell and its start-up files, half a second of CPU where root's .bashrc runs pyenv). Nothing here writes on the
 * server, so a connection that its run then refuses (a same-host replica, a held lock) has changed nothing. Each is
 * taken when needed, and waited for then.
 */
public final class StartAhead implements AutoCloseable {

    /** A step that may fail as I/O does. */
    @FunctionalInterface
    interface Step<T> {
        T run() throws IOException;
    }

    private final CompletableFuture<List<SftpClient>> channels;
    /** The probe's answer and the first pass's find: one command ({@link ServerCommands#probeThenFind}). */
    private final CompletableFuture<ServerCommands.Probed> probed;
    private boolean findTaken;

    private StartAhead(CompletableFuture<List<SftpClient>> channels,
                       CompletableFuture<ServerCommands.Probed> probed) {
        this.channels = channels;
        this.probed = probed;
    }

    /** Starts both over {@code connection}, for the replica at {@code rootText}, {@code count} channels. */
    static StartAhead begin(RemoteConnection connection, String rootText, int count) {
        return new StartAhead(
                onThreadOfItsOwn("dirsync-sftp-channels", () -> connection.sftpChannels(count)),
                onThreadOfItsOwn("dirsync-server-probe", () -> ServerCommands.probeThenFind(connection, rootText)));
    }

    /** The SFTP channels, the first one first, once all are open. */
    List<SftpClient> channels() throws IOException {
        return await(channels);
    }

    /** What commands the server runs (the probe's answer; {@link ServerCommands#NONE} if it failed). */
    ServerCommands commands() throws IOException {
        return await(probed).commands();
    }

    /**
     * The first pass's find, waiting for its go, once; empty afterwards, or if it could not be started (the
     * pass then starts a find of its own).
     */
    Optional<RemoteCommand> takeFind() {
        synchronized (this) {
            if (findTaken) {
                return Optional.empty();
            }
            findTaken = true;
        }
        try {
            return await(probed).find();
        } catch (IOException notStarted) {
            return Optional.empty();
        }
    }

    /** Ends the find if no pass took it (the rest closes with the connection). */
    @Override
    public void close() {
        synchronized (this) {
            if (findTaken) {
                return;
            }
            findTaken = true;
        }
        probed.thenAccept(started -> started.find().ifPresent(RemoteCommand::close));
    }

    /** Runs {@code step} on a new daemon thread named {@code name}. */
    static <T> CompletableFuture<T> onThreadOfItsOwn(String name, Step<T> step) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(step.run());
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** What {@code future} gave, its failure as thrown. */
    static <T> T await(CompletableFuture<T> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting");
        } catch (ExecutionException e) {
            throw HelperFailures.rethrown(e.getCause());
        }
    }
}
