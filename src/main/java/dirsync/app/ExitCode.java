package dirsync.app;

/** The process exit codes, documented in README and in --help. */
public final class ExitCode {

    /** Every pass ran without an error (or the periodic mode was stopped by a signal). */
    public static final int OK = 0;
    /** A --once pass finished, but some entries failed, or the pass was interrupted. */
    public static final int ENTRIES_FAILED = 1;
    /** Usage or validation error: nothing was touched. */
    public static final int USAGE = 2;
    /** Another dirsync is already running on the same replica: nothing was touched. */
    public static final int ALREADY_RUNNING = 3;
    /**
     * The run started (it took the lock and opened the log file) but could not create the replica: nothing in
     * it was changed. Not 2, because the log file and the lock file were written.
     */
    public static final int REPLICA_UNUSABLE = 4;
    /**
     * An sftp:// replica's host refused this run, or this run refused the host, for a reason only the user can
     * fix: an unknown or changed host key, a key the server does not accept, no usable key. Nothing on the host
     * was touched.
     */
    public static final int REMOTE_REFUSED = 5;

    private ExitCode() {
    }
}
