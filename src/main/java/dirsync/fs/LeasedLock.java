package dirsync.fs;

import java.io.IOException;

/**
 * A replica's one-run lock, held by this run as a lease: written again by {@link #renew} every third of the lease,
 * it is taken over by another run once it has gone a whole lease unwritten (its holder died, or lost the store). The
 * application renews it and releases it without knowing where it lives (an object store's lock object).
 */
public interface LeasedLock extends AutoCloseable {

    /**
     * Writes the lock again: its lease starts again.
     *
     * @throws HeldElsewhereException if it is no longer this run's: another run took it over
     * @throws IOException            if the store could not be asked now (the next renewal tries again)
     */
    void renew() throws IOException;

    /**
     * Whether the lock is taken, renewed and taken over by writes the store makes conditional (of two runs, one
     * wins); false: a plain lease, read back after each write, with the race window that leaves.
     */
    boolean atomic();

    /** Where the lock lives, for messages ({@code s3://bucket/prefix/.dirsync.lock}). */
    String describe();

    /** Releases the lock if it is still this run's; a failure leaves it to run out its lease. */
    @Override
    void close();

    /** Another run holds the lock, or took it over from this one. */
    final class HeldElsewhereException extends IOException {
        private static final long serialVersionUID = 1L;

        public HeldElsewhereException(String message) {
            super(message);
        }
    }
}
