package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.sync.Operation;
import dirsync.sync.PassSummary;
import dirsync.watch.SourceWatcher;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusFileTest {

    @TempDir
    Path temp;

    @Test
    void theStartTimeIsThePassSummarysAndOnlyASuccessfulPassMovesTheLastSuccess() throws Exception {
        Path file = temp.resolve("dirsync.prom");
        Instant first = Instant.parse("2025-03-04T05:06:07.250Z");
        Instant second = Instant.parse("2025-03-04T06:00:00Z");
        StatusFile status = new StatusFile(file, "/srv/replica");

        status.record(new PassSummary(first, Map.of(Operation.COPIED, 2L), 9, Duration.ofMillis(1500), true));
        status.record(new PassSummary(second, Map.of(Operation.ERROR, 1L), 0, Duration.ofMillis(20), true));

        String text = Files.readString(file);
        assertThat(text).contains("dirsync_last_pass_start_time_seconds{replica=\"/srv/replica\"} 1741068000.000\n",
                "dirsync_last_success_time_seconds{replica=\"/srv/replica\"} 1741064767.250\n",
                "dirsync_last_pass_errors{replica=\"/srv/replica\"} 1\n");
        assertThat(new StatusFile(file, "/srv/replica")).as("a later run reads the last success back")
                .satisfies(later -> {
                    later.record(new PassSummary(second, Map.of(), 0, Duration.ZERO, false));
                    assertThat(Files.readString(file))
                            .contains("dirsync_last_success_time_seconds{replica=\"/srv/replica\"} 1741064767.250\n");
                });
    }

    @Test
    void inWatchModeAnEventPassGivesItsTimeAndTheWatchsFiguresButNotTheLastSuccess() throws Exception {
        Path file = temp.resolve("dirsync.prom");
        Instant full = Instant.parse("2025-03-04T05:00:00Z");
        Instant event = Instant.parse("2025-03-04T05:10:00.500Z");
        StatusFile status = new StatusFile(file, "/r", () -> new SourceWatcher.Figures(584, 2, 7));

        status.record(new PassSummary(full, Map.of(), 0, Duration.ofMillis(200), true));
        status.recordPartial(new PassSummary(event, Map.of(Operation.COPIED, 1L), 5, Duration.ofMillis(3), true));

        assertThat(Files.readString(file)).contains(
                "dirsync_last_pass_start_time_seconds{replica=\"/r\"} 1741064400.000\n",
                "dirsync_last_success_time_seconds{replica=\"/r\"} 1741064400.000\n",
                "dirsync_last_event_pass_start_time_seconds{replica=\"/r\"} 1741065000.500\n",
                "dirsync_watched_directories{replica=\"/r\"} 584\n",
                "dirsync_unwatched_directories{replica=\"/r\"} 2\n",
                "dirsync_pending_events{replica=\"/r\"} 7\n");
    }

    @Test
    void theLogFilesFailedWritesAreInTheStatusFile() throws Exception {
        Path file = temp.resolve("dirsync.prom");
        LogWrites log = new LogWrites(new PrintWriter(new StringWriter()), "dirsync.log");
        StatusFile status = new StatusFile(file, "/r", null, log);
        status.record(new PassSummary(Instant.EPOCH, Map.of(), 0, Duration.ZERO, true));
        assertThat(Files.readString(file)).contains("dirsync_log_writable{replica=\"/r\"} 1\n",
                "dirsync_log_write_failures{replica=\"/r\"} 0\n");

        log.failed(new IOException("No space left on device"));
        log.failed(new IOException("No space left on device"));
        status.record(new PassSummary(Instant.EPOCH, Map.of(), 0, Duration.ZERO, true));

        assertThat(Files.readString(file)).contains("dirsync_log_writable{replica=\"/r\"} 0\n",
                "dirsync_log_write_failures{replica=\"/r\"} 2\n");
    }

    @Test
    void theFilesThatHaveNotSettledForThreePassesAreAGauge() throws Exception {
        Path file = temp.resolve("dirsync.prom");

        new StatusFile(file, "/r").record(new PassSummary(Instant.EPOCH, Map.of(Operation.ERROR, 2L), 0, Duration.ZERO,
                true, 2));

        assertThat(Files.readString(file)).contains("# TYPE dirsync_unsettled_files gauge\n",
                "dirsync_unsettled_files{replica=\"/r\"} 2\n");
    }

    @Test
    void withoutWatchModeThereAreNoWatchFigures() throws Exception {
        Path file = temp.resolve("dirsync.prom");

        new StatusFile(file, "/r").record(new PassSummary(Instant.EPOCH, Map.of(), 0, Duration.ZERO, true));

        assertThat(Files.readString(file)).doesNotContain("watched", "event_pass", "pending");
    }
}
