package dirsync.app;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the files dirsync keeps about a replica outside it live ({@link StateFiles}).
 *
 * @param lockDirectory   where the lock file is (and the same-host probe is written): a directory every run on
 *                        the replica must share, whoever started it as whichever user, so {@code java.io.tmpdir}
 *                        ({@code /tmp}), never a per-user one
 * @param memoryDirectory where the hash memory and the record of unsettled files are: this user's own state
 *                        directory, which outlives a reboot; the lock directory where the user has none, or where
 *                        it is inside the source or the replica (see {@link Roots#memoryDirectory})
 */
public record StatePlaces(Path lockDirectory, Path memoryDirectory) {

    /** Everything in one directory (a test's own). */
    public static StatePlaces in(Path directory) {
        return new StatePlaces(directory, directory);
    }

    /**
     * This process's places: the lock in {@code java.io.tmpdir}; the memory in {@code $STATE_DIRECTORY} (set by
     * systemd's {@code StateDirectory=}; the first of several), else {@code $XDG_STATE_HOME/dirsync}, else
     * {@code $HOME/.local/state/dirsync}, else with the lock. As the XDG specification asks, a relative path in any
     * of these variables is ignored. Runs given a {@code java.io.tmpdir} of their own (not {@code /tmp}) keep
     * everything there, as they always did: tests and benchmarks keep their runs apart that way.
     *
     * @param environment the process's environment
     * @param tmpdir      the value of {@code java.io.tmpdir}
     * @param userHome    the value of {@code user.home}, the home when {@code HOME} is not set
     */
    static StatePlaces of(Map<String, String> environment, String tmpdir, String userHome) {
        Path lock = Path.of(tmpdir);
        if (!lock.normalize().equals(Path.of("/tmp"))) {
            return in(lock);
        }
        String systemd = environment.get("STATE_DIRECTORY");
        if (absolute(systemd)) {
            return new StatePlaces(lock, Path.of(systemd.split(":", 2)[0]));
        }
        String xdg = environment.get("XDG_STATE_HOME");
        if (absolute(xdg)) {
            return new StatePlaces(lock, Path.of(xdg, "dirsync"));
        }
        String home = environment.getOrDefault("HOME", userHome);
        if (absolute(home) && !home.equals("/")) {
            return new StatePlaces(lock, Path.of(home, ".local", "state", "dirsync"));
        }
        return in(lock);
    }

    private static boolean absolute(String path) {
        return path != null && path.startsWith("/");
    }
}
