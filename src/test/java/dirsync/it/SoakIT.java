package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.SourceMutator;
import dirsync.testing.Trees;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hours of service in minutes: the jar in periodic mode (INTERVAL 1) while a seeded mutator keeps changing a
 * source of a few thousand files. Heap after a forced GC, threads, open descriptors and RSS are sampled every
 * few seconds; none of them may grow from the first third of the run to the last, and when the changes stop the
 * replica must catch up and the process stop cleanly.
 *
 * <p>Tagged {@code soak}: runs only with {@code mvn -B verify -Psoak}. {@code -Ddirsync.soak.seconds=N} sets the
 * length (default 180), {@code -Ddirsync.soak.seed=N} the mutator's seed.
 */
@Tag("soak")
class SoakIT {

    private static final int TARGET_FILES = 2500;
    private static final int LARGE_FILE_BYTES = 256 * 1024;
    private static final int STEPS_PER_TICK = 3;
    private static final long TICK_MILLIS = 100;
    private static final Duration TOOL_DEADLINE = Duration.ofSeconds(30);
    private static final Pattern SUMMARY = Pattern.compile(" pass (\\d+) finished: (.*)$");
    private static final Pattern COUNT = Pattern.compile("(\\w+)=(\\d+)");
    private static final Pattern DURATION = Pattern.compile("duration=(\\d+\\.\\d+)s");
    private static final Pattern HEAP_USED = Pattern.compile("\\bused (\\d+)K");

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @Test
    void periodicModeUnderConstantChangeKeepsHeapThreadsAndDescriptorsFlatAndCatchesUp() throws Exception {
        int seconds = Integer.getInteger("dirsync.soak.seconds", 180);
        long seed = Long.getLong("dirsync.soak.seed", System.nanoTime());
        long sampleEvery = Math.max(2, Math.min(10, seconds / 6));
        SourceMutator mutator = new SourceMutator(jar.source(), seed, TARGET_FILES, LARGE_FILE_BYTES)
                .populate(120, TARGET_FILES);
        System.out.printf("SoakIT: %d s, seed %d (replay the mutator's choices with -Ddirsync.soak.seed=%d), "
                + "source %d files in %d directories, a sample every %d s%n", seconds, seed, seed, mutator.files(),
                mutator.directories(), sampleEvery);

        JarRuns.Running dirsync = jar.start("soak", jar.periodic(1));
        long pid = dirsync.process().pid();
        LogTail log = new LogTail(jar.logFile());
        JarRuns.await(Duration.ofSeconds(60), "the first pass to finish", () -> log.poll().passes() >= 1,
                dirsync::describe);
        // The first attach starts the JVM's attach listener thread (and socket): before the first sample.
        jcmd(pid, "VM.version");

        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> mutatorFailure = new AtomicReference<>();
        AtomicLong steps = new AtomicLong();
        Thread changes = new Thread(() -> {
            try {
                while (!stop.get()) {
                    synchronized (mutator) {
                        for (int i = 0; i < STEPS_PER_TICK; i++) {
                            mutator.step();
                            steps.incrementAndGet();
                        }
                    }
                    TimeUnit.MILLISECONDS.sleep(TICK_MILLIS);
                }
            } catch (Throwable t) {
                mutatorFailure.set(t);
            }
        }, "soak-mutator");
        changes.setDaemon(true);

        List<Sample> samples = new ArrayList<>();
        long started = System.nanoTime();
        long end = started + TimeUnit.SECONDS.toNanos(seconds);
        changes.start();
        for (long next = started; ; next += TimeUnit.SECONDS.toNanos(sampleEvery)) {
            sleepUntil(next);
            if (System.nanoTime() - end > 0 && !samples.isEmpty()) {
                break;
            }
            assertThat(dirsync.process().isAlive()).as("dirsync still running\n%s", dirsync.describe()).isTrue();
            assertThat(mutatorFailure.get()).as("the mutator's own failure").isNull();
            // Sample just after a pass ends, in the second's pause before the next: no copy holds a descriptor.
            int before = log.poll().passes();
            JarRuns.await(Duration.ofSeconds(60), "a pass to finish", () -> log.poll().passes() > before,
                    dirsync::describe);
            int files;
            synchronized (mutator) {
                files = mutator.files();
            }
            samples.add(sample(pid, (System.nanoTime() - started) / 1e9, log.passes(), files));
            System.out.println("SoakIT sample " + samples.get(samples.size() - 1).row());
        }

        stop.set(true);
        changes.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(changes.isAlive()).as("the mutator stopped").isFalse();
        assertThat(mutatorFailure.get()).as("the mutator's own failure").isNull();
        Totals duringChanges = log.poll().totals();
        // The pass under way when the changes stopped may have missed the last of them; the one after may not.
        int stoppedAt = log.passes();
        JarRuns.await(Duration.ofSeconds(120), "two more passes after the changes stopped",
                () -> log.poll().passes() >= stoppedAt + 2, dirsync::describe);
        Map<String, Long> settled = log.lastSummary();

        Trees.assertSameTree(jar.source(), jar.replica());
        dirsync.process().destroy(); // SIGTERM
        JarRuns.Finished stopped = dirsync.awaitExit(Duration.ofSeconds(15));
        List<String> lines = JarRuns.lines(jar.logFile());

        printTable(samples);
        Stats heap = Stats.of(samples, Sample::heapKib);
        Sample first = samples.get(0);
        Sample last = samples.get(samples.size() - 1);
        long heapAllowance = Math.max(heap.firstThirdMax() / 5, 5 * 1024);
        System.out.printf("SoakIT: %d s, %d samples, %d passes (longest %.3f s), %d mutator steps, source now %d "
                        + "files; heap after GC max %.1f MiB in the first third, %.1f MiB in the last (allowed "
                        + "%.1f); threads %d -> %d; fds %d -> %d; RSS %.1f -> %.1f MiB (max %.1f); during the "
                        + "changes vanished=%d changing=%d errors=%d; exit code %d%n",
                seconds, samples.size(), log.passes(), duringChanges.longestPass(), steps.get(), mutator.files(),
                heap.firstThirdMax() / 1024.0, heap.lastThirdMax() / 1024.0,
                (heap.firstThirdMax() + heapAllowance) / 1024.0, first.threads(), last.threads(), first.fds(),
                last.fds(), first.rssKib() / 1024.0, last.rssKib() / 1024.0,
                samples.stream().mapToLong(Sample::rssKib).max().orElse(0) / 1024.0,
                duringChanges.count("vanished"), duringChanges.count("changing"), duringChanges.count("errors"),
                stopped.exitCode());

        assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
        assertThat(lines.get(lines.size() - 1)).as(stopped.describe()).endsWith(" dirsync stopped");
        assertThat(lines).as("passes that failed with an exception").noneMatch(line -> line.contains("failed unexpectedly"));
        assertThat(settled.get("errors")).as("errors of the pass after the changes stopped: %s", settled).isZero();
        assertThat(samples).as("samples (at least one per third)").hasSizeGreaterThanOrEqualTo(3);
        assertThat(heap.lastThirdMax()).as("heap after GC in the last third vs the first (KiB)")
                .isLessThanOrEqualTo(heap.firstThirdMax() + heapAllowance);
        assertThat(last.threads()).as("threads, last sample vs first").isLessThanOrEqualTo(first.threads() + 2);
        assertThat(last.fds()).as("open file descriptors, last sample vs first").isLessThanOrEqualTo(first.fds() + 2);
    }

    private Sample sample(long pid, double at, int passes, int files) throws IOException, InterruptedException {
        Path proc = Path.of("/proc", String.valueOf(pid));
        Map<String, String> status = new HashMap<>();
        for (String line : Files.readAllLines(proc.resolve("status"), StandardCharsets.US_ASCII)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                status.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        int fds;
        try (Stream<Path> open = Files.list(proc.resolve("fd"))) {
            fds = (int) open.count();
        }
        int threads = Integer.parseInt(status.get("Threads"));
        long rss = Long.parseLong(status.get("VmRSS").replace("kB", "").trim());
        jcmd(pid, "GC.run");
        long heap = heapUsedKib(jcmd(pid, "GC.heap_info"));
        return new Sample(at, passes, files, heap, threads, fds, rss);
    }

    /**
     * The heap in use, from {@code GC.heap_info}: the sum of the "used NK" of the heap lines before Metaspace
     * (one line for G1, one per generation for the others).
     */
    private static long heapUsedKib(String heapInfo) {
        long used = 0;
        for (String line : heapInfo.split("\n")) {
            if (line.trim().startsWith("Metaspace")) {
                break;
            }
            Matcher matcher = HEAP_USED.matcher(line);
            if (matcher.find()) {
                used += Long.parseLong(matcher.group(1));
            }
        }
        assertThat(used).as("heap used in:\n%s", heapInfo).isPositive();
        return used;
    }

    /** Runs the JDK's jcmd (beside the java that runs dirsync) and returns its output. */
    private String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(DirsyncJar.java()).getParent().resolve("jcmd");
        assertThat(jcmd).as("jcmd beside the java that runs dirsync").isExecutable();
        JarRuns.Finished done = jar.run("jcmd", TOOL_DEADLINE, List.of(jcmd.toString(), String.valueOf(pid), command));
        assertThat(done.exitCode()).as(done.describe()).isZero();
        return done.stdout();
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static void printTable(List<Sample> samples) {
        StringBuilder table = new StringBuilder("SoakIT samples:\n")
                .append(String.format("%8s %6s %6s %14s %8s %5s %10s%n", "t (s)", "pass", "files", "heap (KiB)",
                        "threads", "fds", "RSS (KiB)"));
        for (Sample sample : samples) {
            table.append(sample.row()).append('\n');
        }
        System.out.print(table);
    }

    private record Sample(double at, int passes, int files, long heapKib, int threads, int fds, long rssKib) {
        String row() {
            return String.format("%8.1f %6d %6d %14d %8d %5d %10d", at, passes, files, heapKib, threads, fds, rssKib);
        }
    }

    /** The largest value in the first and in the last third of the samples. */
    private record Stats(long firstThirdMax, long lastThirdMax) {
        static Stats of(List<Sample> samples, java.util.function.ToLongFunction<Sample> value) {
            int third = Math.max(1, samples.size() / 3);
            long first = samples.subList(0, third).stream().mapToLong(value).max().orElseThrow();
            long last = samples.subList(samples.size() - third, samples.size()).stream().mapToLong(value).max()
                    .orElseThrow();
            return new Stats(first, last);
        }
    }

    /** Pass summary counts added up, and the longest pass. */
    private record Totals(Map<String, Long> counts, double longestPass) {
        long count(String key) {
            return counts.getOrDefault(key, 0L);
        }
    }

    /** Follows the log file as it grows: counts pass summaries and adds up their counts. */
    private static final class LogTail {
        private final Path file;
        private long offset;
        private final StringBuilder partial = new StringBuilder();
        private int passes;
        private final Map<String, Long> totals = new HashMap<>();
        private double longestPass;
        private Map<String, Long> lastSummary = Map.of();

        LogTail(Path file) {
            this.file = file;
        }

        synchronized LogTail poll() {
            if (!Files.exists(file)) {
                return this;
            }
            try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                long length = in.length();
                if (length > offset) {
                    byte[] bytes = new byte[(int) (length - offset)];
                    in.seek(offset);
                    in.readFully(bytes);
                    offset = length;
                    partial.append(new String(bytes, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            int newline;
            while ((newline = partial.indexOf("\n")) >= 0) {
                line(partial.substring(0, newline));
                partial.delete(0, newline + 1);
            }
            return this;
        }

        private void line(String line) {
            Matcher summary = SUMMARY.matcher(line);
            if (!summary.find()) {
                return;
            }
            passes++;
            Map<String, Long> counts = new HashMap<>();
            Matcher count = COUNT.matcher(summary.group(2));
            while (count.find()) {
                counts.put(count.group(1), Long.parseLong(count.group(2)));
                totals.merge(count.group(1), Long.parseLong(count.group(2)), Long::sum);
            }
            Matcher duration = DURATION.matcher(summary.group(2));
            if (duration.find()) {
                longestPass = Math.max(longestPass, Double.parseDouble(duration.group(1)));
            }
            lastSummary = Map.copyOf(counts);
        }

        synchronized int passes() {
            return passes;
        }

        synchronized Totals totals() {
            return new Totals(Map.copyOf(totals), longestPass);
        }

        synchronized Map<String, Long> lastSummary() {
            return lastSummary;
        }
    }
}
