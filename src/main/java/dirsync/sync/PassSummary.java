package dirsync.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * What one pass did: when it started (by the synchronizer's clock), counts per operation, bytes copied, how long
 * it took, whether it ran to the end, and how many source files have, after it, changed during their copy in
 * {@value Unsettled#PASSES} or more full passes in a row.
 */
public record PassSummary(Instant started, Map<Operation, Long> counts, long bytesCopied, Duration duration,
                          boolean completed, long unsettled) {

    /** A summary with no file unsettled. */
    public PassSummary(Instant started, Map<Operation, Long> counts, long bytesCopied, Duration duration,
                       boolean completed) {
        this(started, counts, bytesCopied, duration, completed, 0);
    }

    public PassSummary {
        EnumMap<Operation, Long> all = new EnumMap<>(Operation.class);
        for (Operation operation : Operation.values()) {
            all.put(operation, counts.getOrDefault(operation, 0L));
        }
        counts = Map.copyOf(all);
    }

    public long count(Operation operation) {
        return counts.get(operation);
    }

    public long errors() {
        return count(Operation.ERROR);
    }

    /** Entries the pass changed in the replica (or, in a dry run, would have changed). */
    public long changes() {
        return count(Operation.CREATED_DIRECTORY) + count(Operation.COPIED) + count(Operation.UPDATED)
                + count(Operation.LINKED) + count(Operation.MOVED)
                + count(Operation.REPLACED) + count(Operation.DELETED) + count(Operation.DELETED_DIRECTORY)
                + count(Operation.ATTRIBUTES);
    }

    /** The counts that are not zero, then bytes and duration: {@code copied=2 bytes=123 duration=0.042s}. */
    public String describeNonZero() {
        StringBuilder line = new StringBuilder();
        for (Operation operation : Operation.values()) {
            if (count(operation) > 0) {
                line.append(operation.key()).append('=').append(count(operation)).append(' ');
            }
        }
        line.append("bytes=").append(bytesCopied);
        line.append(" duration=").append(durationSeconds()).append('s');
        return line.toString();
    }

    /** The pass summary line's body: {@code created=1 copied=2 ... bytes=123 duration=0.042s}. */
    public String describe() {
        StringBuilder line = new StringBuilder();
        for (Operation operation : Operation.values()) {
            line.append(operation.key()).append('=').append(count(operation)).append(' ');
        }
        line.append("bytes=").append(bytesCopied);
        line.append(" duration=").append(durationSeconds()).append('s');
        return line.toString();
    }

    /** The duration in seconds with three decimals, rounded half up: {@code 0.042}. */
    public String durationSeconds() {
        return thousandths((duration.toNanos() + 500_000) / 1_000_000);
    }

    /**
     * {@code thousandths} / 1000 with three decimals, {@code 1234} as {@code 1.234}: what {@code %.3f} prints, made by
     * hand because {@code String.format} of a decimal starts the locale providers (a cron run's only user of them:
     * some 60 classes and their resource bundles, after the pass).
     */
    public static String thousandths(long thousandths) {
        StringBuilder text = new StringBuilder(thousandths < 0 ? "-" : "");
        int fraction = (int) Math.abs(thousandths % 1000);
        text.append(Math.abs(thousandths / 1000)).append(fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".");
        return text.append(fraction).toString();
    }
}
