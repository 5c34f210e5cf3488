package dirsync.sync;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each operation of one pass as one line and counts it in the same breath, so the summary can never
 * disagree with the log. File names and messages are escaped before they reach a log line.
 */
final class PassReport {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");

    private final String prefix;
    private final Map<Operation, Long> counts = new EnumMap<>(Operation.class);
    private long bytesCopied;

    PassReport(boolean dryRun) {
        this.prefix = dryRun ? "(dry run) " : "";
    }

    void record(Operation operation, String what, Path relative) {
        record(operation, what, relative, "");
    }

    /** One operation line: {@code <what> <path><detail>}, e.g. "copied new file docs/a.txt (12 bytes)". */
    void record(Operation operation, String what, Path relative, String detail) {
        counts.merge(operation, 1L, Long::sum);
        String line = prefix + what + " " + display(relative) + LogText.escape(detail);
        switch (operation) {
            case SKIPPED, VANISHED, CHANGING -> LOG.warn(line);
            case ERROR -> LOG.error(line);
            default -> LOG.info(line);
        }
    }

    void error(String what, Path relative, Throwable cause) {
        record(Operation.ERROR, "error: " + what, relative, ": " + LogText.reason(cause));
    }

    void copied(long bytes) {
        bytesCopied += bytes;
    }

    void debug(String what, Path relative) {
        if (LOG.isDebugEnabled()) {
            LOG.debug(prefix + what + " " + display(relative));
        }
    }

    PassSummary summary(Instant started, Duration duration, boolean completed) {
        return new PassSummary(started, counts, bytesCopied, duration, completed);
    }

    void summaryLine(long pass, PassSummary summary) {
        String state = summary.completed() ? "finished" : "interrupted by a stop request";
        String line = prefix + "pass " + pass + " " + state + ": " + summary.describe();
        if (summary.errors() > 0) {
            LOG.warn(line);
        } else {
            LOG.info(line);
        }
    }

    static String display(Path relative) {
        String text = relative.toString();
        return text.isEmpty() ? "." : LogText.escape(text);
    }

}
