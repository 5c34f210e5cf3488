package dirsync.app;

import java.util.concurrent.CountDownLatch;

/** Raised once, by SIGTERM or Ctrl-C in production or by a test: asks the running command to stop cleanly. */
public final class StopSignal {

    private final CountDownLatch raised = new CountDownLatch(1);

    public void raise() {
        raised.countDown();
    }

    public boolean isRaised() {
        return raised.getCount() == 0;
    }

    void await() throws InterruptedException {
        raised.await();
    }

    /**
     * Raises this signal on SIGTERM and SIGINT instead of letting the JVM exit at once, so the command can
     * finish the entry at hand, log a last line and exit 0.
     */
    @SuppressWarnings("sunapi") // sun.misc.Signal: the only JDK way to turn a signal into a clean exit code
    public StopSignal onTerminationSignals() {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> raise());
            } catch (IllegalArgumentException unavailable) {
                // The JVM reserves this signal here (e.g. -Xrs): the default handling stays in place.
            }
        }
        return this;
    }
}
