package dirsync.app;

import java.io.PrintWriter;

/**
 * The console, shared by log lines and (on an interactive terminal) a live progress line at the bottom:
 * a log line first clears the progress line, then the progress line is drawn again under it.
 */
final class ConsoleLine {

    private static final String CLEAR_LINE = "\r\u001b[K";

    private final PrintWriter out;
    private String progress;

    ConsoleLine(PrintWriter out) {
        this.out = out;
    }

    synchronized void logLine(String text) {
        if (progress != null) {
            out.print(CLEAR_LINE);
        }
        out.print(text);
        if (progress != null) {
            out.print(progress);
        }
        out.flush();
    }

    synchronized void showProgress(String text) {
        progress = text;
        out.print(CLEAR_LINE + text);
        out.flush();
    }

    synchronized void clearProgress() {
        if (progress != null) {
            progress = null;
            out.print(CLEAR_LINE);
            out.flush();
        }
    }
}
