package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PassSummaryTest {

    private static PassSummary lasting(Duration duration) {
        return new PassSummary(Instant.EPOCH, Map.of(), 0, duration, true);
    }

    @Test
    void theDurationIsInSecondsWithThreeDecimalsRoundedHalfUp() {
        assertThat(lasting(Duration.ofNanos(41_500_000)).durationSeconds()).isEqualTo("0.042");
        assertThat(lasting(Duration.ofNanos(41_499_999)).durationSeconds()).isEqualTo("0.041");
        assertThat(lasting(Duration.ofMillis(7)).durationSeconds()).isEqualTo("0.007");
        assertThat(lasting(Duration.ofNanos(1_999_999_500_000L)).describe()).endsWith(" bytes=0 duration=2000.000s");
        assertThat(lasting(Duration.ZERO).describeNonZero()).isEqualTo("bytes=0 duration=0.000s");
    }

    @Test
    void thousandthsReadAsDecimalsWithThreePlaces() {
        assertThat(PassSummary.thousandths(1_765_000_123_456L)).isEqualTo("1765000123.456");
        assertThat(PassSummary.thousandths(1_050)).isEqualTo("1.050");
        assertThat(PassSummary.thousandths(-1_005)).isEqualTo("-1.005");
    }
}
