package dirsync.app;

import ch.qos.logback.core.util.FileSize;
import java.util.Objects;

/** How the log file rolls over: at {@code maxSize}, keeping {@code maxFiles} compressed old files. */
public record LogRolling(FileSize maxSize, int maxFiles) {

    public LogRolling {
        Objects.requireNonNull(maxSize, "maxSize");
        if (maxFiles < OptionRules.LOG_MAX_FILES_FEWEST || maxFiles > OptionRules.LOG_MAX_FILES_MOST) {
            throw new IllegalArgumentException("maxFiles must be " + OptionRules.LOG_MAX_FILES_FEWEST + " to "
                    + OptionRules.LOG_MAX_FILES_MOST + ": " + maxFiles);
        }
    }
}
