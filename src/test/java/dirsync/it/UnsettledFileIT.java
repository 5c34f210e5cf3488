package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.AppendOnOpen;
import dirsync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A log that its writer appends to all the time, mirrored by --once runs from cron: each copy finds it changed, so it
 * is never installed, and the third run in a row says so, fails, and shows in the status file.
 *
 * <p>Why it cannot flake: the writer is not a loop racing the copies but {@link AppendOnOpen}, which appends a line
 * each time any process opens the file, before the kernel lets that open return. dirsync examines the file, then
 * opens it to copy it; the open waits for the append; so every copy reads a file that has grown since it was
 * examined, and the check after the copy finds another size, on any machine under any load. Nothing else in a
 * run opens the file before that check.
 */
class UnsettledFileIT {

    private static final Duration RUN_DEADLINE = Duration.ofSeconds(60);
    private static final Pattern GAUGE = Pattern.compile("(?m)^dirsync_unsettled_files\\{[^}]*} (\\d+)$");

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @Test
    void aLogWrittenDuringEveryCopyFailsTheThirdOnceRunWithItsReasonAndItsGauge() throws Exception {
        Path appLog = Files.writeString(jar.source().resolve("app.log"), "line 1\n");
        Trees.at(jar.source()).file("notes.txt", "settled");
        Path state = Files.createDirectories(jar.tmp().resolve("state")); // where the runs keep their counts
        Path status = jar.tmp().resolve("dirsync.prom");
        jar.launchWith(List.of(DirsyncJar.java(), "-Djava.io.tmpdir=" + state, "-jar", DirsyncJar.jarFile().toString()));
        List<JarRuns.Finished> runs = new ArrayList<>();
        List<String> gauges = new ArrayList<>();
        try (AppendOnOpen writer = AppendOnOpen.start(appLog)) {
            for (int run = 1; run <= 3; run++) {
                runs.add(jar.run("once", RUN_DEADLINE, jar.once("--status-file", status.toString())));
                gauges.add(gauge(status));
            }
        }
        String described = runs.stream().map(JarRuns.Finished::describe).collect(Collectors.joining("\n\n"));

        assertThat(runs).extracting(JarRuns.Finished::exitCode).as(described).containsExactly(0, 0, 1);
        assertThat(gauges).as(described).containsExactly("0", "0", "1");
        assertThat(JarRuns.lines(jar.logFile())).as(described)
                .filteredOn(line -> line.contains("app.log") && line.contains(" ERROR "))
                .singleElement().asString()
                .endsWith(" ERROR changed during its copy in 3 passes in a row, not copied: app.log (source "
                        + "changed while it was copied; the replica has no copy of its current content: exclude it "
                        + "(--exclude), let dirsync copy it as read (--copy-unsettled), or stop its writer or copy it "
                        + "from a snapshot)");
        assertThat(runs.get(2).stdout()).as(described).contains("pass 1 finished:", "changing=0 errors=1");
        assertThat(jar.replica().resolve("app.log")).doesNotExist();
        assertThat(jar.replica().resolve("notes.txt")).hasContent("settled");
    }

    /** The status file's count of files that have not settled. */
    private static String gauge(Path status) {
        Matcher matcher = GAUGE.matcher(JarRuns.readString(status));
        return matcher.find() ? matcher.group(1) : "(none in " + status + ")";
    }
}
