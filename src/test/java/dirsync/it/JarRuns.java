package dirsync.it;

import static org.assertj.core.api.Assertions.fail;

import dirsync.testing.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Starts dirsync (or any command) as a child process of an integration test, with stdout and stderr each
 * redirected to a file in the test's temporary directory, and kills whatever is still alive on
 * {@link #close()}. Also the polling and file helpers the jar-level tests share.
 */
final class JarRuns implements AutoCloseable {

    /** The name of a temporary file dirsync builds a copy under ({@code fs.local.AtomicInstall}). */
    static final Pattern TEMP_NAME = Pattern.compile("\\.dirsync-[0-9a-f]{16}\\.tmp");

    /** The start of every log line: ISO-8601 time with offset, then the level padded to five characters. */
    static final Pattern LOG_LINE_START = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) (TRACE|DEBUG|INFO |WARN |ERROR) ");

    private static final int OUTPUT_SHOWN = 6000;
    private static final Pattern PASS_DURATION = Pattern.compile(" pass \\d+ finished: .* duration=(\\d+\\.\\d+)s");

    private final Path outputDir;
    private final List<Running> started = new ArrayList<>();
    private int counter;
    /** Variables the children get besides this process's, which then lose every AWS_* of their own. */
    private Map<String, String> environment = Map.of();

    JarRuns(Path outputDir) {
        this.outputDir = outputDir;
        try {
            Files.createDirectories(outputDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code command}; its output goes to {@code <label>-<n>.out} and {@code .err} in the output dir. */
    Running start(String label, List<String> command) throws IOException {
        return start(label, command, outputDir);
    }

    /** The same with {@code workingDirectory} as the child's working directory (the output dir above). */
    Running start(String label, List<String> command, Path workingDirectory) throws IOException {
        int number = ++counter;
        Path out = outputDir.resolve(label + "-" + number + ".out");
        Path err = outputDir.resolve(label + "-" + number + ".err");
        ProcessBuilder builder = new ProcessBuilder(command);
        // The hash memory of a child's runs goes to the test's own directory, never to the real home's.
        builder.environment().remove("STATE_DIRECTORY");
        builder.environment().put("XDG_STATE_HOME", stateHome().toString());
        if (!environment.isEmpty()) {
            builder.environment().keySet().removeIf(variable -> variable.startsWith("AWS_"));
            builder.environment().putAll(environment);
        }
        Process process = builder
                .directory(workingDirectory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        Running running = new Running(command, process, out, err);
        started.add(running);
        return running;
    }

    /**
     * From now on, children get {@code variables} too, and no AWS_* variable of this process's (the keys and the
     * endpoint of a test's object store: an s3:// replica is configured from its environment alone).
     */
    void environment(Map<String, String> variables) {
        environment = Map.copyOf(variables);
    }

    /**
     * The {@code XDG_STATE_HOME} of every child, beside the output dir, not created: dirsync keeps its hash memory
     * in {@code dirsync/} there.
     */
    Path stateHome() {
        return outputDir.resolveSibling("state-home");
    }

    /** Runs {@code command} to its end (failing the test if it takes longer than {@code timeout}). */
    Finished run(String label, Duration timeout, List<String> command) throws IOException {
        return start(label, command).awaitExit(timeout);
    }

    /** Kills every child still alive: a failed test must not leave a dirsync running. */
    @Override
    public void close() {
        for (Running running : started) {
            Process process = running.process();
            if (process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** A started child process. */
    record Running(List<String> command, Process process, Path stdoutFile, Path stderrFile) {

        String stdout() {
            return readString(stdoutFile);
        }

        String stderr() {
            return readString(stderrFile);
        }

        /** The command and what it printed so far, for failure messages. */
        String describe() {
            return "command: " + String.join(" ", command)
                    + (process.isAlive() ? "\n(still running)" : "\nexit code: " + process.exitValue())
                    + "\n--- stdout ---\n" + tail(stdout()) + "\n--- stderr ---\n" + tail(stderr());
        }

        /** Waits up to {@code timeout} for the process to end; fails the test (with its output) if it does not. */
        Finished awaitExit(Duration timeout) {
            long started = System.nanoTime();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    fail("process did not exit within %s s\n%s", timeout.toSeconds(), describe());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for the process", e);
            }
            return new Finished(this, process.exitValue(), Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /** A process that has ended. */
    record Finished(Running running, int exitCode, Duration waited) {
        String stdout() {
            return running.stdout();
        }

        String stderr() {
            return running.stderr();
        }

        String describe() {
            return running.describe();
        }
    }

    /**
     * Polls {@code condition} every few milliseconds until it holds or {@code timeout} has passed; then fails
     * the test with {@code what} and the {@code context} (e.g. the child's output so far).
     */
    static void await(Duration timeout, String what, BooleanSupplier condition, Supplier<String> context) {
        Eventually.until(timeout, what, condition, context);
    }

    /** Every dirsync temporary file anywhere under {@code root}; entries vanishing during the walk are ignored. */
    static List<Path> tempFiles(Path root) {
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (TEMP_NAME.matcher(file.getFileName().toString()).matches()) {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** The file's text (UTF-8, malformed bytes replaced), or "" if it does not exist. */
    static String readString(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's lines, or none if it does not exist. */
    static List<String> lines(Path file) {
        String text = readString(file);
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (text.endsWith("\n")) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** The last {@value #OUTPUT_SHOWN} characters of a (possibly long) output. */
    static String tail(String text) {
        return text.length() <= OUTPUT_SHOWN ? text
                : "[... " + (text.length() - OUTPUT_SHOWN) + " characters cut ...]\n"
                        + text.substring(text.length() - OUTPUT_SHOWN);
    }

    /** Waits (polling every millisecond, at most 20 s) until the log's first line, written just before the pass. */
    static void awaitPassStart(Running dirsync, Path log) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!readString(log).contains(" started: ")) {
            if (!dirsync.process().isAlive()) {
                throw new AssertionError("dirsync ended before its pass started\n" + dirsync.describe());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("dirsync did not start its pass within 20 s\n" + dirsync.describe());
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
    }

    /** The longest {@code duration=} of the pass summary lines in {@code log}, in milliseconds; fails if none. */
    static long longestPassMillis(Path log) {
        long longest = 0;
        for (String line : lines(log)) {
            java.util.regex.Matcher summary = PASS_DURATION.matcher(line);
            if (summary.find()) {
                longest = Math.max(longest, Math.round(Double.parseDouble(summary.group(1)) * 1000));
            }
        }
        if (longest <= 0) {
            fail("no pass duration in %s", log);
        }
        return longest;
    }
}
