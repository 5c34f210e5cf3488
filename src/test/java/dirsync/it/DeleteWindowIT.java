package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code --watch --max-delete} from the built jar, against an {@code rm -rf} that arrives in bursts: once a
 * burst is refused, no later burst gets a deletion through within the hour, however small it is. Each burst
 * ends by writing a marker file beside what it deleted; the test waits for the summary line of the pass that
 * copied it, so every check follows a pass that has seen the burst, and no check rests on time alone.
 */
class DeleteWindowIT {

    private static final int MAX_DELETE = 20;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @Test
    void afterTheFirstRefusalNoBurstOfAnRmRfGetsADeletionThrough() throws Exception {
        Trees.Builder source = Trees.at(jar.source());
        for (int d = 0; d < 4; d++) {
            for (int i = 0; i < 50; i++) {
                source.file("d" + d + "/f" + i, "file " + i + " of d" + d);
            }
        }
        JarRuns.Running dirsync = jar.start("watch", jar.periodic(3600, "--watch", "--watch-delay", "0.5",
                "--max-delete", String.valueOf(MAX_DELETE)));
        JarRuns.await(PATIENCE, "the first pass to finish",
                () -> JarRuns.readString(jar.logFile()).contains("pass 1 finished"), dirsync::describe);
        List<Path> deleted = new ArrayList<>();

        deleted.addAll(firstBurst(dirsync)); // 51 entries with d0 itself: refused
        deleted.addAll(burst(dirsync, "d1", 10, "d1/marker-2")); // 10 alone would be within 20
        deleted.addAll(burst(dirsync, "d2", 5, "d2/marker-3"));
        deleted.addAll(burst(dirsync, "d3", 50, "marker-4"));

        List<String> log = JarRuns.lines(jar.logFile());
        assertThat(log).as("no deletion at all").noneMatch(line -> line.contains(" INFO  deleted "));
        assertThat(log).filteredOn(line -> line.contains(
                        "ERROR deleted nothing in the replica this pass: it would delete "))
                .as("each refused pass says so").hasSizeGreaterThanOrEqualTo(4);
        assertThat(deleted).hasSize(115).allSatisfy(path -> assertThat(jar.replica().resolve(path)).exists());
        dirsync.process().destroy();
        assertThat(dirsync.awaitExit(Duration.ofSeconds(20)).exitCode()).isZero();
    }

    /**
     * Moves {@code d0} out of the source, so that the first pass sees all of it gone at once (an rm -rf's own
     * first burst could be split between two passes on a loaded machine, and a first part within the limit
     * would rightly be deleted), writes a marker, and waits for the pass that copied the marker.
     */
    private List<Path> firstBurst(JarRuns.Running dirsync) throws IOException {
        Files.move(jar.source().resolve("d0"), jar.tmp().resolve("d0-moved-away"));
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            files.add(Path.of("d0", "f" + i));
        }
        return awaitPass(dirsync, files, "marker-1");
    }

    /**
     * Deletes {@code count} files of {@code dir} (all of them and the directory itself if {@code count} is 50),
     * writes {@code marker}, and waits for the summary of the pass that copied the marker, which must report
     * the refusal as an error. Returns the deleted files.
     */
    private List<Path> burst(JarRuns.Running dirsync, String dir, int count, String marker) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path file = Path.of(dir, "f" + i);
            Files.delete(jar.source().resolve(file));
            files.add(file);
        }
        if (count == 50) {
            Files.delete(jar.source().resolve(dir));
        }
        return awaitPass(dirsync, files, marker);
    }

    /** Writes {@code marker}, waits for the pass that copied it, and checks that it refused its deletions. */
    private List<Path> awaitPass(JarRuns.Running dirsync, List<Path> files, String marker) throws IOException {
        Files.writeString(jar.source().resolve(marker), marker);
        JarRuns.await(PATIENCE, "the pass that copied " + marker, () -> summaryAfterCopy(marker) != null,
                dirsync::describe);
        assertThat(summaryAfterCopy(marker)).contains("errors=1");
        return files;
    }

    /** The summary line of the pass that copied {@code marker}, or null while that pass runs. */
    private String summaryAfterCopy(String marker) {
        List<String> log = JarRuns.lines(jar.logFile());
        boolean copied = false;
        for (String line : log) {
            copied |= line.contains("copied new file " + marker + " ");
            if (copied && line.contains(" changes in ") && line.contains(" duration=")) { // the whole line
                return line;
            }
        }
        return null;
    }
}
