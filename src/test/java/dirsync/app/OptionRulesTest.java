package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.core.util.FileSize;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The options' ranges, at their edges, and the reading of a number of seconds. */
class OptionRulesTest {

    @ParameterizedTest
    @CsvSource({"0.5, 500000000", "2, 2000000000", "1e1, 10000000000", "0.0000000019, 1", "' 0.1 ', 100000000"})
    void secondsAreReadAsADecimalNumberToTheNanosecond(String text, long nanos) {
        assertThat(OptionRules.seconds(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    /** Plain forms are read without BigDecimal (its start costs a run milliseconds): to the same value. */
    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "60", "0.1", "0.5", "1.25", "007", "0.000000001", "0.123456789", "999999999",
            "999999999.999999999", "123456789.5", "1000000000", "0.1234567891", ".5", "5.", "+1", "1e1",
            "00000000001", " 2.5 ", "1.000000000"})
    void aNumberOfSecondsIsReadToTheValueBigDecimalGivesIt(String text) {
        long nanos = new BigDecimal(text.trim()).movePointRight(9).setScale(0, RoundingMode.DOWN).longValueExact();
        assertThat(OptionRules.seconds(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1,5", "0x10", "1 5", "-", "."})
    void whatIsNotADecimalNumberIsRefused(String text) {
        assertThatThrownBy(() -> OptionRules.seconds(text)).isInstanceOf(NumberFormatException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.1", "1", "60"})
    void aWatchDelayFromItsShortestToItsLongestIsTaken(String seconds) {
        assertThatCode(() -> OptionRules.checkWatchDelay(OptionRules.seconds(seconds))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0999", "60.001", "0", "-1", "3600", "1e400", "-1e400"})
    void aWatchDelayOutsideItsRangeIsRefusedWithTheRange(String seconds) {
        assertThatThrownBy(() -> OptionRules.checkWatchDelay(OptionRules.seconds(seconds)))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessage("--watch-delay must be from 0.1 to 60 seconds");
    }

    @Test
    void anIntervalFromOneSecondToTenYearsIsTaken() {
        assertThatCode(() -> {
            OptionRules.checkInterval(Duration.ofSeconds(1));
            OptionRules.checkInterval(Duration.ofDays(3650));
        }).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "-5, -5", "315360001, 315360001"})
    void anIntervalOutsideItsRangeIsRefusedNamingIt(long seconds, String shown) {
        assertThatThrownBy(() -> OptionRules.checkInterval(Duration.ofSeconds(seconds)))
                .hasMessage("INTERVAL must be a whole number of seconds from 1 to 315360000, not '" + shown + "'");
    }

    @Test
    void anIntervalWithAFractionOfASecondIsRefusedNamingIt() {
        assertThatThrownBy(() -> OptionRules.checkInterval(Duration.ofMillis(1500)))
                .hasMessage("INTERVAL must be a whole number of seconds from 1 to 315360000, not '1.5'");
    }

    @Test
    void aNegativeMaxDeleteIsRefusedAndZeroOrNoLimitTaken() {
        assertThatCode(() -> {
            OptionRules.checkMaxDelete(OptionalLong.of(0));
            OptionRules.checkMaxDelete(OptionalLong.empty());
        }).doesNotThrowAnyException();
        assertThatThrownBy(() -> OptionRules.checkMaxDelete(OptionalLong.of(-1)))
                .hasMessage("--max-delete must be a whole number, 0 or more, not '-1'");
    }

    @Test
    void aLogSizeBelowOneKilobyteIsRefused() {
        assertThatCode(() -> OptionRules.checkLogRolling(new FileSize(1024), 5)).doesNotThrowAnyException();
        assertThatThrownBy(() -> OptionRules.checkLogRolling(new FileSize(1023), 5))
                .hasMessage("--log-max-size must be at least 1KB, not 1023 bytes");
    }

    @Test
    void aOneByteLogSizeIsRefusedInTheSingular() {
        assertThatThrownBy(() -> OptionRules.checkLogRolling(new FileSize(1), 5))
                .hasMessage("--log-max-size must be at least 1KB, not 1 byte");
    }

    @ParameterizedTest
    @CsvSource({"0, false", "1, true", "20, true", "21, false"})
    void theLogFilesKeptAreOneToTwenty(int files, boolean taken) {
        if (taken) {
            assertThatCode(() -> OptionRules.checkLogRolling(new FileSize(1024), files)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> OptionRules.checkLogRolling(new FileSize(1024), files))
                    .hasMessage("--log-max-files must be a whole number from 1 to 20, not " + files);
        }
    }

    @Test
    void everyDefaultIsWithinItsRange() {
        assertThatCode(() -> {
            OptionRules.checkWatchDelay(OptionRules.DEFAULT_WATCH_DELAY);
            OptionRules.checkLogRolling(OptionRules.DEFAULT_LOG_MAX_SIZE, OptionRules.LOG_MAX_FILES_DEFAULT);
        }).doesNotThrowAnyException();
    }
}
