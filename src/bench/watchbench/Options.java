package watchbench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** The command line of WatchBench: every option with its default, parsed once; --help prints them. */
final class Options {

    Path benchDir;
    Path jar;
    Path work = Path.of("/tmp/dirsync-watchbench");
    Path smallTree;
    Path csv;
    Path raw;
    final List<String> javaOpts = new ArrayList<>();
    String watchDelay;
    int interval = 3600;
    final LinkedHashMap<Double, Integer> rates = new LinkedHashMap<>();
    Integer changesOverride;
    double timeoutS = 30;
    double idleS = 60;
    double idleWaitS = 5;
    double memWaitS = 5;
    double pass1TimeoutS = 900;
    double settleS = 60;
    int pollMs = 2;
    int memRuns = 3;
    boolean evenArrivals;
    long seed = 42;
    int dirs = 5000;
    int filesPerDir = 10;
    boolean doLatency = true;
    boolean doMemory = true;
    boolean keep;

    void parse(String[] args) {
        benchDir = Path.of(System.getProperty("watchbench.dir", "src/bench")).toAbsolutePath();
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
}
