package dirsync.app;

import ch.qos.logback.core.util.FileSize;
import java.util.Objects;

/** How the log file rolls over: at {@code maxSize}, keeping {@code maxFiles} compressed old files. */
public record LogRolling(FileSize maxSize, int maxFiles) {

    /** Logback's fixed window holds at most 20 files. */
    public static final int MOST_FILES = 20;

    public LogRolling {
        Objects.requireNonNull(maxSize, "maxSize");
        if (maxFiles < 1 || maxFiles > MOST_FILES) {
            throw new IllegalArgumentException("maxFiles must be 1 to " + MOST_FILES + ": " + maxFiles);
        }
    }
}
