import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 */
public final class WatchBench {

    private static final String CSV_HEADER = "section,tree,mode,rate_per_s,metric,value,unit,note,load1,utc";
    private static final Pattern SUMMARY_DURATION = Pattern.compile("duration=([0-9.]+)s");
    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");
    private static final Pattern WARN_OR_ERROR = Pattern.compile("^\\S+ (WARN|ERROR)\\b");
    private static final List<Process> CHILDREN = new CopyOnWriteArrayList<>();

    // ------------------------------------------------------------------------------------------------ options

    private Path benchDir;
    private Path jar;
    private Path work = Path.of("/tmp/dirsync-watchbench");
    private Path smallTree;
    private Path csv;
    private Path raw;
    private final List<String> javaOpts = new ArrayList<>();
    private String watchDelay;
    private int interval = 3600;
    private final LinkedHashMap<Double, Integer> rates = new LinkedHashMap<>();
    private Integer changesOverride;
    private double timeoutS = 30;
    private double idleS = 60;
    private double idleWaitS = 5;
    private double memWaitS = 5;
    private double pass1TimeoutS = 900;
    private double settleS = 60;
    private int pollMs = 2;
    private int memRuns = 3;
    private boolean evenArrivals;
    private long seed = 42;
    private int dirs = 5000;
    private int filesPerDir = 10;
    private boolean doLatency = true;
    private boolean doMemory = true;
    private boolean keep;

    // ------------------------------------------------------------------------------------------------ state

    private final String javaBin = ProcessHandle.current().info().command().orElse("java");
    private final long clkTck = clockTicks();
    private final Path jcmd = jdkTool("jcmd");
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> rawLines = new ArrayList<>();
    private final List<String> exits = new ArrayList<>();
    private final List<Double> pollPeriods = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        WatchBench b = new WatchBench();
        b.parse(args);
        Runtime.getRuntime().addShutdownHook(new Thread(WatchBench::killChildren, "kill-children"));
        int rc;
        try {
            rc = b.run();
        } catch (BenchException e) {
            System.err.println("watchbench: " + e.getMessage());
            rc = 1;
        }
        System.exit(rc);
    }

    private void parse(String[] args) {
        benchDir = ownDirectory();
        jar = benchDir.resolve("../../target/dirsync.jar").normalize();
        rates.put(1.0, 60);
        rates.put(10.0, 300);
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--jar" -> jar = Path.of(args[++i]);
                    case "-w", "--work" -> work = Path.of(args[++i]);
                    case "--tree" -> smallTree = Path.of(args[++i]);
                    case "-o", "--out" -> csv = Path.of(args[++i]);
                    case "--raw" -> raw = Path.of(args[++i]);
                    case "--java-opts" -> {
                        for (String o : args[++i].trim().split("\\s+")) {
                            if (!o.isEmpty()) {
                                javaOpts.add(o);
                            }
                        }
                    }
                    case "--watch-delay" -> watchDelay = args[++i];
                    case "--interval" -> interval = Integer.parseInt(args[++i]);
                    case "--rates" -> {
                        rates.clear();
                        for (String r : args[++i].trim().split("\\s+")) {
                            String[] p = r.split(":");
                            double rate = Double.parseDouble(p[0]);
                            if (rate <= 0) {
                                throw new IllegalArgumentException("rate " + p[0]);
                            }
                            rates.put(rate, p.length > 1 ? Integer.parseInt(p[1]) : (int) Math.max(10, 30 * rate));
                        }
                    }
                    case "--changes" -> changesOverride = Integer.parseInt(args[++i]);
                    case "--timeout" -> timeoutS = Double.parseDouble(args[++i]);
                    case "--idle" -> idleS = Double.parseDouble(args[++i]);
                    case "--idle-wait" -> idleWaitS = Double.parseDouble(args[++i]);
                    case "--mem-wait" -> memWaitS = Double.parseDouble(args[++i]);
                    case "--pass1-timeout" -> pass1TimeoutS = Double.parseDouble(args[++i]);
                    case "--settle" -> settleS = Double.parseDouble(args[++i]);
                    case "--poll-ms" -> pollMs = Integer.parseInt(args[++i]);
                    case "--mem-runs" -> memRuns = Integer.parseInt(args[++i]);
                    case "--arrivals" -> {
                        String how = args[++i];
                        if (!how.equals("poisson") && !how.equals("even")) {
                            throw new IllegalArgumentException("--arrivals poisson|even");
                        }
                        evenArrivals = how.equals("even");
                    }
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--dirs" -> dirs = Integer.parseInt(args[++i]);
                    case "--files-per-dir" -> filesPerDir = Integer.parseInt(args[++i]);
                    case "--only" -> {
                        String what = args[++i];
                        doLatency = what.equals("latency");
                        doMemory = what.equals("memory");
                        if (!doLatency && !doMemory) {
                            throw new IllegalArgumentException("--only latency|memory");
                        }
                    }
                    case "--keep" -> keep = true;
                    case "-h", "--help" -> usage(0);
                    default -> throw new IllegalArgumentException("unknown argument: " + a);
                }
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            System.err.println("missing value after " + args[args.length - 1]);
            usage(2);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            usage(2);
        }
        if (changesOverride != null) {
            rates.replaceAll((r, n) -> changesOverride);
        }
        if (pollMs < 1 || dirs < 2 || filesPerDir < 0 || interval < 1 || memRuns < 1) {
            System.err.println("--poll-ms, --dirs, --files-per-dir, --interval or --mem-runs out of range");
            usage(2);
        }
    }

    private static void usage(int rc) {
        System.err.print("""
                usage: java src/bench/WatchBench.java [options]
                  --jar PATH            dirsync jar (default: target/dirsync.jar of this clone)
                  -w, --work DIR        work directory (default /tmp/dirsync-watchbench): source copy, replicas,
                                        logs, child stdout/stderr, generated trees
                      --tree DIR        an existing 'small' tree to copy as the source (default: generate one
                                        with GenerateTree.java into WORK/small-pristine)
                  -o, --out FILE        append the results as CSV rows (header written if the file is new)
                      --raw FILE        write one CSV row per change (its latency)
                      --java-opts "O.." JVM options for dirsync, split on blanks (default none)
                      --watch-delay S   pass --watch-delay S to dirsync (default: not passed, dirsync's 1 s)
                      --interval SEC    dirsync's INTERVAL, watch and periodic runs alike (default 3600)
                      --rates "R:N .."  changes per second and how many (default "1:60 10:300")
                      --changes N       N changes at every rate
                      --arrivals poisson|even   random (exponential) gaps between changes, or equal ones
                                        (default poisson: equal 1 s gaps beat in time with the 1 s delay)
                      --timeout SEC     a change not in the replica this long after its close is missing (default 30)
                      --idle SEC        idle CPU sampling time (default 60); 0 skips it
                      --idle-wait SEC   wait after the last change arrived before sampling (default 5)
                      --mem-wait SEC    wait after "pass 1 finished" before reading memory (default 5)
                      --pass1-timeout S give up if the first pass takes longer (default 900)
                      --settle SEC      wait after deleting leftovers of an earlier run (default 60)
                      --poll-ms N       the poller's period in ms (default 2)
                      --seed N          seed of the trees and the changes (default 42)
                      --mem-runs N      memory runs per tree and mode, the table shows medians (default 3)
                      --dirs N          directories of the generated many-directory tree (default 5000)
                      --files-per-dir N files in each of its leaf directories (default 10)
                      --only latency|memory   one part only (latency includes idle CPU)
                      --keep            keep the work directory's trees at the end (default: delete them)
                """);
        System.exit(rc);
    }

    // ------------------------------------------------------------------------------------------------ main

    private int run() throws Exception {
        if (!Files.isRegularFile(jar)) {
            System.err.println("watchbench: no jar at " + jar + ": build it first (mvn -o -q package -DskipTests)"
                    + " or pass --jar PATH");
            return 2;
        }
        if (!Files.isReadable(Path.of("/proc/self/status"))) {
            System.err.println("watchbench: needs Linux /proc");
            return 2;
        }
        Files.createDirectories(work);
        boolean deleted = deleteWorkTrees(false);
        if (deleted && settleS > 0) {
            info(String.format(Locale.ROOT, "settling %.0f s after the deletion (file creation is slow for a while "
                    + "after mass deletions)", settleS));
            sleepS(settleS);
        }
        System.out.printf("dirsync watch benchmark, %s%n", Instant.now().truncatedTo(ChronoUnit.SECONDS));
        System.out.printf("jar %s, java %s (%s), java options: %s%n", jar, Runtime.version(), javaBin,
                javaOpts.isEmpty() ? "none (java -jar defaults)" : String.join(" ", javaOpts));
        System.out.printf("%d cpus, load %s, work %s%n", Runtime.getRuntime().availableProcessors(), loadavg(),
                work);

        Path pristine = smallTree != null ? smallTree : generatedSmall();
        if (doLatency) {
            Path src = work.resolve("small-src");
            info("copying " + pristine + " to " + src);
            copyTree(pristine, src);
            Tree small = Tree.scan("small", src);
            System.out.printf("source 'small': %,d files, %,d directories (the root included), %,d bytes, a copy"
                    + " of %s%n", small.files, small.dirs.size(), small.bytes, pristine);
            latencyRun(small);
        }
        if (doMemory) {
            Tree small = Tree.scan("small", pristine);
            Tree many = Tree.scan("dirs" + dirs, generatedDirs());
            System.out.printf("%nmemory runs: each tree %d times without and with --watch (alternating), read in"
                    + " place, each run into an empty replica%n", memRuns);
            List<Memory> memory = new ArrayList<>();
            for (Tree t : List.of(small, many)) {
                System.out.printf("source '%s': %,d files, %,d directories (the root included), %,d bytes, %s%n",
                        t.name, t.files, t.dirs.size(), t.bytes, t.root);
                for (int i = 1; i <= memRuns; i++) {
                    memory.add(memoryRun(t, false, i));
                    memory.add(memoryRun(t, true, i));
                }
            }
            printMemory(memory);
        }

        if (!keep) {
            info("deleting the work trees (--keep keeps them)");
            deleteWorkTrees(true);
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

    /** The latency run on a copy of 'small': the latency at each rate, idle CPU, and a final check. */
    private void latencyRun(Tree small) throws Exception {
        Path rep = work.resolve("rep-small-latency");
        Child c = Child.start(this, "small-latency", true, small.root, rep);
        try {
            c.awaitPass1(pass1TimeoutS);
            Memory m = c.memoryAfter(memWaitS, small, 0, false);
            System.out.printf(Locale.ROOT, "latency run, %s%n  %s s later: VmRSS %.1f MB, VmHWM %.1f MB, %d inotify"
                    + " watches%n", c.pass1Summary, fmt(memWaitS), m.rssKb / 1024.0, m.hwmKb / 1024.0, m.watches);
            System.out.printf("%nlatency: from the writer's close in SOURCE to the full content at the replica path;"
                    + "%ndirsync --watch, %s, INTERVAL %d s; %s arrivals; half new files, half rewrites in place%n",
                    watchDelay == null ? "default delay (1 s)" : "--watch-delay " + watchDelay, interval,
                    evenArrivals ? "evenly spaced" : "Poisson (seeded exponential gaps)");
            System.out.printf("%7s %7s %5s %5s %7s %7s %9s %8s %8s %8s %8s %7s %10s %5s%n", "rate/s", "changes",
                    "new", "rewr", "arrived", "missing", "median_ms", "p90_ms", "p99_ms", "max_ms", "min_ms",
                    "passes", "others_cpu", "load");
            SplittableRandom r = new SplittableRandom(seed ^ 0x5EEDL);
            for (Map.Entry<Double, Integer> e : rates.entrySet()) {
                latency(c, small, rep, e.getKey(), e.getValue(), r.split());
            }
            System.out.printf(Locale.ROOT, "  percentiles: nearest rank (below 100 changes p99 is the max);"
                    + " resolution: the poller looked every %s ms on average;%n  passes: \"changes in\" lines"
                    + " logged; others_cpu: cores used by other processes (/proc/stat), load: 1-min average%n",
                    pollPeriods.stream().map(WatchBench::fmt2).reduce((x, y) -> x + "/" + y).orElse("-"));
            if (idleS > 0) {
                idle(c);
            }
            List<String> diff = small.compareWith(rep);
            System.out.printf("replica after the changes: %s%n", diff.isEmpty()
                    ? "matches the source (type, name, size of every entry)"
                    : diff.size() + " differences, e.g. " + diff.subList(0, Math.min(5, diff.size())));
            if (!diff.isEmpty()) {
                problems.add("replica differs from the source after the latency run: " + diff.size());
            }
        } finally {
            c.stop();
        }
        if (c.warnings > 0) {
            System.out.printf("log: %d warning/error lines, the first: %s%n", c.warnings, c.firstWarning);
        }
    }

    // ------------------------------------------------------------------------------------------------ latency

    private static final class Change {
        final int n;
        final String kind;
        final Path source;
        final Path replica;
        final byte[] content;
        volatile long closedNs;
        volatile Instant closedAt;
        volatile long arrivedNs = -1;

        Change(int n, String kind, Path source, Path replica, byte[] content) {
            this.n = n;
            this.kind = kind;
            this.source = source;
            this.replica = replica;
            this.content = content;
        }
    }

    private void latency(Child c, Tree t, Path rep, double rate, int count, SplittableRandom r) throws Exception {
        List<Change> changes = planChanges(t, rep, rate, count, r);
        ConcurrentLinkedQueue<Change> submitted = new ConcurrentLinkedQueue<>();
        CountDownLatch settled = new CountDownLatch(changes.size());
        long timeoutNs = (long) (timeoutS * 1e9);
        long[] sweeps = new long[2];
        Thread poller = new Thread(() -> poll(submitted, settled, timeoutNs, c, sweeps), "poller");
        poller.setDaemon(true);
        c.pumpLog();
        int passesBefore = c.eventPasses;
        String load = loadavg();
        Cpu cpu0 = Cpu.now(c.pid);
        poller.start();
        long start = System.nanoTime() + 200_000_000L;
        long maxLateNs = 0;
        double at = 0;
        for (int i = 0; i < changes.size(); i++) {
            long due = start + Math.round(at * 1e9);
            at += evenArrivals ? 1 / rate : -Math.log(1 - r.nextDouble()) / rate;
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            maxLateNs = Math.max(maxLateNs, now - due);
            Change ch = changes.get(i);
            if (ch.kind.equals("new")) {
                Files.write(ch.source, ch.content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } else {
                Files.write(ch.source, ch.content, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            }
            ch.closedNs = System.nanoTime();
            ch.closedAt = Instant.now();
            submitted.add(ch);
            if (!c.alive()) {
                throw new BenchException("dirsync exited during the writer (" + c.describeExit() + ")");
            }
        }
        if (!settled.await((long) (timeoutS * 1000) + 5000, TimeUnit.MILLISECONDS)) {
            throw new BenchException("the poller did not finish");
        }
        poller.join();
        Cpu cpu1 = Cpu.now(c.pid);
        c.awaitQuietLog(2.0, 15.0);
        int passes = c.eventPasses - passesBefore;

        List<Double> ms = new ArrayList<>();
        int missing = 0;
        int news = 0;
        for (Change ch : changes) {
            news += ch.kind.equals("new") ? 1 : 0;
            double lat = ch.arrivedNs < 0 ? Double.NaN : (ch.arrivedNs - ch.closedNs) / 1e6;
            if (ch.arrivedNs < 0) {
                missing++;
            } else {
                ms.add(lat);
            }
            rawLines.add(String.join(",", fmt(rate), Integer.toString(ch.n), ch.kind, csvText(t.root.relativize(
                    ch.source).toString()), Integer.toString(ch.content.length), ch.closedAt.toString(),
                    ch.arrivedNs < 0 ? "" : fmt(lat), ch.arrivedNs < 0 ? "0" : "1"));
        }
        Collections.sort(ms);
        double others = cpu1.othersCores(cpu0, clkTck);
        String rateText = fmt(rate);
        System.out.printf(Locale.ROOT, "%7s %7d %5d %5d %7d %7d %9s %8s %8s %8s %8s %7d %10.2f %5s%n", rateText,
                changes.size(), news, changes.size() - news, ms.size(), missing, ms(pct(ms, 50)), ms(pct(ms, 90)),
                ms(pct(ms, 99)), ms(max(ms)), ms(ms.isEmpty() ? Double.NaN : ms.get(0)), passes, others, load);
        String tree = t.name;
        row("latency", tree, "watch", rateText, "changes", changes.size(), "", "new=" + news, load);
        row("latency", tree, "watch", rateText, "arrived", ms.size(), "", "", load);
        row("latency", tree, "watch", rateText, "missing", missing, "", "timeout " + fmt(timeoutS) + " s", load);
        row("latency", tree, "watch", rateText, "median", pct(ms, 50), "ms", "", load);
        row("latency", tree, "watch", rateText, "p90", pct(ms, 90), "ms", "", load);
        row("latency", tree, "watch", rateText, "p99", pct(ms, 99), "ms", "", load);
        row("latency", tree, "watch", rateText, "max", max(ms), "ms", "", load);
        row("latency", tree, "watch", rateText, "min", ms.isEmpty() ? Double.NaN : ms.get(0), "ms", "", load);
        row("latency", tree, "watch", rateText, "event_passes", passes, "", "", load);
        row("latency", tree, "watch", rateText, "writer_late_max", maxLateNs / 1e6, "ms",
                "how far behind schedule a write started, at worst", load);
        row("latency", tree, "watch", rateText, "others_cpu", others, "cores", "", load);
        double period = sweeps[0] > 1 ? sweeps[1] / 1e6 / (sweeps[0] - 1) : Double.NaN;
        row("latency", tree, "watch", rateText, "poll_period", period, "ms", "measured; --poll-ms " + pollMs, load);
        row("latency", tree, "watch", rateText, "bench_cpu", cpu1.selfCores(cpu0, clkTck), "cores",
                "this benchmark (writer and poller)", load);
        pollPeriods.add(period);
        if (missing > 0) {
            problems.add(missing + " of " + changes.size() + " changes at " + rateText + "/s did not arrive within "
                    + fmt(timeoutS) + " s");
        }
        if (maxLateNs > 500_000_000L) {
            System.out.printf("  note: the writer fell up to %.0f ms behind its schedule%n", maxLateNs / 1e6);
        }
    }

    /** The changes of one rate, decided up front: half new files, half rewrites of files not changed before. */
    private List<Change> planChanges(Tree t, Path rep, double rate, int count, SplittableRandom r) {
        List<Change> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path dir = t.dirs.get(r.nextInt(t.dirs.size()));
            List<Path> candidates = t.filesIn.getOrDefault(dir, List.of());
            boolean rewrite = r.nextBoolean() && !candidates.isEmpty();
            Path rel;
            if (rewrite) {
                Path pick = null;
                for (int tries = 0; tries < 20 && pick == null; tries++) {
                    Path f = candidates.get(r.nextInt(candidates.size()));
                    if (t.changed.add(f)) {
                        pick = f;
                    }
                }
                rewrite = pick != null;
                rel = pick != null ? pick : dir.resolve(newName(rate, i));
            } else {
                rel = dir.resolve(newName(rate, i));
            }
            int size = 1024 + r.nextInt(15 * 1024 + 1);
            byte[] content = new byte[size];
            SplittableRandom cr = r.split();
            for (int k = 0; k < size; k++) {
                content[k] = (byte) cr.nextInt(256);
            }
            byte[] head = String.format(Locale.ROOT, "watchbench seed %d rate %s change %d%n", seed, fmt(rate), i)
                    .getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(head, 0, content, 0, Math.min(head.length, size));
            out.add(new Change(i, rewrite ? "rewrite" : "new", t.root.resolve(rel.toString()),
                    rep.resolve(rel.toString()), content));
        }
        return out;
    }

    private static String newName(double rate, int i) {
        return String.format(Locale.ROOT, "wb-r%s-%05d.dat", fmt(rate).replace('.', '_'), i);
    }

    /**
     * The poller: every pollMs, each change not yet seen is looked up at its replica path; it has arrived when
     * the file there has the expected size and the expected bytes. The arrival time is taken just before the
     * look-up that finds it, so the figure is late by at most one poll period plus one sweep.
     */
    private void poll(ConcurrentLinkedQueue<Change> submitted, CountDownLatch settled, long timeoutNs, Child c,
            long[] sweeps) {
        List<Change> pending = new ArrayList<>();
        long begin = System.nanoTime();
        while (settled.getCount() > 0) {
            sweeps[0]++;
            sweeps[1] = System.nanoTime() - begin;
            for (Change ch; (ch = submitted.poll()) != null; ) {
                pending.add(ch);
            }
            for (int i = pending.size() - 1; i >= 0; i--) {
                Change ch = pending.get(i);
                long seen = System.nanoTime();
                if (arrived(ch)) {
                    ch.arrivedNs = seen;
                } else if (seen - ch.closedNs > timeoutNs) {
                    info("change " + ch.n + " (" + ch.kind + " " + ch.source + ") did not arrive");
                } else {
                    continue;
                }
                pending.remove(i);
                settled.countDown();
            }
            if (!c.alive()) {
                info("dirsync is gone; " + pending.size() + " changes pending");
                while (settled.getCount() > 0) {
                    settled.countDown();
                }
                return;
            }
            try {
                Thread.sleep(pollMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static boolean arrived(Change ch) {
        try {
            BasicFileAttributes a = Files.readAttributes(ch.replica, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || a.size() != ch.content.length) {
                return false;
            }
            return Arrays.equals(Files.readAllBytes(ch.replica), ch.content);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------------ idle CPU

    private void idle(Child c) throws Exception {
        sleepS(idleWaitS);
        c.pumpLog();
        long logBefore = c.logBytes();
        int linesBefore = c.lines;
        Cpu first = Cpu.now(c.pid);
        Cpu prev = first;
        long maxTicks = 0;
        int busySeconds = 0;
        long end = System.nanoTime() + (long) (idleS * 1e9);
        while (System.nanoTime() < end) {
            sleepS(Math.min(1.0, (end - System.nanoTime()) / 1e9));
            Cpu now = Cpu.now(c.pid);
            long d = now.childTicks - prev.childTicks;
            maxTicks = Math.max(maxTicks, d);
            busySeconds += d > 0 ? 1 : 0;
            prev = now;
            if (!c.alive()) {
                throw new BenchException("dirsync exited while idle (" + c.describeExit() + ")");
            }
        }
        Cpu last = prev;
        c.pumpLog();
        double seconds = (last.wallNs - first.wallNs) / 1e9;
        long ticks = last.childTicks - first.childTicks;
        double pct = 100.0 * ticks / clkTck / seconds;
        long logGrowth = c.logBytes() - logBefore;
        String load = loadavg();
        System.out.printf(Locale.ROOT, "%nidle CPU of dirsync --watch on 'small', %.0f s after the last change"
                + " arrived: %.3f%% of one core%n  (%d ticks of 1/%d s utime+stime in %.1f s; busiest 1-s sample %d"
                + " ticks, %d samples with any; the log grew %d bytes, %d lines; others' CPU %.2f cores; load %s)%n",
                idleWaitS, pct, ticks, clkTck, seconds, maxTicks, busySeconds, logGrowth, c.lines - linesBefore,
                last.othersCores(first, clkTck), load);
        row("idle", "small", "watch", "", "cpu", pct, "% of one core", fmt(seconds) + " s after " + fmt(idleWaitS)
                + " s wait", load);
        row("idle", "small", "watch", "", "cpu_ticks", ticks, "1/" + clkTck + " s", "", load);
        row("idle", "small", "watch", "", "log_growth", logGrowth, "bytes", "", load);
        row("idle", "small", "watch", "", "others_cpu", last.othersCores(first, clkTck), "cores", "", load);
    }

    // ------------------------------------------------------------------------------------------------ memory

    private record Memory(String tree, String mode, int run, int dirs, long files, long rssKb, long hwmKb,
            long anonKb, long rssGcKb, long heapGcKb, int watches, int threads, double pass1, String load) {}

    private Memory memoryRun(Tree t, boolean watch, int run) throws Exception {
        String mode = watch ? "watch" : "periodic";
        Child c = Child.start(this, t.name + "-" + mode + "-" + run, watch, t.root,
                work.resolve("rep-" + t.name + "-" + mode + "-" + run));
        try {
            c.awaitPass1(pass1TimeoutS);
            Memory m = c.memoryAfter(memWaitS, t, run, true);
            String note = "run " + run;
            row("memory", t.name, mode, "", "vmrss", m.rssKb, "kB", note, m.load);
            row("memory", t.name, mode, "", "vmhwm", m.hwmKb, "kB", note, m.load);
            row("memory", t.name, mode, "", "rssanon", m.anonKb, "kB", note, m.load);
            row("memory", t.name, mode, "", "vmrss_after_gc", m.rssGcKb, "kB", note + "; jcmd GC.run", m.load);
            row("memory", t.name, mode, "", "heap_used_after_gc", m.heapGcKb, "kB", note + "; jcmd GC.heap_info",
                    m.load);
            row("memory", t.name, mode, "", "watches", m.watches, "", note + "; /proc/PID/fdinfo", m.load);
            row("memory", t.name, mode, "", "threads", m.threads, "", note, m.load);
            row("memory", t.name, mode, "", "pass1", m.pass1, "s", note, m.load);
            return m;
        } finally {
            c.stop();
        }
    }

    /** Medians over the runs of one tree and mode. */
    private record MemoryCell(String tree, String mode, int dirs, long files, int watches, double rssKb,
            double rssMinKb, double rssMaxKb, double hwmKb, double rssGcKb, double heapGcKb, double threads,
            double pass1) {
        static MemoryCell of(List<Memory> runs) {
            Memory f = runs.get(0);
            return new MemoryCell(f.tree, f.mode, f.dirs, f.files, (int) median(runs, m -> m.watches),
                    median(runs, m -> m.rssKb), runs.stream().mapToLong(Memory::rssKb).min().orElse(0),
                    runs.stream().mapToLong(Memory::rssKb).max().orElse(0), median(runs, m -> m.hwmKb),
                    median(runs, m -> m.rssGcKb), median(runs, m -> m.heapGcKb), median(runs, m -> m.threads),
                    median(runs, m -> m.pass1));
        }
    }

    private static double median(List<Memory> runs, ToDoubleFunction<Memory> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private void printMemory(List<Memory> memory) {
        Map<String, List<Memory>> byCell = new LinkedHashMap<>();
        memory.forEach(m -> byCell.computeIfAbsent(m.tree + " " + m.mode, k -> new ArrayList<>()).add(m));
        Map<String, MemoryCell> cells = new LinkedHashMap<>();
        byCell.forEach((k, runs) -> cells.put(k, MemoryCell.of(runs)));
        boolean gc = memory.stream().allMatch(m -> m.rssGcKb > 0 && m.heapGcKb > 0);
        System.out.printf("%nmemory of the dirsync process %s s after \"pass 1 finished\" (/proc/PID/status),"
                + " median of %d runs;%nthen after a full GC (jcmd GC.run): VmRSS and the Java heap in use%s%n",
                fmt(memWaitS), memRuns, gc ? "" : " (not available: no jcmd, or it failed)");
        System.out.printf("%-9s %-8s %5s %6s %7s %8s %13s %8s %9s %10s %7s %7s%n", "tree", "mode", "dirs", "files",
                "watches", "VmRSS_MB", "min-max", "VmHWM_MB", "gc:RSS_MB", "gc:heap_KB", "threads", "pass1_s");
        for (MemoryCell m : cells.values()) {
            System.out.printf(Locale.ROOT, "%-9s %-8s %5d %6d %7d %8.1f %13s %8.1f %9.1f %10.0f %7.0f %7.2f%n",
                    m.tree, m.mode, m.dirs, m.files, m.watches, m.rssKb / 1024, String.format(Locale.ROOT,
                    "%.1f-%.1f", m.rssMinKb / 1024, m.rssMaxKb / 1024), m.hwmKb / 1024, m.rssGcKb / 1024,
                    m.heapGcKb, m.threads, m.pass1);
            String note = memRuns + " runs";
            row("memory", m.tree, m.mode, "", "vmrss_median", m.rssKb, "kB", note, "");
            row("memory", m.tree, m.mode, "", "vmhwm_median", m.hwmKb, "kB", note, "");
            row("memory", m.tree, m.mode, "", "vmrss_after_gc_median", m.rssGcKb, "kB", note, "");
            row("memory", m.tree, m.mode, "", "heap_used_after_gc_median", m.heapGcKb, "kB", note, "");
        }
        System.out.println("per watched directory: (median with --watch - median without) / watches, in bytes");
        System.out.printf("%-9s %7s %9s %9s %12s %12s%n", "tree", "watches", "VmRSS", "VmHWM", "gc:VmRSS",
                "gc:heap");
        List<MemoryCell[]> pairs = new ArrayList<>();
        for (MemoryCell w : cells.values()) {
            MemoryCell p = cells.get(w.tree + " periodic");
            if (w.mode.equals("watch") && p != null) {
                pairs.add(new MemoryCell[] {w, p});
                int n = w.watches > 0 ? w.watches : w.dirs;
                perDir(w.tree, n, (w.rssKb - p.rssKb) * 1024, (w.hwmKb - p.hwmKb) * 1024,
                        (w.rssGcKb - p.rssGcKb) * 1024, (w.heapGcKb - p.heapGcKb) * 1024, gc);
            }
        }
        if (pairs.size() == 2) {
            MemoryCell[] a = pairs.get(0);
            MemoryCell[] b = pairs.get(1);
            int n = b[0].watches - a[0].watches;
            if (Math.abs(n) >= Math.max(100, Math.min(a[0].watches, b[0].watches))) {
                perDir("marginal", n, ((b[0].rssKb - b[1].rssKb) - (a[0].rssKb - a[1].rssKb)) * 1024,
                        ((b[0].hwmKb - b[1].hwmKb) - (a[0].hwmKb - a[1].hwmKb)) * 1024,
                        ((b[0].rssGcKb - b[1].rssGcKb) - (a[0].rssGcKb - a[1].rssGcKb)) * 1024,
                        ((b[0].heapGcKb - b[1].heapGcKb) - (a[0].heapGcKb - a[1].heapGcKb)) * 1024, gc);
                System.out.printf("  marginal: the difference between the two trees' differences over their %d more"
                        + " watches; the fixed cost of watching (threads, classes) cancels out%n", n);
            }
        }
        System.out.println("  not in RSS: the kernel's own memory for each inotify watch, roughly 1 KB (a small"
                + " mark, and the directory's inode,");
        System.out.println("  which a watch keeps in memory); fs.inotify.max_user_watches bounds it. Nor the JVM's"
                + " reserved but untouched memory.");
        System.out.println("  VmRSS as found moves by several MB with heap sizing and GC timing (see min-max);"
                + " gc:heap is the steadiest figure.");
    }

    private void perDir(String tree, int n, double rss, double hwm, double rssGc, double heapGc, boolean gc) {
        System.out.printf(Locale.ROOT, "%-9s %7d %+9.0f %+9.0f %12s %12s%n", tree, n, rss / n, hwm / n,
                gc ? String.format(Locale.ROOT, "%+.0f", rssGc / n) : "-",
                gc ? String.format(Locale.ROOT, "%+.0f", heapGc / n) : "-");
        String note = n + " watches";
        row("memory", tree, "watch-periodic", "", "vmrss_per_dir", rss / n, "bytes", note, "");
        row("memory", tree, "watch-periodic", "", "vmhwm_per_dir", hwm / n, "bytes", note, "");
        if (gc) {
            row("memory", tree, "watch-periodic", "", "vmrss_after_gc_per_dir", rssGc / n, "bytes", note, "");
            row("memory", tree, "watch-periodic", "", "heap_used_after_gc_per_dir", heapGc / n, "bytes", note, "");
        }
    }

    // ------------------------------------------------------------------------------------------------ the child

    /** One dirsync process: started with its stdout/stderr copied to files, its log followed. */
    private static final class Child {
        final WatchBench bench;
        final String name;
        final Process process;
        final long pid;
        final Path log;
        final boolean watch;
        private long logOffset;
        private final ByteArrayLine partial = new ByteArrayLine();
        String pass1Summary;
        String pass1Duration = "";
        int eventPasses;
        int warnings;
        int lines;
        String firstWarning = "";
        private boolean stopped;

        private Child(WatchBench bench, String name, Process process, Path log, boolean watch) {
            this.bench = bench;
            this.name = name;
            this.process = process;
            this.pid = process.pid();
            this.log = log;
            this.watch = watch;
        }

        static Child start(WatchBench b, String name, boolean watch, Path src, Path rep) throws IOException {
            Path logs = b.work.resolve("logs");
            Files.createDirectories(logs);
            Path log = logs.resolve(name + ".log");
            Files.deleteIfExists(log);
            Path jtmp = b.work.resolve("jtmp-" + name);
            deleteTree(jtmp);
            Files.createDirectories(jtmp);
            List<String> cmd = new ArrayList<>();
            cmd.add(b.javaBin);
            cmd.addAll(b.javaOpts);
            cmd.add("-Djava.io.tmpdir=" + jtmp);
            cmd.add("-jar");
            cmd.add(b.jar.toString());
            if (watch) {
                cmd.add("--watch");
                if (b.watchDelay != null) {
                    cmd.add("--watch-delay");
                    cmd.add(b.watchDelay);
                }
            }
            cmd.add("-q");
            cmd.add(src.toString());
            cmd.add(rep.toString());
            cmd.add(Integer.toString(b.interval));
            cmd.add(log.toString());
            info("starting " + name + ": " + String.join(" ", cmd));
            Process p = new ProcessBuilder(cmd).start();
            CHILDREN.add(p);
            p.getOutputStream().close();
            copyInBackground(p.getInputStream(), logs.resolve(name + ".stdout"));
            copyInBackground(p.getErrorStream(), logs.resolve(name + ".stderr"));
            return new Child(b, name, p, log, watch);
        }

        boolean alive() {
            return process.isAlive();
        }

        String describeExit() {
            return process.isAlive() ? "running" : "exit " + process.exitValue() + ", see " + log + " and "
                    + log.resolveSibling(name + ".stderr");
        }

        long logBytes() throws IOException {
            return Files.exists(log) ? Files.size(log) : 0;
        }

        /** Reads the log's new complete lines and counts what the benchmark needs from them. */
        void pumpLog() throws IOException {
            if (!Files.exists(log)) {
                return;
            }
            try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
                if (ch.size() < logOffset) { // rolled over
                    logOffset = 0;
                }
                ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                while (true) {
                    buf.clear();
                    int n = ch.read(buf, logOffset);
                    if (n <= 0) {
                        break;
                    }
                    logOffset += n;
                    buf.flip();
                    while (buf.hasRemaining()) {
                        byte b = buf.get();
                        if (b == '\n') {
                            line(partial.take());
                        } else {
                            partial.add(b);
                        }
                    }
                }
            }
        }

        private void line(String s) {
            lines++;
            if (s.contains(" pass 1 finished: ")) {
                pass1Summary = s.substring(s.indexOf("pass 1 finished: "));
                Matcher m = SUMMARY_DURATION.matcher(s);
                pass1Duration = m.find() ? m.group(1) : "";
            } else if (s.contains(" changes in ")) {
                eventPasses++;
            }
            if (WARN_OR_ERROR.matcher(s).find()) {
                if (warnings++ == 0) {
                    firstWarning = s;
                }
            }
        }

        void awaitPass1(double timeoutS) throws Exception {
            long end = System.nanoTime() + (long) (timeoutS * 1e9);
            while (pass1Summary == null) {
                if (!alive()) {
                    throw new BenchException(name + ": dirsync exited before its first pass ended ("
                            + describeExit() + ")");
                }
                if (System.nanoTime() > end) {
                    throw new BenchException(name + ": no \"pass 1 finished\" in " + log + " after " + fmt(timeoutS)
                            + " s");
                }
                Thread.sleep(20);
                pumpLog();
            }
            info(name + ": " + pass1Summary);
            if (!pass1Summary.contains(" errors=0 ")) {
                bench.problems.add(name + ": pass 1 had errors: " + pass1Summary);
            }
        }

        /** Waits until the log has not grown for quietS (at most maxS), so that a phase's passes are all in. */
        void awaitQuietLog(double quietS, double maxS) throws Exception {
            long end = System.nanoTime() + (long) (maxS * 1e9);
            long size = logBytes();
            long since = System.nanoTime();
            while (System.nanoTime() < end && System.nanoTime() - since < quietS * 1e9) {
                Thread.sleep(50);
                long now = logBytes();
                if (now != size) {
                    size = now;
                    since = System.nanoTime();
                }
            }
            pumpLog();
        }

        /**
         * VmRSS, VmHWM and the inotify watches waitS after pass 1; then, with {@code gc} and when jcmd is there,
         * a full GC (jcmd GC.run) and VmRSS and the heap in use after it (jcmd GC.heap_info).
         */
        Memory memoryAfter(double waitS, Tree t, int run, boolean gc) throws Exception {
            sleepS(waitS);
            if (!alive()) {
                throw new BenchException(name + ": dirsync exited (" + describeExit() + ")");
            }
            Map<String, Long> status = procStatus(pid);
            int watches = inotifyWatches(pid);
            String load = loadavg();
            long rssGc = -1;
            long heapGc = -1;
            if (gc && bench.jcmd != null) {
                if (bench.jcmd("GC.run", pid) != null) {
                    sleepS(1);
                    rssGc = procStatus(pid).getOrDefault("VmRSS", -1L);
                    heapGc = heapUsedKb(bench.jcmd("GC.heap_info", pid));
                }
            }
            Memory m = new Memory(t.name, watch ? "watch" : "periodic", run, t.dirs.size(), t.files,
                    status.getOrDefault("VmRSS", -1L), status.getOrDefault("VmHWM", -1L),
                    status.getOrDefault("RssAnon", -1L), rssGc, heapGc, watches,
                    (int) (long) status.getOrDefault("Threads", -1L),
                    pass1Duration.isEmpty() ? Double.NaN : Double.parseDouble(pass1Duration), load);
            info(String.format(Locale.ROOT, "%s: VmRSS %d kB, VmHWM %d kB, %d inotify watches%s", name, m.rssKb,
                    m.hwmKb, watches, rssGc < 0 ? "" : String.format(Locale.ROOT, "; after a full GC: VmRSS %d kB,"
                    + " heap used %d kB", rssGc, heapGc)));
            if (watch && watches != t.dirs.size()) {
                bench.problems.add(name + ": " + watches + " inotify watches for " + t.dirs.size() + " directories");
            }
            return m;
        }

        /** SIGTERM, then the exit code, which must be 0. */
        void stop() throws Exception {
            if (stopped) {
                return;
            }
            stopped = true;
            if (process.isAlive()) {
                process.destroy(); // SIGTERM
            }
            int rc;
            if (process.waitFor(60, TimeUnit.SECONDS)) {
                rc = process.exitValue();
            } else {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                rc = -1;
            }
            CHILDREN.remove(process);
            pumpLog();
            info(name + ": stopped with SIGTERM, exit " + (rc < 0 ? "none within 60 s (killed)" : rc));
            bench.row("exit", name.substring(0, name.indexOf('-')), name.substring(name.indexOf('-') + 1), "",
                    "exit_code", rc, "", "after SIGTERM", "");
            bench.exits.add(name + " " + rc);
            if (rc != 0) {
                bench.problems.add(name + ": exit " + rc + " after SIGTERM (see " + log + ")");
            }
        }
    }

    /** A growable byte buffer for the log's current line (the log is UTF-8; names may hold any bytes). */
    private static final class ByteArrayLine {
        private byte[] b = new byte[256];
        private int n;

        void add(byte x) {
            if (n == b.length) {
                b = Arrays.copyOf(b, n * 2);
            }
            b[n++] = x;
        }

        String take() {
            String s = new String(b, 0, n, StandardCharsets.UTF_8);
            n = 0;
            return s;
        }
    }

    private static void copyInBackground(InputStream in, Path to) {
        Thread t = new Thread(() -> {
            try (in; OutputStream out = Files.newOutputStream(to)) {
                in.transferTo(out);
            } catch (IOException e) {
                // the child is gone or the file cannot be written: nothing to keep
            }
        }, "copy-" + to.getFileName());
        t.setDaemon(true);
        t.start();
    }

    private static void killChildren() {
        for (Process p : CHILDREN) {
            if (p.isAlive()) {
                System.err.println("watchbench: stopping child " + p.pid());
                p.destroy();
            }
        }
        for (Process p : CHILDREN) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ /proc

    /** CPU ticks of the child, of this process, and of the whole machine (busy), at one moment. */
    private record Cpu(long wallNs, long childTicks, long selfTicks, long machineBusyTicks) {
        static Cpu now(long pid) throws IOException {
            return new Cpu(System.nanoTime(), processTicks(String.valueOf(pid)), processTicks("self"), machineBusy());
        }

        double selfCores(Cpu earlier, long clkTck) {
            return (selfTicks - earlier.selfTicks) / (double) clkTck / ((wallNs - earlier.wallNs) / 1e9);
        }

        /** Cores used by everything but the child and this benchmark between {@code earlier} and this. */
        double othersCores(Cpu earlier, long clkTck) {
            long others = (machineBusyTicks - earlier.machineBusyTicks) - (childTicks - earlier.childTicks)
                    - (selfTicks - earlier.selfTicks);
            return Math.max(0, others) / (double) clkTck / ((wallNs - earlier.wallNs) / 1e9);
        }
    }

    /** utime + stime of a process, fields 14 and 15 of /proc/PID/stat (after the command name in parentheses). */
    private static long processTicks(String pid) throws IOException {
        String s = Files.readString(Path.of("/proc", pid, "stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** The machine's busy ticks: the first line of /proc/stat without idle and iowait. */
    private static long machineBusy() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(f[i]);
            }
        }
        return busy;
    }

    private static Map<String, Long> procStatus(long pid) throws IOException {
        Map<String, Long> m = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String[] v = line.substring(colon + 1).trim().split("\\s+");
            try {
                m.put(line.substring(0, colon), Long.parseLong(v[0]));
            } catch (NumberFormatException e) {
                // not a number (Name, State, ...)
            }
        }
        return m;
    }

    /** The inotify watches a process holds: "inotify wd:" lines in the fdinfo of its inotify descriptors. */
    private static int inotifyWatches(long pid) throws IOException {
        int watches = 0;
        Path fds = Path.of("/proc", String.valueOf(pid), "fd");
        try (var s = Files.list(fds)) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                try {
                    if (!Files.readSymbolicLink(fd).toString().equals("anon_inode:inotify")) {
                        continue;
                    }
                    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "fdinfo",
                            fd.getFileName().toString()))) {
                        if (line.startsWith("inotify wd:")) {
                            watches++;
                        }
                    }
                } catch (IOException e) {
                    // the descriptor closed meanwhile
                }
            }
        }
        return watches;
    }

    /** The output of {@code jcmd PID COMMAND}, or null if it failed. */
    private String jcmd(String command, long pid) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                    .start();
            CHILDREN.add(p);
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            CHILDREN.remove(p);
            if (done && p.exitValue() == 0) {
                return out;
            }
            info("jcmd " + command + " failed: " + out.trim());
        } catch (IOException e) {
            info("jcmd " + command + " failed: " + e.getMessage());
        }
        return null;
    }

    /** The heap in use from GC.heap_info: the sum of "total NK, used NK" (one line for G1, one a generation else). */
    private static long heapUsedKb(String heapInfo) {
        if (heapInfo == null) {
            return -1;
        }
        Matcher m = HEAP_USED.matcher(heapInfo);
        long used = 0;
        boolean any = false;
        while (m.find()) {
            used += Long.parseLong(m.group(1));
            any = true;
        }
        return any ? used : -1;
    }

    private static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "";
        }
    }

    /** A tool of the JDK that runs this program (bin/jcmd next to bin/java), or null. */
    private Path jdkTool(String tool) {
        Path p = Path.of(javaBin).resolveSibling(tool);
        return Files.isExecutable(p) ? p : null;
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | InterruptedException | NumberFormatException e) {
            // fall through
        }
        return 100;
    }

    // ------------------------------------------------------------------------------------------------ trees

    /** A source tree as the benchmark sees it: its directories (sorted) and each one's regular files. */
    private static final class Tree {
        final String name;
        final Path root;
        final List<Path> dirs = new ArrayList<>();
        final Map<Path, List<Path>> filesIn = new HashMap<>();
        final Set<Path> changed = new HashSet<>();
        long files;
        long bytes;

        private Tree(String name, Path root) {
            this.name = name;
            this.root = root;
        }

        static Tree scan(String name, Path root) throws IOException {
            Tree t = new Tree(name, root);
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
                    t.dirs.add(root.relativize(dir));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                    if (a.isRegularFile()) {
                        Path rel = root.relativize(file);
                        Path parent = rel.getParent() == null ? root.relativize(root) : rel.getParent();
                        t.filesIn.computeIfAbsent(parent, k -> new ArrayList<>()).add(rel);
                        t.files++;
                        t.bytes += a.size();
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
            Collections.sort(t.dirs);
            t.filesIn.values().forEach(Collections::sort);
            return t;
        }

        /** Entries whose type or size differ between the tree (as it is now) and {@code other}, by path. */
        List<String> compareWith(Path other) throws IOException {
            Map<String, String> a = listing(root);
            Map<String, String> b = listing(other);
            List<String> diff = new ArrayList<>();
            for (Map.Entry<String, String> e : a.entrySet()) {
                String o = b.get(e.getKey());
                if (!e.getValue().equals(o)) {
                    diff.add(e.getKey() + " (" + e.getValue() + " vs " + (o == null ? "missing" : o) + ")");
                }
            }
            for (String k : b.keySet()) {
                if (!a.containsKey(k)) {
                    diff.add(k + " (only in the replica)");
                }
            }
            return diff;
        }

        private static Map<String, String> listing(Path root) throws IOException {
            Map<String, String> m = new TreeMap<>();
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
                    m.put(root.relativize(dir).toString(), "d");
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                    m.put(root.relativize(file).toString(), a.isRegularFile() ? "f " + a.size()
                            : a.isSymbolicLink() ? "l" : "o");
                    return FileVisitResult.CONTINUE;
                }
            });
            return m;
        }
    }

    /** The 'small' tree, generated by GenerateTree.java into WORK/small-pristine (reused when its seed matches). */
    private Path generatedSmall() throws Exception {
        Path dir = work.resolve("small-pristine");
        String params = "small seed=" + seed;
        if (params.equals(readParams(dir))) {
            info("reusing " + dir + " (" + params + ")");
            return dir;
        }
        deleteTree(dir);
        Path gen = benchDir.resolve("GenerateTree.java");
        if (!Files.isRegularFile(gen)) {
            throw new BenchException("no " + gen + " to generate the small tree (or pass --tree DIR)");
        }
        info("generating " + dir + " with " + gen);
        Process p = new ProcessBuilder(javaBin, gen.toString(), "gen", "small", dir.toString(), "--seed",
                Long.toString(seed)).inheritIO().start();
        CHILDREN.add(p);
        if (!p.waitFor(1800, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new BenchException("GenerateTree failed");
        }
        CHILDREN.remove(p);
        Files.writeString(work.resolve("small-pristine.params"), params + "\n");
        return dir;
    }

    /**
     * The many-directory tree: {@code dirs} directories below the root in two levels (round(sqrt(dirs/2)) top
     * ones, the rest leaves spread over them), {@code filesPerDir} files of 100-4,095 random bytes in each leaf.
     */
    private Path generatedDirs() throws IOException {
        Path dir = work.resolve("dirs-pristine");
        String params = "dirs=" + dirs + " files=" + filesPerDir + " seed=" + seed;
        if (params.equals(readParams(dir))) {
            info("reusing " + dir + " (" + params + ")");
            return dir;
        }
        deleteTree(dir);
        info("generating " + dir + " (" + params + ")");
        int tops = (int) Math.max(1, Math.round(Math.sqrt(dirs / 2.0)));
        int leaves = dirs - tops;
        SplittableRandom r = new SplittableRandom(seed ^ 0xD125L);
        for (int i = 0; i < tops; i++) {
            Files.createDirectories(dir.resolve(String.format("t%03d", i)));
        }
        byte[] buf = new byte[4096];
        for (int i = 0; i < leaves; i++) {
            Path leaf = dir.resolve(String.format("t%03d/l%05d", i % tops, i));
            Files.createDirectory(leaf);
            for (int j = 0; j < filesPerDir; j++) {
                int size = 100 + r.nextInt(3996);
                for (int k = 0; k < size; k++) {
                    buf[k] = (byte) r.nextInt(256);
                }
                Files.write(leaf.resolve(String.format("f%02d.dat", j)), Arrays.copyOf(buf, size));
            }
        }
        Files.writeString(work.resolve("dirs-pristine.params"), params + "\n");
        return dir;
    }

    private String readParams(Path dir) throws IOException {
        Path p = work.resolve(dir.getFileName() + ".params");
        if (!Files.isDirectory(dir) || !Files.isRegularFile(p)) {
            return null;
        }
        return Files.readString(p).trim();
    }

    /** A copy with times and modes (symbolic links as links), like cp -a without owners. */
    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            throw new BenchException("no directory " + from);
        }
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
                Path target = to.resolve(from.relativize(file).toString());
                if (a.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Path target = to.resolve(from.relativize(dir).toString());
                Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(dir));
                Files.setLastModifiedTime(target, Files.getLastModifiedTime(dir));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes the source copy and the replicas under WORK (and with {@code all} the generated trees). */
    private boolean deleteWorkTrees(boolean all) throws IOException {
        boolean deleted = false;
        try (var s = Files.list(work)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.equals("small-src") || n.startsWith("rep-") || n.startsWith("jtmp-")
                        || all && (n.equals("small-pristine") || n.equals("dirs-pristine") || n.endsWith(".params"))) {
                    if (!all) {
                        info("deleting the leftover " + p);
                    }
                    deleteTree(p);
                    deleted |= !n.startsWith("jtmp-");
                }
            }
        }
        return deleted;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    // ------------------------------------------------------------------------------------------------ output

    private void row(String section, String tree, String mode, String rate, String metric, double value, String unit,
            String note, String load) {
        String v = Double.isNaN(value) ? "" : value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value) : String.format(Locale.ROOT, "%.3f", value);
        rows.add(new String[] {section, tree, mode, rate, metric, v, unit, csvText(note), load,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()});
    }

    private void writeCsv() throws IOException {
        if (csv != null) {
            boolean fresh = !Files.exists(csv) || Files.size(csv) == 0;
            StringBuilder sb = new StringBuilder(fresh ? CSV_HEADER + "\n" : "");
            for (String[] r : rows) {
                sb.append(String.join(",", r)).append('\n');
            }
            if (csv.getParent() != null) {
                Files.createDirectories(csv.getParent());
            }
            Files.writeString(csv, sb, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            System.out.println("CSV: " + csv);
        }
        if (raw != null && !rawLines.isEmpty()) {
            StringBuilder sb = new StringBuilder("rate_per_s,change,kind,path,bytes,closed_utc,latency_ms,arrived\n");
            rawLines.forEach(l -> sb.append(l).append('\n'));
            if (raw.getParent() != null) {
                Files.createDirectories(raw.getParent());
            }
            Files.writeString(raw, sb);
            System.out.println("per-change CSV: " + raw);
        }
    }

    private static String csvText(String s) {
        return s.replace(',', ';').replace('\n', ' ');
    }

    /** Nearest-rank percentile of a sorted list. */
    private static double pct(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private static double max(List<Double> sorted) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1);
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String fmt2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v)
                .replaceAll("0+$", "");
    }

    private static void info(String s) {
        System.err.printf("[%s] %s%n", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().substring(11, 19), s);
    }

    private static void sleepS(double s) throws InterruptedException {
        if (s > 0) {
            Thread.sleep((long) (s * 1000));
        }
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

    private static final class BenchException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BenchException(String message) {
            super(message);
        }
    }
}
