package dirsync.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one way a test waits for something that happens "eventually" (a watch catching up, a child process writing
 * its log): the check is tried again every few milliseconds until it holds, and after the deadline the test fails
 * with what it waited for and the last mismatch seen. Deadlines are generous, as CI runs on a loaded machine: they
 * bound a hang, they do not measure speed.
 */
public final class Eventually {

    private static final Duration POLL_STEP = Duration.ofMillis(20);
    private static final int MAX_MISMATCH_CHARS = 4000;

    private Eventually() {
    }

    /** A check that throws (an {@link AssertionError}, or any exception) while what it waits for has not happened. */
    @FunctionalInterface
    public interface Check {
        void verify() throws Exception;
    }

    /** Waits until {@code check} passes; after {@code timeout} fails with {@code what} and the check's last failure. */
    public static void within(Duration timeout, String what, Check check) {
        within(timeout, what, check, () -> "");
    }

    /** As {@link #within(Duration, String, Check)}, the failure also giving {@code context} (e.g. a child's output). */
    public static void within(Duration timeout, String what, Check check, Supplier<String> context) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Throwable mismatch;
            try {
                check.verify();
                return;
            } catch (AssertionError | Exception notYet) {
                mismatch = notYet;
            }
            if (System.nanoTime() - deadline > 0) {
                AssertionError timedOut = new AssertionError("waited " + timeout.toMillis() + " ms for " + what
                        + "; last mismatch: " + shortened(String.valueOf(mismatch.getMessage())) + context(context));
                timedOut.addSuppressed(mismatch);
                throw timedOut;
            }
            pause(what);
        }
    }

    /** Waits until {@code condition} holds; after {@code timeout} fails with {@code what} and {@code context}. */
    public static void until(Duration timeout, String what, BooleanSupplier condition, Supplier<String> context) {
        within(timeout, what, () -> {
            if (!condition.getAsBoolean()) {
                throw new AssertionError("not yet");
            }
        }, context);
    }

    private static String context(Supplier<String> context) {
        String text = context.get();
        return text == null || text.isEmpty() ? "" : "\n" + text;
    }

    private static String shortened(String text) {
        return text.length() > MAX_MISMATCH_CHARS ? text.substring(0, MAX_MISMATCH_CHARS) + "..." : text;
    }

    private static void pause(String what) {
        try {
            Thread.sleep(POLL_STEP.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        }
    }
}
