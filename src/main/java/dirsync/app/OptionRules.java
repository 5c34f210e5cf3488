package dirsync.app;

import ch.qos.logback.core.util.FileSize;
import dirsync.fs.Counts;
import dirsync.sync.SyncOptions;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The one home of the options' defaults and ranges. The command line's defaults and its --help texts are made of
 * the text constants here (compile-time constants, as picocli's annotations need), {@link Settings.Request}
 * starts from the values read from those same texts, and {@link Settings#validate} checks the ranges here, with
 * messages made of the same constants: the three cannot disagree. The command line's converters only parse.
 */
public final class OptionRules {

    /** INTERVAL, in whole seconds: at least a second, at most ten years (3650 days). */
    public static final long INTERVAL_SHORTEST = 1, INTERVAL_LONGEST = 315_360_000;

    /** --watch-delay, in (decimal) seconds. */
    public static final String WATCH_DELAY_DEFAULT = "1", WATCH_DELAY_SHORTEST = "0.1", WATCH_DELAY_LONGEST = "60";

    /** --log-max-size, as Logback reads a size. */
    public static final String LOG_MAX_SIZE_DEFAULT = "10MB", LOG_MAX_SIZE_SMALLEST = "1KB";

    /** --log-max-files: Logback's fixed window holds at most 20 files. */
    public static final int LOG_MAX_FILES_DEFAULT = 5, LOG_MAX_FILES_FEWEST = 1, LOG_MAX_FILES_MOST = 20;

    /** --max-delete: a count of entries (no limit unless given). */
    public static final long MAX_DELETE_FEWEST = 0;

    /** --compare: the name of a {@link SyncOptions.Compare} in lower case. */
    public static final String COMPARE_DEFAULT = "checksum";

    static final Duration DEFAULT_WATCH_DELAY = seconds(WATCH_DELAY_DEFAULT);
    static final FileSize DEFAULT_LOG_MAX_SIZE = FileSize.valueOf(LOG_MAX_SIZE_DEFAULT);
    static final SyncOptions.Compare DEFAULT_COMPARE = SyncOptions.Compare.valueOf(COMPARE_DEFAULT.toUpperCase(Locale.ROOT));

    private static final Duration SHORTEST_WATCH_DELAY = seconds(WATCH_DELAY_SHORTEST);
    private static final Duration LONGEST_WATCH_DELAY = seconds(WATCH_DELAY_LONGEST);
    private static final long SMALLEST_LOG_MAX_SIZE = FileSize.valueOf(LOG_MAX_SIZE_SMALLEST).getSize();

    private OptionRules() {
    }

    /**
     * A decimal number of seconds ("0.5", "2", "1e1") as a duration, kept to the nanosecond (finer digits are
     * dropped). A number too large for a duration becomes the longest (or, negative, the shortest) one, so that
     * a range refuses it as what it is. The one reading of such a text, for the command line and for the texts
     * here.
     *
     * @throws NumberFormatException if the text is not a decimal number
     */
    public static Duration seconds(String text) {
        String trimmed = text.trim();
        long plain = plainNanos(trimmed);
        if (plain >= 0) {
            return Duration.ofNanos(plain);
        }
        BigDecimal seconds = new BigDecimal(trimmed);
        try {
            return Duration.ofNanos(seconds.movePointRight(9).setScale(0, RoundingMode.DOWN).longValueExact());
        } catch (ArithmeticException e) {
            return Duration.ofNanos(seconds.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE);
        }
    }

    /**
     * The nanoseconds of a plain "SECONDS" or "SECONDS.FRACTION" (at most 9 digits each, as the defaults and
     * most values given are), or -1 for any other form, which {@link BigDecimal} reads. The same value as
     * BigDecimal's, without its start: BigDecimal's class initialization was several milliseconds of each run's.
     */
    private static long plainNanos(String text) {
        int point = text.indexOf('.');
        int wholeEnd = point < 0 ? text.length() : point;
        if (wholeEnd == 0 || wholeEnd > 9 || point == text.length() - 1 || text.length() - wholeEnd > 10) {
            return -1;
        }
        long nanos = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (i == point) {
                continue;
            }
            if (c < '0' || c > '9') {
                return -1;
            }
            nanos = nanos * 10 + (c - '0');
        }
        int fractionDigits = point < 0 ? 0 : text.length() - point - 1;
        for (int i = fractionDigits; i < 9; i++) {
            nanos *= 10;
        }
        return nanos;
    }

    /** The one line for an INTERVAL that is not a whole number of seconds in its range, shown as written. */
    public static String intervalMistake(String asWritten) {
        return "INTERVAL must be a whole number of seconds from " + INTERVAL_SHORTEST + " to " + INTERVAL_LONGEST
                + ", not '" + asWritten + "'";
    }

    static void checkInterval(Duration interval) throws InvalidSettingsException {
        if (interval.getNano() != 0 || interval.getSeconds() < INTERVAL_SHORTEST
                || interval.getSeconds() > INTERVAL_LONGEST) {
            throw new InvalidSettingsException(intervalMistake(new BigDecimal(interval.getSeconds())
                    .add(BigDecimal.valueOf(interval.getNano(), 9)).stripTrailingZeros().toPlainString()));
        }
    }

    static void checkWatchDelay(Duration delay) throws InvalidSettingsException {
        if (delay.compareTo(SHORTEST_WATCH_DELAY) < 0 || delay.compareTo(LONGEST_WATCH_DELAY) > 0) {
            throw new InvalidSettingsException("--watch-delay must be from " + WATCH_DELAY_SHORTEST + " to "
                    + WATCH_DELAY_LONGEST + " seconds");
        }
    }

    static void checkLogRolling(FileSize maxSize, int maxFiles) throws InvalidSettingsException {
        if (maxSize.getSize() < SMALLEST_LOG_MAX_SIZE) {
            throw new InvalidSettingsException("--log-max-size must be at least " + LOG_MAX_SIZE_SMALLEST + ", not "
                    + Counts.of(maxSize.getSize(), "byte", "bytes"));
        }
        if (maxFiles < LOG_MAX_FILES_FEWEST || maxFiles > LOG_MAX_FILES_MOST) {
            throw new InvalidSettingsException("--log-max-files must be a whole number from " + LOG_MAX_FILES_FEWEST
                    + " to " + LOG_MAX_FILES_MOST + ", not " + maxFiles);
        }
    }

    static void checkMaxDelete(OptionalLong limit) throws InvalidSettingsException {
        if (limit.isPresent() && limit.getAsLong() < MAX_DELETE_FEWEST) {
            throw new InvalidSettingsException("--max-delete must be a whole number, " + MAX_DELETE_FEWEST
                    + " or more, not '" + limit.getAsLong() + "'");
        }
    }
}
