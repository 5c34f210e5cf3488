package dirsync.sync;

import dirsync.fs.RelPath;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each operation of one pass as one line and counts it in the same breath, so the summary can never
 * disagree with the log. File names and messages are escaped before they reach a log line. Safe for the copier
 * threads too (they report nothing themselves today, but counting is cheap to make safe).
 *
 * <p>Once the replica is lost (its connection broke: {@link dirsync.fs.ReplicaFeatures#broken()}), a failure of an
 * entry is that loss again, whatever it says: it is logged at debug level only, and not counted. The pass reports
 * the loss itself once, with its cause ({@link #passFailure}).
 */
final class PassReport {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");

    private final String prefix;
    /** Whether the replica has been lost, asked before each failure is reported. */
    private final BooleanSupplier replicaLost;
    private final Map<Operation, Long> counts = new EnumMap<>(Operation.class);
    private long bytesCopied;
    private final java.util.Set<String> warnedOnce = new java.util.HashSet<>();

    /**
     * @param prefix      put in front of every line, e.g. "(dry run) "
     * @param replicaLost whether the replica is lost now: failures reported from then on are not counted
     */
    PassReport(String prefix, BooleanSupplier replicaLost) {
        this.prefix = prefix;
        this.replicaLost = replicaLost;
    }

    void record(Operation operation, String what, RelPath relative) {
        record(operation, what, relative, "");
    }

    /** One operation line: {@code <what> <path><detail>}, e.g. "copied new file docs/a.txt (12 bytes)". */
    synchronized void record(Operation operation, String what, RelPath relative, String detail) {
        String line = line(what, relative, detail);
        if (isFailure(operation) && replicaLost.getAsBoolean()) {
            LOG.debug(line + Texts.AFTER_LOSS);
            return;
        }
        counts.merge(operation, 1L, Long::sum);
        switch (operation) {
            case SKIPPED, VANISHED, CHANGING -> LOG.warn(line);
            case ERROR -> LOG.error(line);
            default -> LOG.info(line);
        }
    }

    /** A change of the pass's root itself, which has no path to show ("." is none). */
    synchronized void recordRoot(Operation operation, String what) {
        counts.merge(operation, 1L, Long::sum);
        LOG.info(prefix + what);
    }

    void error(String what, RelPath relative, Throwable cause) {
        record(Operation.ERROR, what, relative, ": " + LogText.reason(cause));
    }

    /** An error of the pass's root (the source or the replica directory itself): no path, "." is none. */
    void rootError(String what, Throwable cause) {
        passError(what + ":", LogText.reason(cause));
    }

    /** What went wrong with an entry, as opposed to what was done to it. */
    private static boolean isFailure(Operation operation) {
        return operation == Operation.ERROR || operation == Operation.VANISHED || operation == Operation.CHANGING;
    }

    /**
     * The one error of a pass that could not use its replica at all, or lost it: counted even though the replica is
     * lost, since it is the loss.
     */
    synchronized void passFailure(String what, Throwable cause) {
        counts.merge(Operation.ERROR, 1L, Long::sum);
        LOG.error(prefix + what + ": " + LogText.escape(LogText.reason(cause)));
    }

    /**
     * An error of the whole pass rather than of one entry, so no path: {@code <what> <why>}, e.g. "deleted
     * nothing in the replica this pass: the source is empty ...". Not counted once the replica is lost, as
     * {@link #record} does.
     */
    synchronized void passError(String what, String why) {
        String line = prefix + what + (why.isEmpty() ? "" : " " + LogText.escape(why));
        if (replicaLost.getAsBoolean()) {
            LOG.debug(line + Texts.AFTER_LOSS);
            return;
        }
        counts.merge(Operation.ERROR, 1L, Long::sum);
        LOG.error(line);
    }

    /** The root is named by the text itself ("cannot list source directory: ..."): "." is no name to a reader. */
    private String line(String what, RelPath relative, String detail) {
        return prefix + what + (relative.isRoot() ? "" : " " + LogText.escape(relative)) + LogText.escape(detail);
    }

    /** A change a stop cut short: logged, since it happened, but not counted as the operation it did not finish. */
    void unfinished(String what, RelPath relative, String detail) {
        warn(what, relative, detail);
    }

    /** A warning about one entry, not counted: the entry's own line counts what was done with it. */
    void warn(String what, RelPath relative, String detail) {
        LOG.warn(line(what, relative, detail));
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
