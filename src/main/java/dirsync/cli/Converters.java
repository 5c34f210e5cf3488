package dirsync.cli;

import ch.qos.logback.core.util.FileSize;
import dirsync.app.OptionRules;
import dirsync.sync.SyncOptions;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/**
 * The converters of the command line's values: each reads a text into a value, or gives a one-line reason why the
 * text is not one. They only parse: every default and range is {@link OptionRules}', checked with the other
 * settings.
 */
final class Converters {

    private Converters() {
    }

    /**
     * A FILE or DIR: the text as a path of this file system. Named here, because picocli's own converter for
     * {@link Path} finds {@code Paths.get} by reflection, which cost a cron run about 3 ms of its start.
     */
    static final class PathConverter implements CommandLine.ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw new CommandLine.TypeConversionException("is not a path: " + e.getReason());
            }
        }
    }

    /** SIZE of --log-max-size: a number with an optional KB, MB or GB, as Logback reads it. */
    static final class FileSizeConverter implements CommandLine.ITypeConverter<FileSize> {
        @Override
        public FileSize convert(String value) {
            try {
                return FileSize.valueOf(value.trim());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("must be a size such as 500KB, 10MB or 1GB (at least "
                        + OptionRules.LOG_MAX_SIZE_SMALLEST + "), not '" + value + "'");
            }
        }
    }

    /** HOW of --compare: the name of a way to compare, in lower case (checksum or quick). */
    static final class CompareConverter implements CommandLine.ITypeConverter<SyncOptions.Compare> {
        @Override
        public SyncOptions.Compare convert(String value) {
            for (SyncOptions.Compare how : SyncOptions.Compare.values()) {
                if (how.name().toLowerCase(Locale.ROOT).equals(value.trim())) {
                    return how;
                }
            }
            throw new CommandLine.TypeConversionException("must be checksum or quick, not '" + value + "'");
        }
    }

    /** N of --max-delete: a whole number. */
    static final class CountConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("must be a whole number, "
                        + OptionRules.MAX_DELETE_FEWEST + " or more, not '" + value + "'");
            }
        }
    }

    /** N of --log-max-files: a whole number. */
    static final class FileCountConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("must be a whole number from "
                        + OptionRules.LOG_MAX_FILES_FEWEST + " to " + OptionRules.LOG_MAX_FILES_MOST + ", not '" + value
                        + "'");
            }
        }
    }

    /** SECONDS of --watch-delay: a decimal number of seconds. */
    static final class DelayConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return OptionRules.seconds(value);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("must be a number of seconds such as 0.5 or 2, not '"
                        + value + "'");
            }
        }
    }

    /** INTERVAL: a whole number of seconds. */
    static final class IntervalConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Duration.ofSeconds(Long.parseLong(value.trim()));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException(OptionRules.intervalMistake(value));
            }
        }
    }
}
