package dirsync.fs;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A failure met by work done on another thread, thrown by the thread that waited for it as if it had done the work
 * itself: the one unwrapping of an {@code ExecutionException}'s or a {@code CompletionException}'s cause, for every
 * package that hands work to helpers.
 */
public final class HelperFailures {

    private HelperFailures() {
    }

    /**
     * Throws {@code cause} if it is unchecked (a {@link RuntimeException} or an {@link Error}); otherwise returns the
     * {@link IOException} to throw: the cause itself, an {@link UncheckedIOException}'s own, or one that carries a
     * checked cause of another kind.
     */
    public static IOException rethrown(Throwable cause) {
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof UncheckedIOException unchecked) {
            return unchecked.getCause();
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IOException(cause);
    }
}
