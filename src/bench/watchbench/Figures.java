package watchbench;

import java.util.List;
import java.util.Locale;

/** How the benchmark writes its figures: numbers in the table and the CSV, percentiles of sorted latencies. */
final class Figures {

    private Figures() {
    }

    static String csvText(String s) {
        return s.replace(',', ';').replace('\n', ' ');
    }

    /** Nearest-rank percentile of a sorted list. */
    static double pct(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static double max(List<Double> sorted) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1);
    }

    static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }

    static String fmt2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v)
                .replaceAll("0+$", "");
    }
}
