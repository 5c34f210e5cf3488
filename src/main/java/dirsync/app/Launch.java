package dirsync.app;

import java.io.PrintWriter;

/**
 * Where the command line hands over, and where the process's exit code is chosen: a request is checked and run
 * as a {@link Session} (whose code it is), or refused in one line on stderr with {@link ExitCode#USAGE}, as is a
 * mistake the command line's parser found.
 */
public final class Launch {

    private Launch() {
    }

    /** Checks the request, runs it to its end and returns the exit code, or refuses it (nothing touched). */
    public static int run(Settings.Request request, Surroundings surroundings, StopSignal stop, PrintWriter out,
                          PrintWriter err) throws InterruptedException {
        Settings settings;
        try {
            settings = Settings.validate(request, surroundings);
        } catch (InvalidSettingsException e) {
            return refuse(e.getMessage(), err);
        }
        return new Session(settings, stop, out, err).run();
    }

    /** Refuses a usage mistake: {@code line} (escaped already) on stderr, and nothing touched. */
    public static int refuse(String line, PrintWriter err) {
        err.println("dirsync: " + line);
        err.flush();
        return ExitCode.USAGE;
    }
}
