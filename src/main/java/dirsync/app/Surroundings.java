package dirsync.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What a run takes from its surroundings rather than its arguments; tests supply their own.
 *
 * @param state         where the files dirsync keeps outside the replica live (see {@link StateFiles})
 * @param progressEvery how often a long pass logs a progress line
 * @param interactive   whether the console is a terminal that can show a live progress line
 * @param home          the user's home, where ~/.ssh is (keys, known_hosts, config) for an sftp:// replica
 * @param environment   the variables an s3:// replica's client is configured from (AWS_ACCESS_KEY_ID, AWS_PROFILE,
 *                      AWS_REGION, AWS_ENDPOINT_URL, HOME for ~/.aws...), as the AWS CLI reads them
 */
public record Surroundings(StatePlaces state, Duration progressEvery, boolean interactive, Path home,
                           Map<String, String> environment) {

    public Surroundings {
        environment = Map.copyOf(environment);
    }

    /** With this process's environment. */
    public Surroundings(StatePlaces state, Duration progressEvery, boolean interactive, Path home) {
        this(state, progressEvery, interactive, home, System.getenv());
    }

    /** The same surroundings, with {@code variables} as the environment. */
    public Surroundings withEnvironment(Map<String, String> variables) {
        return new Surroundings(state, progressEvery, interactive, home, variables);
    }

    /** Not the environment's values: they may hold secrets. */
    @Override
    public String toString() {
        return "Surroundings[state=" + state + ", home=" + home + "]";
    }

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
