package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.sync.Operation;
import dirsync.sync.PassSummary;
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
        StatusFile status = new StatusFile(file, Path.of("/srv/replica"));

        status.record(new PassSummary(first, Map.of(Operation.COPIED, 2L), 9, Duration.ofMillis(1500), true));
        status.record(new PassSummary(second, Map.of(Operation.ERROR, 1L), 0, Duration.ofMillis(20), true));

        String text = Files.readString(file);
        assertThat(text).contains("dirsync_last_pass_start_time_seconds{replica=\"/srv/replica\"} 1741068000.000\n",
                "dirsync_last_success_time_seconds{replica=\"/srv/replica\"} 1741064767.250\n",
                "dirsync_last_pass_errors{replica=\"/srv/replica\"} 1\n");
        assertThat(new StatusFile(file, Path.of("/srv/replica"))).as("a later run reads the last success back")
                .satisfies(later -> {
                    later.record(new PassSummary(second, Map.of(), 0, Duration.ZERO, false));
                    assertThat(Files.readString(file))
                            .contains("dirsync_last_success_time_seconds{replica=\"/srv/replica\"} 1741064767.250\n");
                });
    }
}
