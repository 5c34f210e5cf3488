package dirsync.cli;

import ch.qos.logback.core.util.FileSize;
import dirsync.sync.SyncOptions;
import java.math.BigDecimal;
import java.time.Duration;
import picocli.CommandLine;

/** The converters of the command line's values: each a one-line reason for a value it cannot take. */
final class Converters {

    private Converters() {
    }

    /** SIZE of --log-max-size: a number with an optional KB, MB or GB, as Logback reads it; at least 1 KB. */
    static final class FileSizeConverter implements CommandLine.ITypeConverter<FileSize> {
        @Override
        public FileSize convert(String value) {
            try {
                FileSize size = FileSize.valueOf(value.trim());
                if (size.getSize() >= 1024) {
                    return size;
                }
            } catch (IllegalArgumentException e) {
                // fall through
            }
            throw new CommandLine.TypeConversionException(
                    "must be a size such as 500KB, 10MB or 1GB (at least 1KB), not '" + value + "'");
        }
    }

    /** HOW of --compare: checksum or quick. */
    static final class CompareConverter implements CommandLine.ITypeConverter<SyncOptions.Compare> {
        @Override
        public SyncOptions.Compare convert(String value) {
            switch (value.trim()) {
                case "checksum":
                    return SyncOptions.Compare.CHECKSUM;
                case "quick":
                    return SyncOptions.Compare.QUICK;
                default:
                    throw new CommandLine.TypeConversionException("must be checksum or quick, not '" + value + "'");
            }
        }
    }

    /** N of --max-delete: a whole number, 0 or more. */
    static final class CountConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                long count = Long.parseLong(value.trim());
                if (count >= 0) {
                    return count;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new CommandLine.TypeConversionException("must be a whole number, 0 or more, not '" + value + "'");
        }
    }

    /** SECONDS of --watch-delay: a decimal number of seconds (its range is checked with the other settings). */
    static final class DelayConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                BigDecimal seconds = new BigDecimal(value.trim());
                if (seconds.signum() >= 0 && seconds.compareTo(BigDecimal.valueOf(3600)) <= 0) {
                    return Duration.ofNanos(seconds.movePointRight(9).longValue());
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new CommandLine.TypeConversionException("must be a number of seconds such as 0.5 or 2, not '"
                    + value + "'");
        }
    }

    /** INTERVAL: a whole number of seconds, at least 1. */
    static final class IntervalConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            long seconds;
            try {
                seconds = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (seconds < 1 || seconds > Duration.ofDays(3650).toSeconds()) {
                throw new CommandLine.TypeConversionException(
                        "INTERVAL must be a whole number of seconds from 1 to 315360000, not '" + value + "'");
            }
            return Duration.ofSeconds(seconds);
        }
    }
}
