package dirsync.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The kernel's limit on inotify watches as the warning reads it, and the value it advises. */
class WatchLimitTest {

    private static final WatchLimit TWENTY_THOUSAND = new WatchLimit(WatchLimit.SYSTEM_WIDE, 20_000, false);

    @Test
    void coveringTheTreeNeedsTheLimitPlusTheDirectoriesNotWatched() {
        assertThat(TWENTY_THOUSAND.needed(40_301)).isEqualTo(60_301);
    }

    @Test
    void theAdviceAddsAQuarterAndRoundsUpToTwoSignificantDigits() {
        assertThat(TWENTY_THOUSAND.advised(40_301)).as("60,301 and a quarter: 75,377").isEqualTo(76_000);
        assertThat(new WatchLimit(WatchLimit.SYSTEM_WIDE, 8192, false).advised(120)).as("10,390")
                .isEqualTo(11_000);
        assertThat(new WatchLimit(WatchLimit.SYSTEM_WIDE, 20, false).advised(40)).isEqualTo(75);
        assertThat(new WatchLimit(WatchLimit.SYSTEM_WIDE, 4, false).advised(8)).isEqualTo(15);
    }

    @Test
    void theAdviceIsNeverBelowTheNeedAndAQuarter() {
        for (long limit = 1; limit < 3_000_000; limit = limit * 3 + 7) {
            for (long unwatched = 1; unwatched < 1_000_000; unwatched = unwatched * 5 + 3) {
                WatchLimit reached = new WatchLimit(WatchLimit.SYSTEM_WIDE, limit, false);
                long needed = reached.needed(unwatched);
                assertThat(reached.advised(unwatched) * 4).as("limit %d, unwatched %d", limit, unwatched)
                        .isGreaterThanOrEqualTo(needed * 5).isLessThan(needed * 5 * 11 / 10 + 400);
            }
        }
    }

    @Test
    void aLowerLimitOfTheUserNamespaceBinds() {
        assertThat(WatchLimit.binding(OptionalLong.of(192_543), OptionalLong.of(50)))
                .contains(new WatchLimit(WatchLimit.OF_NAMESPACE, 50, true));
    }

    @Test
    void equalLimitsAreTheSystemWideSysctl() {
        assertThat(WatchLimit.binding(OptionalLong.of(8192), OptionalLong.of(8192)))
                .contains(new WatchLimit(WatchLimit.SYSTEM_WIDE, 8192, false));
        assertThat(WatchLimit.binding(OptionalLong.of(8192), OptionalLong.of(2_147_483_647)))
                .contains(new WatchLimit(WatchLimit.SYSTEM_WIDE, 8192, false));
    }

    @Test
    void noReadableLimitGivesNone() {
        assertThat(WatchLimit.binding(OptionalLong.empty(), OptionalLong.empty())).isEmpty();
        assertThat(WatchLimit.binding(OptionalLong.empty(), OptionalLong.of(50))).map(WatchLimit::value)
                .contains(50L);
    }

    @Test
    void theCurrentLimitIsWhatSysctlPrints() throws Exception {
        Process sysctl = new ProcessBuilder("sysctl", "-n", WatchLimit.SYSTEM_WIDE, WatchLimit.OF_NAMESPACE).start();
        String[] printed = new String(sysctl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()
                .split("\\s+");
        assertThat(sysctl.waitFor()).isZero();
        long lower = Math.min(Long.parseLong(printed[0]), Long.parseLong(printed[1]));

        Optional<WatchLimit> current = WatchLimit.current();

        assertThat(current).map(WatchLimit::value).contains(lower);
    }
}
