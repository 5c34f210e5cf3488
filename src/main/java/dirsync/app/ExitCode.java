package dirsync.app;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The process exit codes, documented in README and in --help (from {@link #meanings()}). */
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
     * fix: an unknown or changed host key, a key the server does not accept, no usable key; or an s3:// replica's
     * store refused the credentials, denied the bucket or the write of the lock object (read-only keys), or no
     * credentials were found. Nothing there was touched.
     */
    public static final int REMOTE_REFUSED = 5;

    private ExitCode() {
    }

    /** Each code with its meaning in one line, in order, as --help lists them (README says more of each). */
    public static Map<String, String> meanings() {
        Map<String, String> meanings = new LinkedHashMap<>();
        meanings.put(String.valueOf(OK), "success (periodic mode: stopped by SIGTERM or Ctrl-C)");
        meanings.put(String.valueOf(ENTRIES_FAILED), "--once: the pass finished, but some entries failed (a file "
                + "that changed during its copy in 3 passes in a row among them), a guard refused its deletions or "
                + "the log file could not take a line (or it was interrupted)");
        meanings.put(String.valueOf(USAGE), "usage or validation error; nothing was touched");
        meanings.put(String.valueOf(ALREADY_RUNNING), "another dirsync is already running on the same replica; "
                + "nothing was touched");
        meanings.put(String.valueOf(REPLICA_UNUSABLE), "the run started but could not use the replica (an s3:// "
                + "replica's bucket does not exist): nothing in it was changed");
        meanings.put(String.valueOf(REMOTE_REFUSED), "an sftp:// replica's host key is unknown or changed, or no key "
                + "was accepted; an s3:// replica's credentials are missing or refused; nothing there was touched");
        return Collections.unmodifiableMap(meanings);
    }
}
