package dirsync.fs.sftp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The connection's one {@code sync -f} command, fed a round at a time: an sh loop that reads a line with a round's
 * length, then that many bytes of directories (NUL-separated, through GNU head's {@code -c}, which the probe found
 * reads no further), runs {@code xargs -0 sync -f} on them and prints {@link #SYNCED} with the status. So the rounds
 * of a connection start the user's shell (and its start-up files) once, not once each, and a first copy of many
 * thousand files starts no more commands than one of a few thousand. Started ahead, on a thread of its own, as soon
 * as copies are being written for a round ({@link #startAhead}). Used by one committer at a time.
 */
final class SyncLoop {

    static final String SCRIPT = "while read n; do head -c \"$n\" | xargs -0r sync -f -- 2>/dev/null; "
            + "printf \"dirsync-synced %d\\\\n\" \"$?\"; done";
    static final String COMMAND = "sh -c '" + SCRIPT + "'";
    /** What the loop prints after each round, then the round's exit status and a newline. */
    static final String SYNCED = "dirsync-synced ";
    private static final Duration START = Duration.ofSeconds(30);
    /** An answer longer than this is not the loop's. */
    private static final int MAX_ANSWER = 64;

    /** Starts a command on the server: {@link RemoteConnection#start}, for tests another. */
    @FunctionalInterface
    interface Starter {
        RemoteCommand start(String command, Duration timeout) throws IOException;
    }

    private final Starter starter;
    /** The loop started, starting, or null (not yet, or the last one failed). */
    private CompletableFuture<RemoteCommand> running;

    SyncLoop(Starter starter) {
        this.starter = starter;
    }

    /** Starts the loop on a thread of its own, if it is not running or starting. */
    synchronized void startAhead() {
        if (running == null) {
            running = StartAhead.onThreadOfItsOwn("dirsync-sync-loop", () -> starter.start(COMMAND, START));
        }
    }

    /**
     * Syncs the file systems of the directories in {@code names} (each followed by a NUL) through the loop, waiting
     * at most {@code timeout} for its answer; empty if the loop cannot be started (the caller runs a command of its
     * own). A loop that fails or gives no answer in time is closed, and the next round starts another.
     */
    Optional<RemoteSync.Outcome> sync(byte[] names, Duration timeout) {
        CompletableFuture<RemoteCommand> started;
        synchronized (this) {
            startAhead();
            started = running;
        }
        RemoteCommand command;
        try {
            command = started.join();
        } catch (RuntimeException refused) {
            forget(started);
            return Optional.empty();
        }
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(command::close,
                CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS));
        String answer;
        try {
            OutputStream stdin = command.stdin();
            stdin.write((names.length + "\n").getBytes(StandardCharsets.US_ASCII));
            stdin.write(names);
            stdin.flush();
            answer = readLine(command.stdout());
        } catch (IOException | RuntimeException lost) {
            answer = null;
        } finally {
            watchdog.cancel(false);
        }
        if (answer != null && answer.equals(SYNCED + "0")) {
            return Optional.of(RemoteSync.Outcome.SYNCED);
        }
        command.close();
        forget(started);
        return Optional.of(RemoteSync.Outcome.FAILED);
    }

    /** The next round starts a loop of its own, unless another has been started since {@code failed}. */
    private synchronized void forget(CompletableFuture<RemoteCommand> failed) {
        if (running == failed) {
            running = null;
        }
    }

    /** One line of {@code in} without its newline; null if it ends first or is too long to be the loop's. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (line.size() <= MAX_ANSWER) {
            int next = in.read();
            if (next < 0) {
                return null;
            }
            if (next == '\n') {
                return line.toString(StandardCharsets.US_ASCII);
            }
            line.write(next);
        }
        return null;
    }

    /** Ends the loop, if one runs. */
    synchronized void close() {
        if (running != null) {
            running.thenAccept(RemoteCommand::close);
            running = null;
        }
    }
}
