package watchbench;

import static watchbench.Figures.*;
import static watchbench.Proc.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Watch mode's speed and cost, measured on the real jar as a child process (see WatchBench.java): the order of the
 * parts, their shared results (table rows, CSV rows, problems, exit codes), and the CSV files at the end.
 */
public final class Bench {

    private static final String CSV_HEADER = "section,tree,mode,rate_per_s,metric,value,unit,note,load1,utc";

    final Options o;
    private final WorkTrees trees;

    // ------------------------------------------------------------------------------------------------ state

    final String javaBin = ProcessHandle.current().info().command().orElse("java");
    final long clkTck = clockTicks();
    final Path jcmd = jdkTool("jcmd");
    final List<String[]> rows = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    final List<String> rawLines = new ArrayList<>();
    final List<String> exits = new ArrayList<>();
    final List<Double> pollPeriods = new ArrayList<>();

    Bench(Options o) {
        this.o = o;
        this.trees = new WorkTrees(o, javaBin);
    }

    public static void main(String[] args) throws Exception {
        Options options = new Options();
        options.parse(args);
        Bench b = new Bench(options);
        Runtime.getRuntime().addShutdownHook(new Thread(Child::killChildren, "kill-children"));
        int rc;
        try {
            rc = b.run();
        } catch (BenchException e) {
            System.err.println("watchbench: " + e.getMessage());
            rc = 1;
        }
        System.exit(rc);
    }

    private int run() throws Exception {
        if (!Files.isRegularFile(o.jar)) {
            System.err.println("watchbench: no jar at " + o.jar + ": build it first (mvn -o -q package -DskipTests)"
                    + " or pass --jar PATH");
            return 2;
        }
        if (!Files.isReadable(Path.of("/proc/self/status"))) {
            System.err.println("watchbench: needs Linux /proc");
            return 2;
        }
        Files.createDirectories(o.work);
        boolean deleted = trees.deleteWorkTrees(false);
        if (deleted && o.settleS > 0) {
            info(String.format(Locale.ROOT, "settling %.0f s after the deletion (file creation is slow for a while "
                    + "after mass deletions)", o.settleS));
            sleepS(o.settleS);
        }
        System.out.printf("dirsync watch benchmark, %s%n", Instant.now().truncatedTo(ChronoUnit.SECONDS));
        System.out.printf("jar %s, java %s (%s), java options: %s%n", o.jar, Runtime.version(), javaBin,
                o.javaOpts.isEmpty() ? "none (java -jar defaults)" : String.join(" ", o.javaOpts));
        System.out.printf("%d cpus, load %s, work %s%n", Runtime.getRuntime().availableProcessors(), loadavg(),
                o.work);

        Path pristine = o.smallTree != null ? o.smallTree : trees.generatedSmall();
        if (o.doLatency) {
            Path src = o.work.resolve("small-src");
            info("copying " + pristine + " to " + src);
            WorkTrees.copyTree(pristine, src);
            Tree small = Tree.scan("small", src);
            System.out.printf("source 'small': %,d files, %,d directories (the root included), %,d bytes, a copy"
                    + " of %s%n", small.files, small.dirs.size(), small.bytes, pristine);
            new Latency(this).latencyRun(small);
        }
        if (o.doMemory) {
            Tree small = Tree.scan("small", pristine);
            Tree many = Tree.scan("dirs" + o.dirs, trees.generatedDirs());
            System.out.printf("%nmemory runs: each tree %d times without and with --watch (alternating), read in"
                    + " place, each run into an empty replica%n", o.memRuns);
            MemoryRuns memoryRuns = new MemoryRuns(this);
            List<Memory> memory = new ArrayList<>();
            for (Tree t : List.of(small, many)) {
                System.out.printf("source '%s': %,d files, %,d directories (the root included), %,d bytes, %s%n",
                        t.name, t.files, t.dirs.size(), t.bytes, t.root);
                for (int i = 1; i <= o.memRuns; i++) {
                    memory.add(memoryRuns.memoryRun(t, false, i));
                    memory.add(memoryRuns.memoryRun(t, true, i));
                }
            }
            memoryRuns.printMemory(memory);
        }

        if (!o.keep) {
            info("deleting the work trees (--keep keeps them)");
            trees.deleteWorkTrees(true);
        }
        System.out.printf("%nexit codes after SIGTERM: %s%n", String.join(", ", exits));
        writeCsv();
        if (problems.isEmpty()) {
            System.out.println("result: OK");
            return 0;
        }
        System.out.println("result: FAILED");
        for (String p : problems) {
            System.out.println("  " + p);
        }
        return 1;
    }

    void row(String section, String tree, String mode, String rate, String metric, double value, String unit,
            String note, String load) {
        String v = Double.isNaN(value) ? "" : value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value) : String.format(Locale.ROOT, "%.3f", value);
        rows.add(new String[] {section, tree, mode, rate, metric, v, unit, csvText(note), load,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()});
    }

    void writeCsv() throws IOException {
        if (o.csv != null) {
            boolean fresh = !Files.exists(o.csv) || Files.size(o.csv) == 0;
            StringBuilder sb = new StringBuilder(fresh ? CSV_HEADER + "\n" : "");
            for (String[] r : rows) {
                sb.append(String.join(",", r)).append('\n');
            }
            if (o.csv.getParent() != null) {
                Files.createDirectories(o.csv.getParent());
            }
            Files.writeString(o.csv, sb, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            System.out.println("CSV: " + o.csv);
        }
        if (o.raw != null && !rawLines.isEmpty()) {
            StringBuilder sb = new StringBuilder("rate_per_s,change,kind,path,bytes,closed_utc,latency_ms,arrived\n");
            rawLines.forEach(l -> sb.append(l).append('\n'));
            if (o.raw.getParent() != null) {
                Files.createDirectories(o.raw.getParent());
            }
            Files.writeString(o.raw, sb);
            System.out.println("per-change CSV: " + o.raw);
        }
    }

    /** The output of {@code jcmd PID COMMAND}, or null if it failed. */
    String jcmd(String command, long pid) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                    .start();
            Child.CHILDREN.add(p);
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            Child.CHILDREN.remove(p);
            if (done && p.exitValue() == 0) {
                return out;
            }
            info("jcmd " + command + " failed: " + out.trim());
        } catch (IOException e) {
            info("jcmd " + command + " failed: " + e.getMessage());
        }
        return null;
    }

    /** A tool of the JDK that runs this program (bin/jcmd next to bin/java), or null. */
    private Path jdkTool(String tool) {
        Path p = Path.of(javaBin).resolveSibling(tool);
        return Files.isExecutable(p) ? p : null;
    }

    static void info(String s) {
        System.err.printf("[%s] %s%n", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().substring(11, 19), s);
    }

    static void sleepS(double s) throws InterruptedException {
        if (s > 0) {
            Thread.sleep((long) (s * 1000));
        }
    }
}
