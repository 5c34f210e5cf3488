package watchbench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the benchmark reads of processes and of the machine in /proc: CPU ticks, memory, inotify watches, load. */
final class Proc {

    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

    private Proc() {
    }

    /** CPU ticks of the child, of this process, and of the whole machine (busy), at one moment. */
    record Cpu(long wallNs, long childTicks, long selfTicks, long machineBusyTicks) {
        static Cpu now(long pid) throws IOException {
            return new Cpu(System.nanoTime(), processTicks(String.valueOf(pid)), processTicks("self"), machineBusy());
        }

        double selfCores(Cpu earlier, long clkTck) {
            return (selfTicks - earlier.selfTicks) / (double) clkTck / ((wallNs - earlier.wallNs) / 1e9);
        }

        /** Cores used by everything but the child and this benchmark between {@code earlier} and this. */
        double othersCores(Cpu earlier, long clkTck) {
            long others = (machineBusyTicks - earlier.machineBusyTicks) - (childTicks - earlier.childTicks)
                    - (selfTicks - earlier.selfTicks);
            return Math.max(0, others) / (double) clkTck / ((wallNs - earlier.wallNs) / 1e9);
        }
    }

    /** utime + stime of a process, fields 14 and 15 of /proc/PID/stat (after the command name in parentheses). */
    static long processTicks(String pid) throws IOException {
        String s = Files.readString(Path.of("/proc", pid, "stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** The machine's busy ticks: the first line of /proc/stat without idle and iowait. */
    static long machineBusy() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(f[i]);
            }
        }
        return busy;
    }

    static Map<String, Long> procStatus(long pid) throws IOException {
        Map<String, Long> m = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String[] v = line.substring(colon + 1).trim().split("\\s+");
            try {
                m.put(line.substring(0, colon), Long.parseLong(v[0]));
            } catch (NumberFormatException e) {
                // not a number (Name, State, ...)
            }
        }
        return m;
    }

    /** The inotify watches a process holds: "inotify wd:" lines in the fdinfo of its inotify descriptors. */
    static int inotifyWatches(long pid) throws IOException {
        int watches = 0;
        Path fds = Path.of("/proc", String.valueOf(pid), "fd");
        try (var s = Files.list(fds)) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                try {
                    if (!Files.readSymbolicLink(fd).toString().equals("anon_inode:inotify")) {
                        continue;
                    }
                    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "fdinfo",
                            fd.getFileName().toString()))) {
                        if (line.startsWith("inotify wd:")) {
                            watches++;
                        }
                    }
                } catch (IOException e) {
                    // the descriptor closed meanwhile
                }
            }
        }
        return watches;
    }

    /** The heap in use from GC.heap_info: the sum of "total NK, used NK" (one line for G1, one a generation else). */
    static long heapUsedKb(String heapInfo) {
        if (heapInfo == null) {
            return -1;
        }
        Matcher m = HEAP_USED.matcher(heapInfo);
        long used = 0;
        boolean any = false;
        while (m.find()) {
            used += Long.parseLong(m.group(1));
            any = true;
        }
        return any ? used : -1;
    }

    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "";
        }
    }

    static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | InterruptedException | NumberFormatException e) {
            // fall through
        }
        return 100;
    }
}
