import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The start of a cron {@code --once}: wall clock, CPU time (user + sys) and classes loaded, for one or more builds
 * side by side, through {@code java -jar} and through the distribution's launcher, with and without a
 * class-data-sharing archive, on each JDK given. Single-file program:
 *
 * <pre>
 * java src/bench/StartupBench.java [--runs N] [--files N | --small-from DIR] [--trees TREE,...] [--work DIR]
 *     [-o FILE.csv] [--jdk HOME]... [--how HOW,...] NAME=UNPACKED_DIST_DIR...
 * </pre>
 *
 * Each NAME=DIR is an unpacked {@code dirsync-VERSION.tar.gz} ({@code DIR/bin/dirsync}, {@code DIR/lib/dirsync.jar}).
 * Cells: build x JDK (default: the {@code java} on PATH's home and /usr/lib/jvm/temurin-25-jdk-amd64, if there) x
 * how ({@code jar}: {@code java LAUNCHER_DEFAULTS -jar lib/dirsync.jar}; {@code jar+cds}: the same with
 * {@code -XX:SharedArchiveFile} of an archive made by an untimed {@code -XX:ArchiveClassesAtExit} run;
 * {@code launcher}: {@code bin/dirsync} with {@code DIRSYNC_CDS=off}; {@code launcher+cds}: {@code bin/dirsync}
 * with its own cache, after two untimed runs, so that an archive is made and taken up where the launcher does
 * that) x tree ({@code empty}: an empty source; {@code small}: N files, default 2,000, of 1-16 KiB in 40
 * directories). Every run is a no-change {@code --once -q} with the verified-hash memory kept (one
 * {@code java.io.tmpdir} per cell, primed by an untimed run). The runs are interleaved: round r runs every cell
 * once, in the same order, so that a change of the machine's load touches all cells alike. Wall is the parent's
 * clock around the child ({@code /usr/bin/time} included, ~1 ms); CPU is {@code /usr/bin/time}'s user + sys
 * (10 ms steps); classes are counted once per cell, in an extra untimed run with {@code -Xlog:class+load}
 * (for {@code launcher+cds} the archive's classes are counted by the {@code jar+cds} cell instead).
 * {@code --how} runs only the ways named (default: all four), {@code --trees} only the trees named (default: both).
 * {@code --small-from DIR} makes the {@code small} tree a copy ({@code cp -a}) of DIR instead, e.g. the bench's
 * {@code small} tree of issue 25 ({@code java src/bench/GenerateTree.java gen small DIR}: 50,000 files in 520
 * directories).
 *
 * <p>What {@code launcher+cds} maps is whatever the build's launcher makes of that JDK: a dynamic archive, or (a
 * launcher of issue 25 on JDK 25 and later) the AOT cache, recorded by the first untimed run and assembled by the
 * second.
 *
 * <p>Anchor: {@code rsync -a SOURCE/ REPLICA/} of each tree, no change either (primed by an untimed copy), as one
 * more cell of every round ({@code -/-/rsync/TREE}); the table's {@code x rsync} is a cell's median wall over the
 * rsync cell's of the same tree.
 *
 * <p>Before and after (issue 25): build the before distribution from a commit and the after from the work tree,
 * unpack both, and name both:
 *
 * <pre>
 * git -C /work/main archive HEAD | tar -x -C /tmp/before &amp;&amp; (cd /tmp/before &amp;&amp; mvn -B -o -q package -DskipTests)
 * mkdir /tmp/before/dist &amp;&amp; tar -xzf /tmp/before/target/dirsync-*.tar.gz -C /tmp/before/dist --strip-components=1
 * (the same for the after build into /tmp/after/dist)
 * java src/bench/StartupBench.java --runs 15 --how jar,launcher+cds before=/tmp/before/dist after=/tmp/after/dist
 * </pre>
 */
public final class StartupBench {

    private static final String DEFAULTS = "-XX:+UseSerialGC -Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30";
    private static final List<String> HOWS = List.of("jar", "jar+cds", "launcher", "launcher+cds");
    private static final List<String> TREES = List.of("empty", "small");

    record Cell(String build, Path dist, Path jdk, String how, String tree) {
        String jdkName() {
            return jdk == null ? "-" : jdk.getFileName().toString();
        }

        String id() {
            return build + "/" + jdkName() + "/" + how + "/" + tree;
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = 15;
        int files = 2000;
        Path work = Path.of("/tmp/dirsync-startup-bench");
        Path csv = null;
        List<Path> jdks = new ArrayList<>();
        Map<String, Path> builds = new LinkedHashMap<>();
        List<String> hows = HOWS;
        List<String> trees = TREES;
        Path smallFrom = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--files" -> files = Integer.parseInt(args[++i]);
                case "--small-from" -> smallFrom = Path.of(args[++i]).toRealPath();
                case "--trees" -> {
                    trees = List.of(args[++i].split(","));
                    if (!TREES.containsAll(trees)) {
                        throw new IllegalArgumentException("--trees: some of " + TREES);
                    }
                }
                case "--work" -> work = Path.of(args[++i]);
                case "-o" -> csv = Path.of(args[++i]);
                case "--jdk" -> jdks.add(Path.of(args[++i]).toRealPath());
                case "--how" -> {
                    hows = List.of(args[++i].split(","));
                    if (!HOWS.containsAll(hows)) {
                        throw new IllegalArgumentException("--how: some of " + HOWS);
                    }
                }
                default -> {
                    int eq = args[i].indexOf('=');
                    if (eq < 1 || args[i].startsWith("-")) {
                        System.err.println("usage: java src/bench/StartupBench.java [--runs N] [--files N | --small-from"
                                + " DIR] [--trees TREE,...] [--work DIR] [-o FILE.csv] [--jdk HOME]... [--how HOW,...]"
                                + " NAME=UNPACKED_DIST_DIR...");
                        System.exit(2);
                    }
                    builds.put(args[i].substring(0, eq), Path.of(args[i].substring(eq + 1)).toRealPath());
                }
            }
        }
        if (jdks.isEmpty()) {
            jdks.add(javaOnPathHome());
            Path temurin = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
            if (Files.isDirectory(temurin)) {
                jdks.add(temurin.toRealPath());
            }
        }
        if (builds.isEmpty()) {
            throw new IllegalArgumentException("name at least one build: NAME=UNPACKED_DIST_DIR");
        }
        deleteTree(work);
        Files.createDirectories(work);
        makeTree(work.resolve("src-empty"), 0);
        if (smallFrom == null) {
            makeTree(work.resolve("src-small"), files);
        } else if (new ProcessBuilder("cp", "-a", smallFrom + "/.", work.resolve("src-small").toString()).inheritIO()
                .start().waitFor() != 0) {
            throw new IOException("cannot copy " + smallFrom);
        }

        List<Cell> cells = new ArrayList<>();
        for (String tree : trees) {
            cells.add(new Cell("-", null, null, "rsync", tree));
        }
        for (var build : builds.entrySet()) {
            for (Path jdk : jdks) {
                for (String how : hows) {
                    for (String tree : trees) {
                        cells.add(new Cell(build.getKey(), build.getValue(), jdk, how, tree));
                    }
                }
            }
        }
        Map<Cell, List<double[]>> results = new LinkedHashMap<>();
        Map<Cell, String> classes = new LinkedHashMap<>();
        for (Cell cell : cells) {
            Path dir = Files.createDirectories(work.resolve(cell.id().replace('/', '_')));
            Files.createDirectories(dir.resolve("tmp"));
            Files.createDirectories(dir.resolve("cache"));
            if (cell.how().equals("jar+cds")) {
                run(cell, dir, List.of("-XX:ArchiveClassesAtExit=" + dir.resolve("app.jsa")), false);
            }
            run(cell, dir, List.of(), false); // prime: the copy, the hash memory; for launcher+cds the dump
            awaitTraining(dir.resolve("cache")); // launcher+cds on JDK 25+: the launcher's training run
            run(cell, dir, List.of(), false); // launcher+cds: the archive taken up
            classes.put(cell, countClasses(cell, dir));
            results.put(cell, new ArrayList<>());
        }
        List<Double> loads = new ArrayList<>();
        for (int round = 1; round <= runs; round++) {
            loads.add(load1());
            for (Cell cell : cells) {
                results.get(cell).add(run(cell, work.resolve(cell.id().replace('/', '_')), List.of(), true));
            }
            System.err.printf(Locale.ROOT, "round %d/%d done, load %.2f%n", round, runs, loads.get(loads.size() - 1));
        }

        Map<String, Double> rsyncWall = new LinkedHashMap<>();
        for (Cell cell : cells) {
            if (cell.how().equals("rsync")) {
                rsyncWall.put(cell.tree(), median(results.get(cell).stream().mapToDouble(x -> x[0]).sorted().toArray()));
            }
        }
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-44s %6s %15s %7s %8s %15s %s%n",
                "cell (build/jdk/how/tree)", "wall", "wall min-max", "x rsync", "cpu", "cpu min-max", "classes"));
        StringBuilder rows = new StringBuilder("build,jdk,how,tree,run,wall_s,cpu_s\n");
        for (Cell cell : cells) {
            List<double[]> r = results.get(cell);
            double[] wall = r.stream().mapToDouble(x -> x[0]).sorted().toArray();
            double[] cpu = r.stream().mapToDouble(x -> x[1]).sorted().toArray();
            table.append(String.format(Locale.ROOT, "%-44s %6.3f %7.3f-%-7.3f %7.2f %8.2f %7.2f-%-7.2f %s%n",
                    cell.id(), median(wall), wall[0], wall[wall.length - 1], median(wall) / rsyncWall.get(cell.tree()),
                    median(cpu), cpu[0], cpu[cpu.length - 1], classes.get(cell)));
            for (int i = 0; i < r.size(); i++) {
                rows.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%d,%.4f,%.2f%n", cell.build(), cell.jdkName(),
                        cell.how(), cell.tree(), i + 1, r.get(i)[0], r.get(i)[1]));
            }
        }
        double[] l = loads.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        table.append(String.format(Locale.ROOT, "%d interleaved rounds; load1 before each round: median %.2f, "
                + "min %.2f, max %.2f; %d cores%n", runs, median(l), l[0], l[l.length - 1],
                Runtime.getRuntime().availableProcessors()));
        System.out.print(table);
        if (csv != null) {
            Files.writeString(csv, rows);
        }
    }

    /** One {@code --once}; returns {wall s, cpu s}. Fails the bench if the run fails. */
    private static double[] run(Cell cell, Path dir, List<String> jvmExtra, boolean timed) throws Exception {
        Path timeFile = dir.resolve("time.txt");
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "%U %S", "-o", timeFile.toString()));
        command.addAll(dirsync(cell, dir, jvmExtra));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.txt").toFile());
        if (!cell.how().equals("rsync")) {
            environment(builder, cell, dir, jvmExtra);
        }
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        String out = Files.readString(dir.resolve("out.txt"));
        if (process.exitValue() != 0 || (timed && !out.isEmpty())) {
            throw new IllegalStateException(cell.id() + ": exit " + process.exitValue() + "\n" + out);
        }
        String[] cpu = Files.readString(timeFile).trim().split("\\s+");
        return new double[] {wall, Double.parseDouble(cpu[0]) + Double.parseDouble(cpu[1])};
    }

    private static List<String> dirsync(Cell cell, Path dir, List<String> jvmExtra) {
        List<String> command = new ArrayList<>();
        if (cell.how().equals("rsync")) {
            return List.of("rsync", "-a", dir.getParent().resolve("src-" + cell.tree()) + "/", dir.resolve("replica") + "/");
        }
        if (cell.how().startsWith("launcher")) {
            command.add(cell.dist().resolve("bin/dirsync").toString());
        } else {
            command.add(cell.jdk().resolve("bin/java").toString());
            command.addAll(Arrays.asList(DEFAULTS.split(" ")));
            command.add("-Djava.io.tmpdir=" + dir.resolve("tmp"));
            if (cell.how().equals("jar+cds")
                    && jvmExtra.stream().noneMatch(option -> option.startsWith("-XX:ArchiveClassesAtExit"))) {
                command.addAll(List.of("-XX:SharedArchiveFile=" + dir.resolve("app.jsa"), "-Xlog:cds=off",
                        "-Xlog:cds+dynamic=off"));
            }
            command.addAll(jvmExtra);
            command.addAll(List.of("-jar", cell.dist().resolve("lib/dirsync.jar").toString()));
        }
        command.addAll(List.of("--once", "-q", dir.getParent().resolve("src-" + cell.tree()).toString(),
                dir.resolve("replica").toString(), "1", dir.resolve("dirsync.log").toString()));
        return command;
    }

    private static void environment(ProcessBuilder builder, Cell cell, Path dir, List<String> jvmExtra) {
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", cell.jdk().toString());
        env.put("DIRSYNC_CACHE_DIR", dir.resolve("cache").toString());
        env.put("DIRSYNC_JAVA_OPTS", String.join(" ", List.of("-Djava.io.tmpdir=" + dir.resolve("tmp"))));
        env.put("DIRSYNC_CDS", cell.how().equals("launcher+cds") ? "on" : "off");
        if (!jvmExtra.isEmpty() && cell.how().startsWith("launcher")) {
            env.put("DIRSYNC_JAVA_OPTS", env.get("DIRSYNC_JAVA_OPTS") + " " + String.join(" ", jvmExtra));
        }
    }

    /** Waits (up to 5 minutes) until the launcher's background training run, if it started one, is done. */
    private static void awaitTraining(Path cache) throws IOException, InterruptedException {
        for (int i = 0; i < 3000; i++) {
            try (Stream<Path> list = Files.list(cache)) {
                if (list.map(path -> path.getFileName().toString())
                        .noneMatch(name -> name.endsWith(".training"))) {
                    return;
                }
            }
            Thread.sleep(100);
        }
    }

    /** "TOTAL" or "TOTAL (ARCHIVED from the app archive)", from one untimed run with -Xlog:class+load. */
    private static String countClasses(Cell cell, Path dir) throws Exception {
        if (cell.how().equals("launcher+cds")) {
            return "-"; // its options would be another archive's key: see jar+cds
        }
        if (cell.how().equals("rsync")) {
            return "-";
        }
        Path log = dir.resolve("classes.txt");
        run(cell, dir, List.of("-Xlog:class+load:file=" + log), false);
        List<String> lines = Files.readAllLines(log);
        long top = lines.stream().filter(line -> line.contains("source: shared objects file (top)")).count();
        return lines.size() + (top > 0 ? " (" + top + " from the app archive)" : "");
    }

    private static void makeTree(Path root, int files) throws IOException {
        Files.createDirectories(root);
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int i = 0; i < files; i++) {
            Path dir = Files.createDirectories(root.resolve("d" + (i % 40)));
            byte[] data = new byte[1024 + random.nextInt(15 * 1024)];
            random.nextBytes(data);
            Files.write(dir.resolve("f" + i + ".bin"), data);
        }
    }

    private static Path javaOnPathHome() throws IOException {
        for (String dir : System.getenv("PATH").split(":")) {
            Path java = Path.of(dir, "java");
            if (Files.isExecutable(java)) {
                return java.toRealPath().getParent().getParent();
            }
        }
        throw new IllegalStateException("no java on PATH: give --jdk");
    }

    private static double load1() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
