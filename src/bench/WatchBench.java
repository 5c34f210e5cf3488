import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Watch mode's speed and cost, measured on the real jar as a child process. Single-file program:
 *
 * <pre>
 * java src/bench/WatchBench.java [options]      (--help lists them)
 * </pre>
 *
 * <ol>
 * <li><b>Latency</b>: a copy of the {@code small} tree (50,000 files) is the source; {@code dirsync --watch} makes
 *     the replica with its first full pass; then a writer makes changes at a given mean rate (default 60 at 1/s,
 *     then 300 at 10/s, Poisson arrivals): each one writes a new file or rewrites an existing one in place (half
 *     and half, seeded) in a random directory, with unique content. The latency of a change runs from just after
 *     the writer's close to the moment a poller thread, which reads the expected replica path every 2 ms, first
 *     finds it there with the full expected content.</li>
 * <li><b>Idle CPU</b>: 5 s after the last change arrived, the child's utime+stime from /proc/PID/stat over 60 s,
 *     as % of one core.</li>
 * <li><b>Memory</b>: VmRSS and VmHWM from /proc/PID/status a few seconds after the first full pass, with and
 *     without --watch (3 runs each, medians), on {@code small} and on a generated tree of 5,000 directories, then
 *     VmRSS and the Java heap in use after a full GC (jcmd); the difference divided by the number of inotify
 *     watches (counted in /proc/PID/fdinfo) is the memory per watched directory.</li>
 * </ol>
 * Prints a table, appends one CSV row per figure to {@code -o FILE}, and exits 0 only if every change arrived,
 * the replica matched the source at the end, and every child exited 0 on SIGTERM.
 *
 * <p>This file only launches the benchmark, whose parts are in {@code watchbench/} next to it: {@code Options} (the
 * command line), {@code Bench} (the order of the parts, the results and the CSV), {@code Latency} (the writer, the
 * poller and idle CPU), {@code MemoryRuns} (memory with and without --watch), {@code Child} (one dirsync process and
 * its log), {@code Proc} (what /proc tells of processes and the machine), {@code Tree} and {@code WorkTrees} (the
 * source trees and the work directory) and {@code Figures} (percentiles and number formats). JDK 17 runs a
 * single-file program alone, so the launcher compiles the parts in memory with the JDK's compiler and runs them.
 */
public final class WatchBench {

    private WatchBench() {
    }

    public static void main(String[] args) throws Throwable {
        Path benchDir = ownDirectory();
        // The parts find the bench's files (the default jar) through this, not by reading the command line again.
        System.setProperty("watchbench.dir", benchDir.toString());
        Map<String, byte[]> classes = compiled(benchDir.resolve("watchbench"));
        ClassLoader parts = new ClassLoader(WatchBench.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] bytes = classes.get(name);
                if (bytes == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, bytes, 0, bytes.length);
            }
        };
        try {
            parts.loadClass("watchbench.Bench").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The class files of the parts, by binary name, compiled in memory; exits 2 if they do not compile. */
    private static Map<String, byte[]> compiled(Path dir) throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.list(dir)) {
            sources = files.filter(file -> file.toString().endsWith(".java")).sorted().toList();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, byte[]> classes = new HashMap<>();
        try (StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            ForwardingJavaFileManager<StandardJavaFileManager> inMemory = new ForwardingJavaFileManager<>(standard) {
                @Override
                public JavaFileObject getJavaFileForOutput(Location location, String className,
                        JavaFileObject.Kind kind, FileObject sibling) {
                    URI where = URI.create("mem:///" + className.replace('.', '/') + kind.extension);
                    return new SimpleJavaFileObject(where, kind) {
                        @Override
                        public OutputStream openOutputStream() {
                            return new ByteArrayOutputStream() {
                                @Override
                                public void close() {
                                    classes.put(className, toByteArray());
                                }
                            };
                        }
                    };
                }
            };
            boolean ok = javac.getTask(null, inMemory, diagnostics, List.of("-proc:none"), null,
                    standard.getJavaFileObjectsFromPaths(sources)).call();
            if (!ok) {
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    System.err.println(d);
                }
                System.err.println("watchbench: the parts in " + dir + " do not compile");
                System.exit(2);
            }
        }
        return classes;
    }

    /** The directory of this source file, from the command line of this JVM (java src/bench/WatchBench.java). */
    private static Path ownDirectory() {
        String[] args = ProcessHandle.current().info().arguments().orElse(new String[0]);
        for (String a : args) {
            if (a.endsWith("WatchBench.java")) {
                Path p = Path.of(a).toAbsolutePath().getParent();
                if (p != null) {
                    return p;
                }
            }
        }
        return Path.of("src/bench").toAbsolutePath();
    }
}
