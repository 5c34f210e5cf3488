import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table of one or more CSVs of remote.sh: java src/bench/RemoteReport.java a.csv [b.csv ...].
 *
 * Per setting x row x tool (in the order they first appear): the good runs (exit 0 and replica equal), the median
 * wall clock with min-max in seconds, the ratio of the median to the row's anchor (rsync -a over ssh; rsync -a -c
 * for the nomem row), the peak RSS (largest of the runs, MB) and the mean load before the runs; then, where the CSV
 * has them, the median CPU seconds of the run: the tool's own (with its children), the server's (the sshd's sessions,
 * their shells, commands and sftp-servers), the relay's, and the whole machine's busy time, which on this one machine
 * holds all three (a run is bound by the CPU where the machine's time comes near cores x wall).
 */
public final class RemoteReport {

    private record Run(double seconds, long rssKb, double load, boolean ok, double[] cpu) {
    }

    /** The CSV's CPU columns after utc: tool, server, relay, machine (NaN where absent). */
    private static double[] cpu(String[] f) {
        double[] cpu = new double[4];
        for (int i = 0; i < cpu.length; i++) {
            cpu[i] = f.length > 10 + i && !f[10 + i].isEmpty() ? Double.parseDouble(f[10 + i]) : Double.NaN;
        }
        return cpu;
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: java RemoteReport.java FILE.csv [FILE.csv ...]");
            System.exit(2);
        }
        // setting -> row -> tool -> runs
        Map<String, Map<String, Map<String, List<Run>>>> cells = new LinkedHashMap<>();
        for (String a : args) {
            List<String> lines = Files.readAllLines(Path.of(a));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                if (f.length < 8) {
                    continue;
                }
                Run r = new Run(Double.parseDouble(f[4]), f[5].isEmpty() ? 0 : Long.parseLong(f[5]),
                        f[6].isEmpty() ? 0 : Double.parseDouble(f[6]), f[7].equals("1"), cpu(f));
                cells.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).computeIfAbsent(f[1], k -> new LinkedHashMap<>())
                        .computeIfAbsent(f[2], k -> new ArrayList<>()).add(r);
            }
        }
        System.out.printf(Locale.ROOT, "%-8s %-16s %-14s %5s %28s %8s %8s %6s %25s%n", "setting", "row", "tool", "n",
                "median s (min-max)", "x_anchor", "rss_MB", "load", "cpu s: tool srv relay all");
        for (var setting : cells.entrySet()) {
            for (var row : setting.getValue().entrySet()) {
                String anchor = row.getKey().equals("nomem") ? "rsync-c" : "rsync";
                Double anchorMedian = median(row.getValue().get(anchor));
                for (var tool : row.getValue().entrySet()) {
                    List<Run> runs = tool.getValue();
                    List<Run> good = runs.stream().filter(Run::ok).toList();
                    Double m = median(runs);
                    String cell = "-";
                    if (m != null) {
                        double min = good.stream().mapToDouble(Run::seconds).min().orElse(0);
                        double max = good.stream().mapToDouble(Run::seconds).max().orElse(0);
                        cell = String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", m, min, max);
                    }
                    String ratio = m == null || anchorMedian == null
                            ? "" : String.format(Locale.ROOT, "%.2fx", m / anchorMedian);
                    long rss = runs.stream().mapToLong(Run::rssKb).max().orElse(0);
                    double load = runs.stream().mapToDouble(Run::load).average().orElse(0);
                    String n = good.size() == runs.size() ? String.valueOf(good.size()) : good.size() + "/" + runs.size();
                    StringBuilder cpu = new StringBuilder();
                    for (int i = 0; i < 4; i++) {
                        int column = i;
                        double[] s = good.stream().mapToDouble(r -> r.cpu()[column]).filter(d -> !Double.isNaN(d))
                                .sorted().toArray();
                        cpu.append(s.length == 0 ? "     -" : String.format(Locale.ROOT, " %5.2f", s.length % 2 == 1
                                ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2));
                    }
                    System.out.printf(Locale.ROOT, "%-8s %-16s %-14s %5s %28s %8s %8s %6.1f %25s%n", setting.getKey(),
                            row.getKey(), tool.getKey(), n, cell, ratio, rss == 0 ? "" : String.valueOf(rss / 1024), load,
                            cpu);
                }
            }
        }
    }

    /** The median of the good runs; null if there is none. */
    private static Double median(List<Run> runs) {
        if (runs == null) {
            return null;
        }
        double[] s = runs.stream().filter(Run::ok).mapToDouble(Run::seconds).sorted().toArray();
        if (s.length == 0) {
            return null;
        }
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
