package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TimeZone;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written time of a log line against java.time's formatter of the same pattern: the same text. */
class LogTimeTest {

    @ParameterizedTest
    @ValueSource(strings = {"UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata", "Australia/Lord_Howe",
        "Pacific/Chatham", "Africa/Monrovia", "America/Sao_Paulo", "Etc/GMT+12"})
    void writesWhatThePatternWritesInTheZone(String zoneName) {
        TimeZone zone = TimeZone.getTimeZone(zoneName);
        DateTimeFormatter pattern = DateTimeFormatter.ofPattern(LogLineEncoder.TIME_FORMAT).withZone(zone.toZoneId());
        LogTime time = new LogTime(zone);
        SplittableRandom random = new SplittableRandom(7);
        // From 1950 (Monrovia's offset of -0:44:30 until 1972) to 2100, and the same second again (its text kept).
        long from = Instant.parse("1950-01-01T00:00:00Z").toEpochMilli();
        long to = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
        for (int i = 0; i < 20_000; i++) {
            long millis = random.nextLong(from, to);
            assertThat(time.format(millis)).isEqualTo(pattern.format(Instant.ofEpochMilli(millis)));
            long sameSecond = millis - Math.floorMod(millis, 1000) + random.nextInt(1000);
            assertThat(time.format(sameSecond)).isEqualTo(pattern.format(Instant.ofEpochMilli(sameSecond)));
        }
        // Each side of a change to summer time and back, a millisecond apart.
        for (long change : new long[] {Instant.parse("2026-03-29T01:00:00Z").toEpochMilli(),
            Instant.parse("2026-10-25T01:00:00Z").toEpochMilli(), 0L}) {
            for (long millis = change - 1001; millis <= change + 1001; millis++) {
                assertThat(time.format(millis)).isEqualTo(pattern.format(Instant.ofEpochMilli(millis)));
            }
        }
    }

    @Test
    void threadsFormattingAtOnceEachGetTheirOwnTime() throws Exception {
        // The file appender encodes a line on the thread that logs it: copier threads log at once.
        TimeZone zone = TimeZone.getTimeZone("America/St_Johns");
        DateTimeFormatter pattern = DateTimeFormatter.ofPattern(LogLineEncoder.TIME_FORMAT).withZone(zone.toZoneId());
        LogTime time = new LogTime(zone);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> checked = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                checked.add(threads.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    long base = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
                    for (int i = 0; i < 50_000; i++) {
                        long millis = base + random.nextLong(3_600_000L * 24 * 180); // summer and winter
                        assertThat(time.format(millis)).isEqualTo(pattern.format(Instant.ofEpochMilli(millis)));
                    }
                    return 50_000;
                }));
            }
            for (Future<Integer> each : checked) {
                assertThat(each.get()).isEqualTo(50_000);
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
