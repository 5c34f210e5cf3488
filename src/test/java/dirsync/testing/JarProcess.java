package dirsync.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where the built jar and the Java that runs it are, for tests that start dirsync as a child process. */
public final class JarProcess {

    private JarProcess() {
    }

    /** The shaded jar built by {@code mvn package} (Failsafe passes its path as {@code dirsync.jar}). */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("dirsync.jar", "target/dirsync.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no jar at " + jar + ": run 'mvn package' first");
        }
        return jar;
    }

    /** The java launcher: {@code dirsync.java} if set (CI runs the suite again on another JDK), else this JVM's. */
    public static String java() {
        return System.getProperty("dirsync.java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** {@code java -jar dirsync.jar args...} as a command list. */
    public static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar().toString()));
        command.addAll(List.of(args));
        return command;
    }

    public static Process start(Path logOutput, String... args) throws IOException {
        return new ProcessBuilder(command(args)).redirectErrorStream(true).redirectOutput(logOutput.toFile()).start();
    }
}
