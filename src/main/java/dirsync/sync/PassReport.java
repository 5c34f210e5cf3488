package dirsync.sync;

import dirsync.fs.RelPath;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each operation of one pass as one line and counts it in the same breath, so the summary can never
 * disagree with the log. File names and messages are escaped before they reach a log line. Safe for the copier
 * threads too (they report nothing themselves today, but counting is cheap to make safe).
 */
final class PassReport {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");

    private final String prefix;
    private final Map<Operation, Long> counts = new EnumMap<>(Operation.class);
    private long bytesCopied;
    private final java.util.Set<String> warnedOnce = new java.util.HashSet<>();

    /** @param prefix put in front of every line, e.g. "(dry run) " */
    PassReport(String prefix) {
        this.prefix = prefix;
    }

    void record(Operation operation, String what, RelPath relative) {
        record(operation, what, relative, "");
    }

    /** One operation line: {@code <what> <path><detail>}, e.g. "copied new file docs/a.txt (12 bytes)". */
    synchronized void record(Operation operation, String what, RelPath relative, String detail) {
        counts.merge(operation, 1L, Long::sum);
        String line = prefix + what + " " + LogText.escape(relative) + LogText.escape(detail);
        switch (operation) {
            case SKIPPED, VANISHED, CHANGING -> LOG.warn(line);
            case ERROR -> LOG.error(line);
            default -> LOG.info(line);
        }
    }

    void error(String what, RelPath relative, Throwable cause) {
        record(Operation.ERROR, Texts.error(what), relative, ": " + LogText.reason(cause));
    }

    /** A change a stop cut short: logged, since it happened, but not counted as the operation it did not finish. */
    void unfinished(String what, RelPath relative, String detail) {
        warn(what, relative, detail);
    }

    /** A warning about one entry, not counted: the entry's own line counts what was done with it. */
    void warn(String what, RelPath relative, String detail) {
        LOG.warn(prefix + what + " " + LogText.escape(relative) + LogText.escape(detail));
    }

    /** A warning logged at most once a pass for each {@code key}, however many entries meet it. */
    synchronized void warnOnce(String key, String text) {
        if (warnedOnce.add(key)) {
            LOG.warn(prefix + text);
        }
    }

    synchronized void copied(long bytes) {
        bytesCopied += bytes;
    }

    void debug(String what, RelPath relative) {
        if (LOG.isDebugEnabled()) {
            LOG.debug(prefix + what + " " + LogText.escape(relative));
        }
    }

    synchronized PassSummary summary(Instant started, Duration duration, boolean completed, long unsettled) {
        return new PassSummary(started, counts, bytesCopied, duration, completed, unsettled);
    }

    /** The short line of a pass over some directories: nothing when it changed nothing and met no error. */
    void partialSummaryLine(int directories, PassSummary summary, boolean stopRequested) {
        if (summary.changes() == 0 && summary.errors() == 0 && summary.completed()) {
            return;
        }
        String line = prefix + Texts.partialSummary(directories, summary.completed(), stopRequested) + summary.describeNonZero();
        if (summary.errors() > 0) {
            LOG.warn(line);
        } else {
            LOG.info(line);
        }
    }

    void summaryLine(long pass, PassSummary summary, boolean stopRequested) {
        String line = prefix + Texts.summary(pass, summary.completed(), stopRequested) + summary.describe();
        if (summary.errors() > 0) {
            LOG.warn(line);
        } else {
            LOG.info(line);
        }
    }
}
