package dirsync.fs;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counters of the pass in progress, written by the pass and read by whoever reports progress (another
 * thread): entries examined, bytes hashed, bytes copied.
 */
public final class Progress {

    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong hashed = new AtomicLong();
    private final AtomicLong copied = new AtomicLong();
    private volatile long startedNanos = System.nanoTime();

    public void restart() {
        entries.set(0);
        hashed.set(0);
        copied.set(0);
        startedNanos = System.nanoTime();
    }

    public void examined(long count) {
        entries.addAndGet(count);
    }

    public void hashed(long bytes) {
        hashed.addAndGet(bytes);
    }

    public void copied(long bytes) {
        copied.addAndGet(bytes);
    }

    /** One consistent-enough reading of the counters. */
    public Snapshot snapshot() {
        return new Snapshot(entries.get(), hashed.get(), copied.get(), System.nanoTime() - startedNanos);
    }

    public record Snapshot(long entries, long bytesHashed, long bytesCopied, long elapsedNanos) {

        /** E.g. "12,345 entries checked, 1.2 GiB hashed, 300.0 MiB copied, 95.3 MiB/s, 14 s" ("1 entry"). */
        public String describe() {
            double seconds = elapsedNanos / 1e9;
            double rate = seconds > 0 ? (bytesHashed + bytesCopied) / seconds : 0;
            return String.format(java.util.Locale.ROOT, "%,d %s checked, %s hashed, %s copied, %s/s, %d s",
                    entries, Counts.noun(entries, "entry", "entries"), bytes(bytesHashed), bytes(bytesCopied),
                    bytes((long) rate), (long) seconds);
        }

        static String bytes(long count) {
            if (count < 1024) {
                return count + " B";
            }
            String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
            double value = count;
            int unit = -1;
            while (value >= 1024 && unit < units.length - 1) {
                value /= 1024;
                unit++;
            }
            return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
        }
    }
}
