package dirsync.cli;

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

    private ExitCode() {
    }
}
