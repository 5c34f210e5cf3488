package watchbench;

import static watchbench.Bench.*;
import static watchbench.Figures.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The memory part: dirsync with and without --watch on each tree, VmRSS and VmHWM a few seconds after the first
 * pass, then after a full GC, and the difference per watched directory.
 */
final class MemoryRuns {

    private final Bench b;
    private final Options o;

    MemoryRuns(Bench b) {
        this.b = b;
        this.o = b.o;
    }

    Memory memoryRun(Tree t, boolean watch, int run) throws Exception {
        String mode = watch ? "watch" : "periodic";
        Child c = Child.start(b, t.name + "-" + mode + "-" + run, watch, t.root,
                o.work.resolve("rep-" + t.name + "-" + mode + "-" + run));
        try {
            c.awaitPass1(o.pass1TimeoutS);
            Memory m = c.memoryAfter(o.memWaitS, t, run, true);
            String note = "run " + run;
            b.row("memory", t.name, mode, "", "vmrss", m.rssKb(), "kB", note, m.load());
            b.row("memory", t.name, mode, "", "vmhwm", m.hwmKb(), "kB", note, m.load());
            b.row("memory", t.name, mode, "", "rssanon", m.anonKb(), "kB", note, m.load());
            b.row("memory", t.name, mode, "", "vmrss_after_gc", m.rssGcKb(), "kB", note + "; jcmd GC.run", m.load());
            b.row("memory", t.name, mode, "", "heap_used_after_gc", m.heapGcKb(), "kB", note + "; jcmd GC.heap_info",
                    m.load());
            b.row("memory", t.name, mode, "", "watches", m.watches(), "", note + "; /proc/PID/fdinfo", m.load());
            b.row("memory", t.name, mode, "", "threads", m.threads(), "", note, m.load());
            b.row("memory", t.name, mode, "", "pass1", m.pass1(), "s", note, m.load());
            return m;
        } finally {
            c.stop();
        }
    }

    /** Medians over the runs of one tree and mode. */
    record MemoryCell(String tree, String mode, int dirs, long files, int watches, double rssKb,
            double rssMinKb, double rssMaxKb, double hwmKb, double rssGcKb, double heapGcKb, double threads,
            double pass1) {
        static MemoryCell of(List<Memory> runs) {
            Memory f = runs.get(0);
            return new MemoryCell(f.tree(), f.mode(), f.dirs(), f.files(), (int) median(runs, m -> m.watches()),
                    median(runs, m -> m.rssKb()), runs.stream().mapToLong(Memory::rssKb).min().orElse(0),
                    runs.stream().mapToLong(Memory::rssKb).max().orElse(0), median(runs, m -> m.hwmKb()),
                    median(runs, m -> m.rssGcKb()), median(runs, m -> m.heapGcKb()), median(runs, m -> m.threads()),
                    median(runs, m -> m.pass1()));
        }
    }

    static double median(List<Memory> runs, ToDoubleFunction<Memory> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    void printMemory(List<Memory> memory) {
        Map<String, List<Memory>> byCell = new LinkedHashMap<>();
        memory.forEach(m -> byCell.computeIfAbsent(m.tree() + " " + m.mode(), k -> new ArrayList<>()).add(m));
        Map<String, MemoryCell> cells = new LinkedHashMap<>();
        byCell.forEach((k, runs) -> cells.put(k, MemoryCell.of(runs)));
        boolean gc = memory.stream().allMatch(m -> m.rssGcKb() > 0 && m.heapGcKb() > 0);
        System.out.printf("%nmemory of the dirsync process %s s after \"pass 1 finished\" (/proc/PID/status),"
                + " median of %d runs;%nthen after a full GC (jcmd GC.run): VmRSS and the Java heap in use%s%n",
                fmt(o.memWaitS), o.memRuns, gc ? "" : " (not available: no jcmd, or it failed)");
        System.out.printf("%-9s %-8s %5s %6s %7s %8s %13s %8s %9s %10s %7s %7s%n", "tree", "mode", "dirs", "files",
                "watches", "VmRSS_MB", "min-max", "VmHWM_MB", "gc:RSS_MB", "gc:heap_KB", "threads", "pass1_s");
        for (MemoryCell m : cells.values()) {
            System.out.printf(Locale.ROOT, "%-9s %-8s %5d %6d %7d %8.1f %13s %8.1f %9.1f %10.0f %7.0f %7.2f%n",
                    m.tree(), m.mode(), m.dirs(), m.files(), m.watches(), m.rssKb() / 1024, String.format(Locale.ROOT,
                    "%.1f-%.1f", m.rssMinKb() / 1024, m.rssMaxKb() / 1024), m.hwmKb() / 1024, m.rssGcKb() / 1024,
                    m.heapGcKb(), m.threads(), m.pass1());
            String note = o.memRuns + " runs";
            b.row("memory", m.tree(), m.mode(), "", "vmrss_median", m.rssKb(), "kB", note, "");
            b.row("memory", m.tree(), m.mode(), "", "vmhwm_median", m.hwmKb(), "kB", note, "");
            b.row("memory", m.tree(), m.mode(), "", "vmrss_after_gc_median", m.rssGcKb(), "kB", note, "");
            b.row("memory", m.tree(), m.mode(), "", "heap_used_after_gc_median", m.heapGcKb(), "kB", note, "");
        }
        System.out.println("per watched directory: (median with --watch - median without) / watches, in bytes");
        System.out.printf("%-9s %7s %9s %9s %12s %12s%n", "tree", "watches", "VmRSS", "VmHWM", "gc:VmRSS",
                "gc:heap");
        List<MemoryCell[]> pairs = new ArrayList<>();
        for (MemoryCell w : cells.values()) {
            MemoryCell p = cells.get(w.tree() + " periodic");
            if (w.mode().equals("watch") && p != null) {
                pairs.add(new MemoryCell[] {w, p});
                int n = w.watches() > 0 ? w.watches() : w.dirs();
                perDir(w.tree(), n, (w.rssKb() - p.rssKb()) * 1024, (w.hwmKb() - p.hwmKb()) * 1024,
                        (w.rssGcKb() - p.rssGcKb()) * 1024, (w.heapGcKb() - p.heapGcKb()) * 1024, gc);
            }
        }
        if (pairs.size() == 2) {
            MemoryCell[] a = pairs.get(0);
            MemoryCell[] b = pairs.get(1);
            int n = b[0].watches() - a[0].watches();
            if (Math.abs(n) >= Math.max(100, Math.min(a[0].watches(), b[0].watches()))) {
                perDir("marginal", n, ((b[0].rssKb() - b[1].rssKb()) - (a[0].rssKb() - a[1].rssKb())) * 1024,
                        ((b[0].hwmKb() - b[1].hwmKb()) - (a[0].hwmKb() - a[1].hwmKb())) * 1024,
                        ((b[0].rssGcKb() - b[1].rssGcKb()) - (a[0].rssGcKb() - a[1].rssGcKb())) * 1024,
                        ((b[0].heapGcKb() - b[1].heapGcKb()) - (a[0].heapGcKb() - a[1].heapGcKb())) * 1024, gc);
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

    void perDir(String tree, int n, double rss, double hwm, double rssGc, double heapGc, boolean gc) {
        System.out.printf(Locale.ROOT, "%-9s %7d %+9.0f %+9.0f %12s %12s%n", tree, n, rss / n, hwm / n,
                gc ? String.format(Locale.ROOT, "%+.0f", rssGc / n) : "-",
                gc ? String.format(Locale.ROOT, "%+.0f", heapGc / n) : "-");
        String note = n + " watches";
        b.row("memory", tree, "watch-periodic", "", "vmrss_per_dir", rss / n, "bytes", note, "");
        b.row("memory", tree, "watch-periodic", "", "vmhwm_per_dir", hwm / n, "bytes", note, "");
        if (gc) {
            b.row("memory", tree, "watch-periodic", "", "vmrss_after_gc_per_dir", rssGc / n, "bytes", note, "");
            b.row("memory", tree, "watch-periodic", "", "heap_used_after_gc_per_dir", heapGc / n, "bytes", note, "");
        }
    }
}
