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
 * <p>
 * What the user's start-up files print before the loop runs is skipped: only a line that begins with {@link #SYNCED}
 * answers. A loop that gives no answer (it ended, stopped answering, or printed too much else) tells nothing about the
 * round: the caller syncs that round with a command of its own, as where the loop cannot start.
 */
final class SyncLoop {

    static final String SCRIPT = "while read n; do head -c \"$n\" | xargs -0r sync -f -- 2>/dev/null; "
            + "printf \"dirsync-synced %d\\\\n\" \"$?\"; done";
    static final String COMMAND = "sh -c '" + SCRIPT + "'";
    /** What the loop prints after each round, then the round's exit status and a newline. */
    static final String SYNCED = "dirsync-synced ";
    private static final Duration START = Duration.ofSeconds(30);
    /** How much of a line is kept to tell whether it is the loop's answer (the rest of a longer line is skipped). */
    private static final int MAX_ANSWER = 64;
    /** How many bytes may come before an answer (start-up files' output) until the loop is taken as lost. */
    private static final int MAX_BEFORE_ANSWER = 64 * 1024;

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
     * at most {@code timeout} for its answer: {@code SYNCED}, or {@code FAILED} if the loop's sync reported an error;
     * empty if the loop cannot be started or gave no answer (the caller runs a command of its own). A loop that
     * failed or gave no answer is closed, and the next round starts another.
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
            answer = answer(command.stdout());
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
        return answer == null ? Optional.empty() : Optional.of(RemoteSync.Outcome.FAILED);
    }

    /** The next round starts a loop of its own, unless another has been started since {@code failed}. */
    private synchronized void forget(CompletableFuture<RemoteCommand> failed) {
        if (running == failed) {
            running = null;
        }
    }

    /**
     * The first line of {@code in} that begins with {@link #SYNCED}, without its newline (the lines before it are
     * what the user's start-up files printed); null if {@code in} ends first, or more than
     * {@value #MAX_BEFORE_ANSWER} bytes come before it.
     */
    private static String answer(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int read = 0; read <= MAX_BEFORE_ANSWER; read++) {
            int next = in.read();
            if (next < 0) {
                return null;
            }
            if (next != '\n') {
                if (line.size() < MAX_ANSWER) {
                    line.write(next);
                }
                continue;
            }
            String text = line.toString(StandardCharsets.US_ASCII);
            if (text.startsWith(SYNCED)) {
                return text;
            }
            line.reset();
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
