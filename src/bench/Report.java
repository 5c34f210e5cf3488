import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the table of a run.sh CSV: java src/bench/Report.java results.csv [more.csv ...]
 *
 * <p>Per tree x scenario x tool: the number of good runs, the median seconds with min-max, the ratio of the
 * median to the cell's anchor (cp -a for the initial copy, rsync -a --delete --checksum --checksum-choice=md5
 * otherwise; rsync -a --delete over ssh for the tools that reach a replica over the network) and to
 * rsync -a --delete (quick check), the largest peak RSS and the mean 1-minute load.
 */
public final class Report {

    private record Row(String tree, String scale, String scenario, String tool, double seconds, double rssKb,
            double load, boolean ok) {}

    public static void main(String[] args) throws IOException {
        Map<String, List<Row>> cells = new LinkedHashMap<>();
        int bad = 0;
        for (String file : args) {
            List<String> lines = Files.readAllLines(Path.of(file));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                if (f.length < 11) {
                    continue;
                }
                boolean ok = f[10].equals("1") && !f[5].isEmpty();
                Row r = new Row(f[0], f[1], f[2], f[3], ok ? Double.parseDouble(f[5]) : Double.NaN,
                        f[8].isEmpty() ? Double.NaN : Double.parseDouble(f[8]),
                        f[9].isEmpty() ? Double.NaN : Double.parseDouble(f[9]), ok);
                if (!ok) {
                    bad++;
                }
                cells.computeIfAbsent(key(r.tree, r.scale, r.scenario, r.tool), k -> new ArrayList<>()).add(r);
            }
        }
        System.out.printf(Locale.ROOT, "%-6s %-5s %-9s %-24s %3s %9s %-19s %9s %9s %8s %5s%n", "tree", "scale",
                "scenario", "tool", "n", "median_s", "min-max", "x_anchor", "x_rsync_a", "rss_MB", "load");
        String last = null;
        for (List<Row> rows : cells.values()) {
            Row first = rows.get(0);
            String group = first.tree + first.scale + first.scenario;
            if (last != null && !last.equals(group)) {
                System.out.println();
            }
            last = group;
            double[] s = rows.stream().filter(Row::ok).mapToDouble(Row::seconds).sorted().toArray();
            double rss = rows.stream().mapToDouble(Row::rssKb).filter(x -> !Double.isNaN(x)).max().orElse(Double.NaN);
            double load = rows.stream().mapToDouble(Row::load).filter(x -> !Double.isNaN(x)).average().orElse(Double.NaN);
            String anchorTool = remote(first.tool) ? "rsync-ssh"
                    : first.scenario.equals("initial") ? "cp" : "rsync-c-md5";
            double med = median(s);
            double anchor = median(cells, key(first.tree, first.scale, first.scenario, anchorTool));
            double quick = median(cells, key(first.tree, first.scale, first.scenario, "rsync"));
            System.out.printf(Locale.ROOT, "%-6s %-5s %-9s %-24s %3d %9s %-19s %9s %9s %8s %5.2f%s%n", first.tree,
                    first.scale, first.scenario, first.tool, s.length, fmt(med),
                    s.length == 0 ? "-" : fmt(s[0]) + "-" + fmt(s[s.length - 1]), ratio(med, anchor),
                    ratio(med, quick), Double.isNaN(rss) ? "-" : String.format(Locale.ROOT, "%.0f", rss / 1024), load,
                    s.length < rows.size() ? "  (" + (rows.size() - s.length) + " failed)" : "");
        }
        System.out.printf("%nx_anchor: median / median of the anchor (cp for initial, rsync-c-md5 otherwise; "
                + "rsync-ssh for dirsync-sftp-*); x_rsync_a: median / median of rsync -a --delete (local).%n"
                + "dirsync-periodic, dirsync-sftp-periodic: pass duration from its own summary line (no JVM start); "
                + "others: wall clock.%n");
        if (bad > 0) {
            System.out.printf("%d runs failed or were invalid: see the ok and note columns of the CSV.%n", bad);
        }
    }

    /** A tool whose replica is reached over ssh: its anchor is rsync over ssh to the same server. */
    private static boolean remote(String tool) {
        return tool.startsWith("dirsync-sftp-") || tool.equals("rsync-ssh");
    }

    private static String key(String... parts) {
        return String.join("|", parts);
    }

    private static double median(Map<String, List<Row>> cells, String key) {
        List<Row> rows = cells.get(key);
        return rows == null ? Double.NaN
                : median(rows.stream().filter(Row::ok).mapToDouble(Row::seconds).sorted().toArray());
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    private static String fmt(double x) {
        if (Double.isNaN(x)) {
            return "-";
        }
        return String.format(Locale.ROOT, x < 10 ? "%.3f" : "%.1f", x);
    }
}
