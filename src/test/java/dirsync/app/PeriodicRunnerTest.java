package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicRunnerTest {

    @Test
    void anExceptionEscapingAPassDoesNotEndTheSchedule() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch thirdPass = new CountDownLatch(3);
        Runnable pass = () -> {
            int call = calls.incrementAndGet();
            thirdPass.countDown();
            if (call == 1) {
                throw new IllegalStateException("a bug in the first pass");
            }
            if (call == 2) {
                throw new StackOverflowError("an Error in the second pass");
            }
        };

        try (PeriodicRunner runner = new PeriodicRunner(Duration.ofMillis(10), pass)) {
            runner.start();

            assertThat(thirdPass.await(10, TimeUnit.SECONDS)).as("a third pass ran after two that threw").isTrue();
        }
    }

    @Test
    void passesNeverOverlap() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CountDownLatch fivePasses = new CountDownLatch(5);
        Runnable slowPass = () -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            fivePasses.countDown();
        };

        try (PeriodicRunner runner = new PeriodicRunner(Duration.ofMillis(1), slowPass)) {
            runner.start();
            assertThat(fivePasses.await(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(mostAtOnce.get()).isEqualTo(1);
    }

    @Test
    void theNextPassStartsAnIntervalAfterThePreviousEnds() throws Exception {
        long[] starts = new long[2];
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch twoPasses = new CountDownLatch(2);
        Runnable pass = () -> {
            int call = calls.getAndIncrement();
            if (call < 2) {
                starts[call] = System.nanoTime();
                twoPasses.countDown();
            }
            if (call == 0) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };

        try (PeriodicRunner runner = new PeriodicRunner(Duration.ofMillis(200), pass)) {
            runner.start();
            assertThat(twoPasses.await(10, TimeUnit.SECONDS)).isTrue();
        }
        // End-to-start: 300 ms of pass plus 200 ms of interval, not the 200 ms a start-to-start rate would give.
        assertThat(Duration.ofNanos(starts[1] - starts[0])).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }

    @Test
    void stopWaitsForTheRunningPassAndRunsNoMore() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        Runnable pass = () -> {
            calls.incrementAndGet();
            started.countDown();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        PeriodicRunner runner = new PeriodicRunner(Duration.ofMillis(1), pass);
        runner.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(runner.stop(Duration.ofSeconds(5))).as("the running pass ended within the grace time").isTrue();
        int afterStop = calls.get();
        Thread.sleep(50);
        assertThat(calls.get()).isEqualTo(afterStop);
    }

    @Test
    void refusesANonPositiveInterval() {
        assertThatThrownBy(() -> new PeriodicRunner(Duration.ZERO, () -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
