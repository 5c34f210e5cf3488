package watchbench;

import static watchbench.Bench.*;
import static watchbench.Figures.*;
import static watchbench.Proc.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The latency part on a copy of 'small': a writer makes changes at each rate (Poisson or even arrivals), a poller
 * finds each one at its replica path, and the latency runs from the writer's close to that moment; then the idle
 * CPU of the watching process, and a final comparison of the replica with the source.
 */
final class Latency {

    private final Bench b;
    private final Options o;

    Latency(Bench b) {
        this.b = b;
        this.o = b.o;
    }

    /** The latency run on a copy of 'small': the latency at each rate, idle CPU, and a final check. */
    void latencyRun(Tree small) throws Exception {
        Path rep = o.work.resolve("rep-small-latency");
        Child c = Child.start(b, "small-latency", true, small.root, rep);
        try {
            c.awaitPass1(o.pass1TimeoutS);
            Memory m = c.memoryAfter(o.memWaitS, small, 0, false);
            System.out.printf(Locale.ROOT, "latency run, %s%n  %s s later: VmRSS %.1f MB, VmHWM %.1f MB, %d inotify"
                    + " watches%n", c.pass1Summary, fmt(o.memWaitS), m.rssKb() / 1024.0, m.hwmKb() / 1024.0,
                    m.watches());
            System.out.printf("%nlatency: from the writer's close in SOURCE to the full content at the replica path;"
                    + "%ndirsync --watch, %s, INTERVAL %d s; %s arrivals; half new files, half rewrites in place%n",
                    o.watchDelay == null ? "default delay (1 s)" : "--watch-delay " + o.watchDelay, o.interval,
                    o.evenArrivals ? "evenly spaced" : "Poisson (seeded exponential gaps)");
            System.out.printf("%7s %7s %5s %5s %7s %7s %9s %8s %8s %8s %8s %7s %10s %5s%n", "rate/s", "changes",
                    "new", "rewr", "arrived", "missing", "median_ms", "p90_ms", "p99_ms", "max_ms", "min_ms",
                    "passes", "others_cpu", "load");
            SplittableRandom r = new SplittableRandom(o.seed ^ 0x5EEDL);
            for (Map.Entry<Double, Integer> e : o.rates.entrySet()) {
                latency(c, small, rep, e.getKey(), e.getValue(), r.split());
            }
            System.out.printf(Locale.ROOT, "  percentiles: nearest rank (below 100 changes p99 is the max);"
                    + " resolution: the poller looked every %s ms on average;%n  passes: \"changes in\" lines"
                    + " logged; others_cpu: cores used by other processes (/proc/stat), load: 1-min average%n",
                    b.pollPeriods.stream().map(Figures::fmt2).reduce((x, y) -> x + "/" + y).orElse("-"));
            if (o.idleS > 0) {
                idle(c);
            }
            List<String> diff = small.compareWith(rep);
            System.out.printf("replica after the changes: %s%n", diff.isEmpty()
                    ? "matches the source (type, name, size of every entry)"
                    : diff.size() + " differences, e.g. " + diff.subList(0, Math.min(5, diff.size())));
            if (!diff.isEmpty()) {
                b.problems.add("replica differs from the source after the latency run: " + diff.size());
            }
        } finally {
            c.stop();
        }
        if (c.warnings > 0) {
            System.out.printf("log: %d warning/error lines, the first: %s%n", c.warnings, c.firstWarning);
        }
    }

    static final class Change {
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

    void latency(Child c, Tree t, Path rep, double rate, int count, SplittableRandom r) throws Exception {
        List<Change> changes = planChanges(t, rep, rate, count, r);
        ConcurrentLinkedQueue<Change> submitted = new ConcurrentLinkedQueue<>();
        CountDownLatch settled = new CountDownLatch(changes.size());
        long timeoutNs = (long) (o.timeoutS * 1e9);
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
            at += o.evenArrivals ? 1 / rate : -Math.log(1 - r.nextDouble()) / rate;
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
        if (!settled.await((long) (o.timeoutS * 1000) + 5000, TimeUnit.MILLISECONDS)) {
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
            b.rawLines.add(String.join(",", fmt(rate), Integer.toString(ch.n), ch.kind, csvText(t.root.relativize(
                    ch.source).toString()), Integer.toString(ch.content.length), ch.closedAt.toString(),
                    ch.arrivedNs < 0 ? "" : fmt(lat), ch.arrivedNs < 0 ? "0" : "1"));
        }
        Collections.sort(ms);
        double others = cpu1.othersCores(cpu0, b.clkTck);
        String rateText = fmt(rate);
        System.out.printf(Locale.ROOT, "%7s %7d %5d %5d %7d %7d %9s %8s %8s %8s %8s %7d %10.2f %5s%n", rateText,
                changes.size(), news, changes.size() - news, ms.size(), missing, ms(pct(ms, 50)), ms(pct(ms, 90)),
                ms(pct(ms, 99)), ms(max(ms)), ms(ms.isEmpty() ? Double.NaN : ms.get(0)), passes, others, load);
        String tree = t.name;
        b.row("latency", tree, "watch", rateText, "changes", changes.size(), "", "new=" + news, load);
        b.row("latency", tree, "watch", rateText, "arrived", ms.size(), "", "", load);
        b.row("latency", tree, "watch", rateText, "missing", missing, "", "timeout " + fmt(o.timeoutS) + " s", load);
        b.row("latency", tree, "watch", rateText, "median", pct(ms, 50), "ms", "", load);
        b.row("latency", tree, "watch", rateText, "p90", pct(ms, 90), "ms", "", load);
        b.row("latency", tree, "watch", rateText, "p99", pct(ms, 99), "ms", "", load);
        b.row("latency", tree, "watch", rateText, "max", max(ms), "ms", "", load);
        b.row("latency", tree, "watch", rateText, "min", ms.isEmpty() ? Double.NaN : ms.get(0), "ms", "", load);
        b.row("latency", tree, "watch", rateText, "event_passes", passes, "", "", load);
        b.row("latency", tree, "watch", rateText, "writer_late_max", maxLateNs / 1e6, "ms",
                "how far behind schedule a write started, at worst", load);
        b.row("latency", tree, "watch", rateText, "others_cpu", others, "cores", "", load);
        double period = sweeps[0] > 1 ? sweeps[1] / 1e6 / (sweeps[0] - 1) : Double.NaN;
        b.row("latency", tree, "watch", rateText, "poll_period", period, "ms", "measured; --poll-ms " + o.pollMs, load);
        b.row("latency", tree, "watch", rateText, "bench_cpu", cpu1.selfCores(cpu0, b.clkTck), "cores",
                "this benchmark (writer and poller)", load);
        b.pollPeriods.add(period);
        if (missing > 0) {
            b.problems.add(missing + " of " + changes.size() + " changes at " + rateText + "/s did not arrive within "
                    + fmt(o.timeoutS) + " s");
        }
        if (maxLateNs > 500_000_000L) {
            System.out.printf("  note: the writer fell up to %.0f ms behind its schedule%n", maxLateNs / 1e6);
        }
    }

    /** The changes of one rate, decided up front: half new files, half rewrites of files not changed before. */
    List<Change> planChanges(Tree t, Path rep, double rate, int count, SplittableRandom r) {
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
            byte[] head = String.format(Locale.ROOT, "watchbench seed %d rate %s change %d%n", o.seed, fmt(rate), i)
                    .getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(head, 0, content, 0, Math.min(head.length, size));
            out.add(new Change(i, rewrite ? "rewrite" : "new", t.root.resolve(rel.toString()),
                    rep.resolve(rel.toString()), content));
        }
        return out;
    }

    static String newName(double rate, int i) {
        return String.format(Locale.ROOT, "wb-r%s-%05d.dat", fmt(rate).replace('.', '_'), i);
    }

    /**
     * The poller: every pollMs, each change not yet seen is looked up at its replica path; it has arrived when
     * the file there has the expected size and the expected bytes. The arrival time is taken just before the
     * look-up that finds it, so the figure is late by at most one poll period plus one sweep.
     */
    void poll(ConcurrentLinkedQueue<Change> submitted, CountDownLatch settled, long timeoutNs, Child c,
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
                Thread.sleep(o.pollMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static boolean arrived(Change ch) {
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

    void idle(Child c) throws Exception {
        sleepS(o.idleWaitS);
        c.pumpLog();
        long logBefore = c.logBytes();
        int linesBefore = c.lines;
        Cpu first = Cpu.now(c.pid);
        Cpu prev = first;
        long maxTicks = 0;
        int busySeconds = 0;
        long end = System.nanoTime() + (long) (o.idleS * 1e9);
        while (System.nanoTime() < end) {
            sleepS(Math.min(1.0, (end - System.nanoTime()) / 1e9));
            Cpu now = Cpu.now(c.pid);
            long d = now.childTicks() - prev.childTicks();
            maxTicks = Math.max(maxTicks, d);
            busySeconds += d > 0 ? 1 : 0;
            prev = now;
            if (!c.alive()) {
                throw new BenchException("dirsync exited while idle (" + c.describeExit() + ")");
            }
        }
        Cpu last = prev;
        c.pumpLog();
        double seconds = (last.wallNs() - first.wallNs()) / 1e9;
        long ticks = last.childTicks() - first.childTicks();
        double pct = 100.0 * ticks / b.clkTck / seconds;
        long logGrowth = c.logBytes() - logBefore;
        String load = loadavg();
        System.out.printf(Locale.ROOT, "%nidle CPU of dirsync --watch on 'small', %.0f s after the last change"
                + " arrived: %.3f%% of one core%n  (%d ticks of 1/%d s utime+stime in %.1f s; busiest 1-s sample %d"
                + " ticks, %d samples with any; the log grew %d bytes, %d lines; others' CPU %.2f cores; load %s)%n",
                o.idleWaitS, pct, ticks, b.clkTck, seconds, maxTicks, busySeconds, logGrowth, c.lines - linesBefore,
                last.othersCores(first, b.clkTck), load);
        b.row("idle", "small", "watch", "", "cpu", pct, "% of one core", fmt(seconds) + " s after " + fmt(o.idleWaitS)
                + " s wait", load);
        b.row("idle", "small", "watch", "", "cpu_ticks", ticks, "1/" + b.clkTck + " s", "", load);
        b.row("idle", "small", "watch", "", "log_growth", logGrowth, "bytes", "", load);
        b.row("idle", "small", "watch", "", "others_cpu", last.othersCores(first, b.clkTck), "cores", "", load);
    }
}
