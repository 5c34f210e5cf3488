package watchbench;

import static watchbench.Bench.*;
import static watchbench.Figures.*;
import static watchbench.Proc.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One dirsync process: started with its stdout/stderr copied to files, its log followed. */
final class Child {

    private static final Pattern SUMMARY_DURATION = Pattern.compile("duration=([0-9.]+)s");
    private static final Pattern WARN_OR_ERROR = Pattern.compile("^\\S+ (WARN|ERROR)\\b");
    /** Every process started, so that a shutdown hook can stop those still running. */
    static final List<Process> CHILDREN = new CopyOnWriteArrayList<>();

    final Bench bench;
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

    private Child(Bench bench, String name, Process process, Path log, boolean watch) {
        this.bench = bench;
        this.name = name;
        this.process = process;
        this.pid = process.pid();
        this.log = log;
        this.watch = watch;
    }

    static Child start(Bench b, String name, boolean watch, Path src, Path rep) throws IOException {
        Path logs = b.o.work.resolve("logs");
        Files.createDirectories(logs);
        Path log = logs.resolve(name + ".log");
        Files.deleteIfExists(log);
        Path jtmp = b.o.work.resolve("jtmp-" + name);
        WorkTrees.deleteTree(jtmp);
        Files.createDirectories(jtmp);
        List<String> cmd = new ArrayList<>();
        cmd.add(b.javaBin);
        cmd.addAll(b.o.javaOpts);
        cmd.add("-Djava.io.tmpdir=" + jtmp);
        cmd.add("-jar");
        cmd.add(b.o.jar.toString());
        if (watch) {
            cmd.add("--watch");
            if (b.o.watchDelay != null) {
                cmd.add("--watch-delay");
                cmd.add(b.o.watchDelay);
            }
        }
        cmd.add("-q");
        cmd.add(src.toString());
        cmd.add(rep.toString());
        cmd.add(Integer.toString(b.o.interval));
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
        info(String.format(Locale.ROOT, "%s: VmRSS %d kB, VmHWM %d kB, %d inotify watches%s", name, m.rssKb(),
                m.hwmKb(), watches, rssGc < 0 ? "" : String.format(Locale.ROOT, "; after a full GC: VmRSS %d kB,"
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

    static void killChildren() {
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
}
