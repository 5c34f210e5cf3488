package dirsync.app;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What a run takes from its surroundings rather than its arguments; tests supply their own.
 *
 * @param state         where the files dirsync keeps outside the replica live (see {@link StateFiles})
 * @param progressEvery how often a long pass logs a progress line
 * @param interactive   whether the console is a terminal that can show a live progress line
 * @param home          the user's home, where ~/.ssh is (keys, known_hosts, config) for an sftp:// replica
 */
public record Surroundings(StatePlaces state, Duration progressEvery, boolean interactive, Path home) {

    /** All state in {@code stateDirectory}, with this user's home. */
    public Surroundings(Path stateDirectory, Duration progressEvery, boolean interactive) {
        this(stateDirectory, progressEvery, interactive, Path.of(System.getProperty("user.home")));
    }

    /** All state in {@code stateDirectory}. */
    public Surroundings(Path stateDirectory, Duration progressEvery, boolean interactive, Path home) {
        this(StatePlaces.in(stateDirectory), progressEvery, interactive, home);
    }

    /**
     * This process's: the lock in java.io.tmpdir, the memory in this user's state directory (see
     * {@link StatePlaces#of}), a progress line every 10 s, and whether stdout is a terminal.
     */
    public static Surroundings ofThisProcess() {
        return new Surroundings(StatePlaces.of(System.getenv(), System.getProperty("java.io.tmpdir"),
                System.getProperty("user.home")), Duration.ofSeconds(10), ProgressReporter.consoleIsInteractive(),
                Path.of(System.getProperty("user.home")));
    }
}
