package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.LogCapture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PassGuardTest {

    private final PassGuard guard = new PassGuard("next pass in 60 s");

    @Test
    void anExceptionEscapingAPassIsLoggedOnceAndTheCallerGoesOn() {
        try (LogCapture log = new LogCapture()) {
            guard.run(() -> {
                throw new IllegalStateException("a bug");
            });

            assertThat(log.errors()).containsExactly(
                    "pass failed unexpectedly, next pass in 60 s: java.lang.IllegalStateException: a bug");
        }
    }

    @Test
    void anErrorEscapingAPassIsLoggedOnceAndTheCallerGoesOn() {
        try (LogCapture log = new LogCapture()) {
            guard.run(() -> {
                throw new StackOverflowError("deep");
            });

            assertThat(log.errors()).containsExactly(
                    "pass failed unexpectedly, next pass in 60 s: java.lang.StackOverflowError: deep");
        }
    }

    @Test
    void aPassThatEndsRunsOnceAndLogsNothing() {
        AtomicInteger runs = new AtomicInteger();
        try (LogCapture log = new LogCapture()) {
            guard.run(runs::incrementAndGet);

            assertThat(runs.get()).isEqualTo(1);
            assertThat(log.errors()).isEmpty();
        }
    }
}
