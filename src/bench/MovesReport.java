import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table of one or more CSVs of moves.sh, in markdown: java src/bench/MovesReport.java a.csv [b.csv ...].
 *
 * Per setting x row x tool (in the order they first appear): the good runs of the pass after the move (exit 0 and
 * the replica equal to the source), its median wall clock with min-max in seconds, the same for the no-change pass
 * on the same tree, the ratio of the two medians (the target: at most 2x), the ratio of the pass after the
 * move to rsync's and to rclone's in the same row, the peak RSS of the pass after the move (largest of the runs, MB)
 * and the mean load before the runs. n counts the good passes after the move (good / all where some failed); a cell
 * says how many of its runs failed, and shows "-" without a good one.
 */
public final class MovesReport {

    private record Run(double seconds, long rssKb, double load, boolean ok) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: java MovesReport.java FILE.csv [FILE.csv ...]");
            System.exit(2);
        }
        // setting -> row -> tool -> pass -> runs
        Map<String, Map<String, Map<String, Map<String, List<Run>>>>> cells = new LinkedHashMap<>();
        for (String a : args) {
            List<String> lines = Files.readAllLines(Path.of(a));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                if (f.length < 9) {
                    continue;
                }
                Run r = new Run(Double.parseDouble(f[5]), f[6].isEmpty() ? 0 : Long.parseLong(f[6]),
                        f[7].isEmpty() ? 0 : Double.parseDouble(f[7]), f[8].equals("1"));
                cells.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).computeIfAbsent(f[1], k -> new LinkedHashMap<>())
                        .computeIfAbsent(f[3], k -> new LinkedHashMap<>()).computeIfAbsent(f[2], k -> new ArrayList<>())
                        .add(r);
            }
        }
        System.out.println("| setting | row | tool | n | after the move, s (min-max) | no-change, s (min-max) "
                + "| x_nochange | x_rsync | x_rclone | rss MB | load |");
        System.out.println("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (var setting : cells.entrySet()) {
            for (var row : setting.getValue().entrySet()) {
                Double rsync = median(runs(row.getValue(), "rsync", "moved"));
                Double rclone = median(runs(row.getValue(), "rclone", "moved"));
                for (var tool : row.getValue().entrySet()) {
                    List<Run> moved = runs(row.getValue(), tool.getKey(), "moved");
                    List<Run> nochange = runs(row.getValue(), tool.getKey(), "nochange");
                    Double m = median(moved);
                    Double n = median(nochange);
                    long rss = moved.stream().mapToLong(Run::rssKb).max().orElse(0);
                    double load = moved.stream().mapToDouble(Run::load).average().orElse(0);
                    System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.1f |%n",
                            setting.getKey(), row.getKey(), tool.getKey(), count(moved), cell(moved), cell(nochange),
                            ratio(m, n), ratio(m, rsync), ratio(m, rclone), rss == 0 ? "" : String.valueOf(rss / 1024),
                            load);
                }
            }
        }
    }

    private static List<Run> runs(Map<String, Map<String, List<Run>>> row, String tool, String pass) {
        return row.getOrDefault(tool, Map.of()).getOrDefault(pass, List.of());
    }

    private static String count(List<Run> runs) {
        long good = runs.stream().filter(Run::ok).count();
        return good == runs.size() ? String.valueOf(good) : good + "/" + runs.size();
    }

    /** The median with min-max of the good runs, and how many failed (exit not 0, or a replica that differs). */
    private static String cell(List<Run> runs) {
        long failed = runs.stream().filter(r -> !r.ok()).count();
        String failures = failed == 0 ? "" : String.format(Locale.ROOT, ", %d of %d failed", failed, runs.size());
        Double m = median(runs);
        if (m == null) {
            return "-" + failures;
        }
        double min = runs.stream().filter(Run::ok).mapToDouble(Run::seconds).min().orElse(0);
        double max = runs.stream().filter(Run::ok).mapToDouble(Run::seconds).max().orElse(0);
        return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)%s", m, min, max, failures);
    }

    private static String ratio(Double a, Double b) {
        return a == null || b == null || b == 0 ? "" : String.format(Locale.ROOT, "%.2fx", a / b);
    }

    /** The median of the good runs; null if there is none. */
    private static Double median(List<Run> runs) {
        double[] s = runs.stream().filter(Run::ok).mapToDouble(Run::seconds).sorted().toArray();
        if (s.length == 0) {
            return null;
        }
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
