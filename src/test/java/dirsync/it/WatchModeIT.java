package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.Eventually;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Watch mode from the built jar: with an interval of an hour, so that only the watch can bring changes over, a
 * writer changes the source ten times a second for 30 seconds, and the replica catches up after it stops, with no
 * full pass but the first; SIGTERM then ends the process with exit code 0.
 */
class WatchModeIT {

    private static final Duration WRITING = Duration.ofSeconds(30);
    private static final int CHANGES_PER_SECOND = 10;
    /** A bound on a hang, not a measure of speed: the watch's delay is a second, CI's machine may be loaded. */
    private static final Duration CATCH_UP = Duration.ofSeconds(60);

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @Test
    void aReplicaCatchesUpByTheWatchAloneAfterAWriterStops() throws Exception {
        Trees.Builder source = Trees.at(jar.source());
        for (int i = 0; i < 20; i++) {
            source.file("dir" + (i % 5) + "/file" + i, "initial " + i);
        }
        Path status = jar.tmp().resolve("status.prom");
        JarRuns.Running dirsync = jar.start("watch", jar.periodic(3600, "--watch", "--status-file",
                status.toString()));
        JarRuns.await(Duration.ofSeconds(20), "the first pass to finish",
                () -> JarRuns.readString(jar.logFile()).contains("pass 1 finished"), dirsync::describe);

        int changes = write(jar.source(), new Random(11));
        Eventually.within(CATCH_UP, "the replica to catch up after " + changes + " changes",
                () -> Trees.assertSameTree(jar.source(), jar.replica()), dirsync::describe);

        dirsync.process().destroy(); // SIGTERM
        JarRuns.Finished stopped = dirsync.awaitExit(Duration.ofSeconds(10));

        assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
        List<String> log = JarRuns.lines(jar.logFile());
        assertThat(log).as("no full pass but the first").filteredOn(line -> line.contains(" pass ")
                && line.contains(" finished: ")).hasSize(1);
        assertThat(log).anyMatch(line -> line.contains("changes in "));
        assertThat(log.get(log.size() - 1)).endsWith(" dirsync stopped");
        assertThat(JarRuns.readString(status)).contains("dirsync_last_event_pass_start_time_seconds");
        Trees.assertSameTree(jar.source(), jar.replica());
    }

    /** Ten changes a second for 30 s: new files, rewrites, deletions, new directories and renames. */
    private static int write(Path source, Random random) throws IOException, InterruptedException {
        long period = 1_000_000_000L / CHANGES_PER_SECOND;
        long start = System.nanoTime();
        long end = start + WRITING.toNanos();
        int count = 0;
        List<Path> files = new ArrayList<>();
        try (var listing = Files.walk(source)) {
            listing.filter(Files::isRegularFile).forEach(files::add);
        }
        while (System.nanoTime() < end) {
            Path dir = source.resolve("dir" + random.nextInt(8));
            Files.createDirectories(dir);
            switch (random.nextInt(5)) {
                case 0, 1 -> {
                    Path file = dir.resolve("new" + count);
                    Files.writeString(file, "written at change " + count);
                    files.add(file);
                }
                case 2 -> {
                    if (!files.isEmpty()) {
                        Path file = files.get(random.nextInt(files.size()));
                        Files.writeString(file, "rewritten at change " + count + " " + "x".repeat(random.nextInt(50)));
                    }
                }
                case 3 -> {
                    if (!files.isEmpty()) {
                        Files.deleteIfExists(files.remove(random.nextInt(files.size())));
                    }
                }
                default -> {
                    Path sub = Files.createDirectories(dir.resolve("sub" + count));
                    Path file = sub.resolve("inside");
                    Files.writeString(file, "made with its directory " + count);
                    Path renamed = dir.resolve("renamed" + count);
                    Files.move(sub, renamed);
                    files.add(renamed.resolve("inside"));
                }
            }
            count++;
            long next = start + count * period;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        return count;
    }
}
