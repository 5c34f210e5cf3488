package dirsync.fs.sftp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * One {@code sync -f} on the server for many files, a command each round, or a round of the connection's
 * {@link SyncLoop}: coreutils' sync calls syncfs(2) for the file system of each
 * directory it is given (read NUL-separated from its input, never through a shell's word splitting), so every file
 * written there before it ran is on disk once it exits 0. It runs {@code sync -f /dev/null} first, which fails only
 * where {@code sync -f} cannot run at all (no coreutils 8.24): then nothing was synced, no write error was reported
 * to anyone, and the files can still be forced one by one.
 */
final class RemoteSync {

    /** What a sync came to. */
    enum Outcome {
        /** Every file system given is synced. */
        SYNCED,
        /** {@code sync -f} cannot run on this server: nothing was synced, and no failure was seen. */
        UNSUPPORTED,
        /** It ran and failed (or its end was not seen): what it was for may not be on disk. */
        FAILED
    }

    static final String COMMAND = "sync -f /dev/null || exit 100; xargs -0 sync -f --";
    private static final int UNSUPPORTED_STATUS = 100;
    /** A sync waits for every dirty page of the file system: a slow disk with much to write takes long. */
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    /** Runs a command on the server: {@link RemoteConnection#exec}, for tests a fake. */
    @FunctionalInterface
    interface Commands {
        ExecResult exec(String command, byte[] stdin, Duration timeout) throws IOException;
    }

    private final Commands commands;
    /** The connection's sync loop, where the server runs one; else null: a command each round. */
    private final SyncLoop loop;

    /** Syncs with a command of its own each time. */
    RemoteSync(Commands commands) {
        this(commands, null);
    }

    /**
     * Syncs through {@code loop}, one command for every round of a connection; a round with a command of its own
     * where the loop cannot start or gives no answer.
     */
    RemoteSync(Commands commands, SyncLoop loop) {
        this.commands = commands;
        this.loop = loop;
    }

    /** Copies are being written for a round: the loop, if any, starts now, so that its shell starts meanwhile. */
    void startAhead() {
        if (loop != null) {
            loop.startAhead();
        }
    }

    /** Ends the loop, if one runs. */
    void close() {
        if (loop != null) {
            loop.close();
        }
    }

    /** Syncs the file systems of {@code directories} (wire paths, at least one) with one command. */
    Outcome sync(Collection<String> directories) {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        for (String dir : directories) {
            byte[] bytes = SftpNames.bytes(dir);
            input.write(bytes, 0, bytes.length);
            input.write(0);
        }
        if (loop != null) {
            Optional<Outcome> looped = loop.sync(input.toByteArray(), TIMEOUT);
            if (looped.isPresent()) {
                return looped.get();
            }
        }
        try {
            int status = commands.exec(COMMAND, input.toByteArray(), TIMEOUT).exitStatus();
            return status == 0 ? Outcome.SYNCED : status == UNSUPPORTED_STATUS ? Outcome.UNSUPPORTED : Outcome.FAILED;
        } catch (IOException | RuntimeException e) {
            return Outcome.FAILED;
        }
    }
}
