package dirsync.app;

import dirsync.sync.LogText;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Whether the log file takes its lines. A failed write (a full disk, a quota, an I/O error) is said on stderr
 * once, when the writes start failing, and once more when they work again, never once a line; the lines that
 * could not be written are counted, for the status file and the exit code of {@code --once}.
 *
 * <p>One per run: the streams of the log file ({@link LogFileStream}, a new one after each roll-over) report to
 * it, under the file appender's lock; the session reads it from its own threads.
 */
final class LogWrites {

    private final PrintWriter err;
    private final String logFile;
    /** Lines not written since the run started. */
    private long failures;
    /** Lines not written since the writes started failing, while they fail. */
    private long lost;
    /** While the writes fail, the reason of the first failure; null while they work. */
    private String reason;

    /**
     * @param err     where the two lines of each failure go (the log itself cannot take them)
     * @param logFile LOG_FILE as the user gave it, for those lines
     */
    LogWrites(PrintWriter err, String logFile) {
        this.err = err;
        this.logFile = LogText.escape(logFile);
    }

    /** A line could not be written (in full): the first of a run of failures is said on stderr. */
    synchronized void failed(IOException cause) {
        failures++;
        lost++;
        if (reason == null) {
            reason = reasonOf(cause);
            say("cannot write log file '" + logFile + "': " + reason
                    + "; going on without it, and trying again with each new line");
        }
    }

    /**
     * The note to write before the next line while the writes fail (it says how many lines are missing), or
     * null while they work.
     */
    synchronized String noteIfFailing() {
        return reason == null ? null
                : "the log file can be written again; " + lines(lost) + " could not be written before this one ("
                        + reason + ")";
    }

    /** A line was written: if the writes were failing, that is said on stderr, and the failure is over. */
    synchronized void written() {
        if (reason != null) {
            say("log file '" + logFile + "' can be written again; " + lines(lost) + " could not be written");
            reason = null;
            lost = 0;
        }
    }

    /** False while the writes fail (since the last failed write, until a write works). */
    synchronized boolean writable() {
        return reason == null;
    }

    /** How many lines could not be written since the run started. */
    synchronized long failures() {
        return failures;
    }

    private static String lines(long count) {
        return count == 1 ? "1 line" : count + " lines";
    }

    private void say(String line) {
        err.println("dirsync: " + line);
        err.flush();
    }

    /** FileOutputStream's "PATH (REASON)" for a file it cannot open: the path is said already. */
    private static String reasonOf(IOException cause) {
        String message = cause.getMessage();
        if (cause instanceof FileNotFoundException && message != null && message.endsWith(")")
                && message.lastIndexOf(" (") > 0) {
            return LogText.escape(message.substring(message.lastIndexOf(" (") + 2, message.length() - 1));
        }
        return LogText.escape(LogText.reason(cause));
    }
}
