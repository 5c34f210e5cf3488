package dirsync.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fixture of the jar-level tests, registered with {@code @RegisterExtension final DirsyncJar jar = new
 * DirsyncJar();}. Before each test: a new temporary directory with {@code source/} created, and {@code replica/}
 * and {@code logs/dirsync.log} left for dirsync to create; a {@link JarRuns} that writes the children's output to
 * {@code output/}. After each test, passed or failed (its own {@code @AfterEach} methods have run by then): every
 * child still alive is killed, and the directory is deleted, whatever permissions the test left in it.
 *
 * <p>The command builders give {@code java -jar dirsync.jar ARGUMENTS...}, or the launcher set by
 * {@link #launchWith} in place of {@code java -jar dirsync.jar}.
 */
final class DirsyncJar implements BeforeEachCallback, AfterEachCallback {

    private static final Set<PosixFilePermission> OWNER_ALL = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private Path tmp;
    private JarRuns runs;
    /** What goes before dirsync's arguments; null for {@code java -jar dirsync.jar}. */
    private List<String> launcher;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        tmp = Files.createTempDirectory("dirsync-it-");
        runs = new JarRuns(tmp.resolve("output"));
        launcher = null;
        Files.createDirectories(source());
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            if (runs != null) {
                runs.close();
            }
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    /** The built jar ({@code mvn package}; Failsafe passes its path as {@code dirsync.jar}). */
    static Path jarFile() {
        Path jar = Path.of(System.getProperty("dirsync.jar", "target/dirsync.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no jar at " + jar + ": run 'mvn package' first");
        }
        return jar;
    }

    /** The java launcher: {@code dirsync.java} if set (CI runs the suite again on another JDK), else this JVM's. */
    static String java() {
        return System.getProperty("dirsync.java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** This test's temporary directory. */
    Path tmp() {
        return tmp;
    }

    /** {@code source/} in the temporary directory, created empty. */
    Path source() {
        return tmp.resolve("source");
    }

    /** {@code replica/} in the temporary directory, not created. */
    Path replica() {
        return tmp.resolve("replica");
    }

    /** {@code logs/dirsync.log} in the temporary directory, neither it nor its directory created. */
    Path logFile() {
        return tmp.resolve("logs").resolve("dirsync.log");
    }

    /** The {@code XDG_STATE_HOME} of the children, not created (see {@link JarRuns#stateHome}). */
    Path stateHome() {
        return runs.stateHome();
    }

    /** Starts {@code command} as a child killed after the test (see {@link JarRuns#start}). */
    JarRuns.Running start(String label, List<String> command) throws IOException {
        return runs.start(label, command);
    }

    /** Runs {@code command} to its end, failing the test after {@code timeout} (see {@link JarRuns#run}). */
    JarRuns.Finished run(String label, Duration timeout, List<String> command) throws IOException {
        return runs.run(label, timeout, command);
    }

    /** Starts {@code command} in {@code workingDirectory}, where its relative paths are (killed after the test). */
    JarRuns.Running startIn(Path workingDirectory, String label, List<String> command) throws IOException {
        return runs.start(label, command, workingDirectory);
    }

    /** Runs {@code command} to its end in {@code workingDirectory}, where its relative paths are. */
    JarRuns.Finished runIn(Path workingDirectory, String label, Duration timeout, List<String> command)
            throws IOException {
        return runs.start(label, command, workingDirectory).awaitExit(timeout);
    }

    /** From now on in this test, children get {@code variables} in their environment, and no AWS_* of ours. */
    void environment(Map<String, String> variables) {
        runs.environment(variables);
    }

    /**
     * From now on in this test, commands start with {@code launcher} (e.g. a wrapper, then java -jar some copy
     * of the jar; or the distribution's bin/dirsync) instead of {@code java -jar dirsync.jar}.
     */
    void launchWith(List<String> launcher) {
        this.launcher = List.copyOf(launcher);
    }

    /** The launcher, then {@code arguments}. */
    List<String> command(String... arguments) {
        List<String> command = new ArrayList<>(launcher != null ? launcher
                : List.of(java(), "-jar", jarFile().toString()));
        command.addAll(List.of(arguments));
        return command;
    }

    /** The launcher, then {@code OPTIONS... SOURCE REPLICA INTERVAL LOG_FILE} on any paths. */
    List<String> sync(Path source, Path replica, String interval, Path logFile, String... options) {
        return sync(source, replica.toString(), interval, logFile, options);
    }

    /** The same with REPLICA as given, e.g. an {@code sftp://} URI. */
    List<String> sync(Path source, String replica, String interval, Path logFile, String... options) {
        return command(Stream.concat(Stream.of(options),
                Stream.of(source.toString(), replica, interval, logFile.toString())).toArray(String[]::new));
    }

    /** One pass on this test's paths: {@code --once OPTIONS... SOURCE REPLICA 1 LOG_FILE}. */
    List<String> once(String... options) {
        return sync(source(), replica(), "1", logFile(),
                Stream.concat(Stream.of("--once"), Stream.of(options)).toArray(String[]::new));
    }

    /** Periodic mode on this test's paths: {@code OPTIONS... SOURCE REPLICA INTERVAL LOG_FILE}. */
    List<String> periodic(int intervalSeconds, String... options) {
        return sync(source(), replica(), String.valueOf(intervalSeconds), logFile(), options);
    }

    /**
     * Deletes {@code path} and all under it without following links; a directory first gets back the owner's
     * read, write and search permissions a test may have taken away.
     */
    private static void deleteTree(Path path) throws IOException {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            if (!permissions.containsAll(OWNER_ALL)) {
                Set<PosixFilePermission> restored = EnumSet.copyOf(OWNER_ALL);
                restored.addAll(permissions);
                Files.setPosixFilePermissions(path, restored);
            }
            List<Path> entries;
            try (Stream<Path> list = Files.list(path)) {
                entries = list.toList();
            }
            for (Path entry : entries) {
                deleteTree(entry);
            }
        }
        Files.delete(path);
    }
}
