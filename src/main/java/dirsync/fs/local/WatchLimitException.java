package dirsync.fs.local;

import java.io.IOException;

/**
 * A directory that could not be watched because the kernel's limit on watches is reached (inotify_add_watch's
 * ENOSPC): told apart from other failures by its type, so that nobody reads the words, which depend on the JDK and
 * the locale. Its message is the failure's own.
 */
public final class WatchLimitException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The JDK's words (LinuxWatchService) for inotify's ENOSPC: its own English in every locale. */
    static final String JDK_WORDS = "User limit of inotify watches reached";

    private WatchLimitException(IOException failure) {
        super(failure.getMessage(), failure);
    }

    /** {@code failure} of a registration as this type if it says the limit is reached; else itself. */
    static IOException typed(IOException failure) {
        String message = String.valueOf(failure.getMessage());
        if (failure instanceof WatchLimitException || !message.contains(JDK_WORDS)
                && !SpaceErrors.platform().lackOfSpace(failure)) {
            return failure;
        }
        return new WatchLimitException(failure);
    }
}
