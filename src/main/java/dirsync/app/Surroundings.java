package dirsync.app;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What a run takes from its surroundings rather than its arguments; tests supply their own.
 *
 * @param stateDirectory where the files dirsync keeps outside the replica live (see {@link StateFiles})
 * @param progressEvery  how often a long pass logs a progress line
 * @param interactive    whether the console is a terminal that can show a live progress line
 */
public record Surroundings(Path stateDirectory, Duration progressEvery, boolean interactive) {

    /** This process's: java.io.tmpdir, a progress line every 10 s, and whether stdout is a terminal. */
    public static Surroundings ofThisProcess() {
        return new Surroundings(Path.of(System.getProperty("java.io.tmpdir")), Duration.ofSeconds(10),
                ProgressReporter.consoleIsInteractive());
    }
}
