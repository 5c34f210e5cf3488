package dirsync.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a pass so that nothing it throws ends the run: a service runs for months, and even a bug in one pass must
 * not end it. What escapes the pass is logged, once, with what follows it; then the runner goes on.
 */
final class PassGuard {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");

    private final String next;

    /** @param next what follows a pass that failed, for the log line: "next pass in 60 s" */
    PassGuard(String next) {
        this.next = next;
    }

    void run(Runnable pass) {
        try {
            pass.run();
        } catch (Throwable unexpected) {
            LOG.error("pass failed unexpectedly, {}: {}", next, unexpected.toString(), unexpected);
        }
    }
}
