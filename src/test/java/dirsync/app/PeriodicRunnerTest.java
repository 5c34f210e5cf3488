package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.fs.local.LocalTree;
import dirsync.testing.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each test ends when a pass raises the stop signal: the runner returns only once it has stopped. */
@Timeout(60)
class PeriodicRunnerTest {

    @TempDir
    Path source;

    private PeriodicRunner every(Duration interval) {
        return new PeriodicRunner(LocalTree.at(source), interval);
    }

    @Test
    void anExceptionEscapingAPassDoesNotEndTheSchedule() throws Exception {
        StopSignal stop = new StopSignal();
        AtomicInteger calls = new AtomicInteger();
        Runnable pass = () -> {
            int call = calls.incrementAndGet();
            if (call == 1) {
                throw new IllegalStateException("a bug in the first pass");
            }
            if (call == 2) {
                throw new StackOverflowError("an Error in the second pass");
            }
            stop.raise();
        };

        try (LogCapture log = new LogCapture()) {
            assertThat(every(Duration.ofMillis(10)).run(ScriptedPasses.full(pass), stop)).isEqualTo(ExitCode.OK);

            assertThat(calls.get()).as("a third pass ran after two that threw").isGreaterThanOrEqualTo(3);
            assertThat(log.errors()).containsExactly(
                    "pass failed unexpectedly, next pass in 0 s: java.lang.IllegalStateException: a bug in the first pass",
                    "pass failed unexpectedly, next pass in 0 s: java.lang.StackOverflowError: an Error in the second pass");
        }
    }

    @Test
    void passesNeverOverlap() throws Exception {
        StopSignal stop = new StopSignal();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        Runnable slowPass = () -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            if (calls.incrementAndGet() == 5) {
                stop.raise();
            }
        };

        every(Duration.ofMillis(1)).run(ScriptedPasses.full(slowPass), stop);

        assertThat(mostAtOnce.get()).isEqualTo(1);
    }

    @Test
    void theNextPassStartsAnIntervalAfterThePreviousEnds() throws Exception {
        StopSignal stop = new StopSignal();
        long[] starts = new long[2];
        AtomicInteger calls = new AtomicInteger();
        Runnable pass = () -> {
            int call = calls.getAndIncrement();
            if (call < 2) {
                starts[call] = System.nanoTime();
            }
            if (call == 0) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                stop.raise();
            }
        };

        every(Duration.ofMillis(200)).run(ScriptedPasses.full(pass), stop);

        // End-to-start: 300 ms of pass plus 200 ms of interval, not the 200 ms a start-to-start rate would give.
        assertThat(Duration.ofNanos(starts[1] - starts[0])).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }

    @Test
    void stopWaitsForTheRunningPassAndRunsNoMore() throws Exception {
        StopSignal stop = new StopSignal();
        AtomicInteger calls = new AtomicInteger();
        AtomicBoolean ended = new AtomicBoolean();
        Runnable pass = () -> {
            calls.incrementAndGet();
            stop.raise();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ended.set(true);
        };

        assertThat(every(Duration.ofHours(1)).run(ScriptedPasses.full(pass), stop)).isEqualTo(ExitCode.OK);

        assertThat(ended).as("the running pass ended before the runner returned").isTrue();
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void refusesANonPositiveInterval() {
        assertThatThrownBy(() -> every(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
