package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.Trees;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * LOG_FILE on a file system that is full: a tmpfs of 64 KB mounted in the test's directory (root only) and
 * filled up. The log file exists, empty, before the disk fills, as a service's log does: opening it works,
 * appending to it does not.
 */
class LogWriteFailureIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String CANNOT_WRITE = "dirsync: cannot write log file '";

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    private Path disk;
    private boolean mounted;

    @BeforeEach
    void mountAFullFileSystem() throws Exception {
        Assumptions.assumeTrue(((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0,
                "only root can mount the small file system these tests fill up");
        disk = Files.createDirectories(jar.tmp().resolve("disk"));
        JarRuns.Finished mount = jar.run("mount", TIMEOUT,
                List.of("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk.toString()));
        Assumptions.assumeTrue(mount.exitCode() == 0, () -> "cannot mount a tmpfs here: " + mount.describe());
        mounted = true;
        Files.createFile(log());
        fill(disk.resolve("filler"));
    }

    /** Before the fixture deletes the directory; lazily, as a dirsync a failed test left may hold the log open. */
    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            JarRuns.Finished umount = jar.run("umount", TIMEOUT, List.of("umount", "-l", disk.toString()));
            assertThat(umount.exitCode()).as(umount.describe()).isZero();
        }
    }

    @Test
    void onceWithALogThatCannotBeWrittenSaysSoOnceOnStderrShowsItInTheStatusFileAndExits1() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha").file("sub/b.txt", "beta");
        Path status = jar.tmp().resolve("dirsync.prom");

        JarRuns.Finished run = jar.run("once", TIMEOUT, jar.sync(jar.source(), jar.replica(), "1", log(), "--once",
                "--status-file", status.toString()));

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
        assertThat(run.stdout()).as("the pass itself went well").contains("pass 1 finished", "errors=0");
        assertThat(run.stderr().lines().filter(line -> line.contains("cannot write log file")).toList())
                .as(run.describe())
                .containsExactly(CANNOT_WRITE + log() + "': No space left on device; going on without it, and "
                        + "trying again with each new line");
        assertThat(Files.readString(status)).as(run.describe())
                .containsPattern("(?m)^dirsync_log_writable\\{replica=\"[^\"]*\"} 0$")
                .containsPattern("(?m)^dirsync_log_write_failures\\{replica=\"[^\"]*\"} [1-9][0-9]*$");
        assertThat(Files.size(log())).as(run.describe()).isZero();
        assertThat(Trees.snapshot(jar.replica())).isEqualTo(Trees.snapshot(jar.source()));
    }

    @Test
    void whenSpaceComesBackThePeriodicLogGoesOnAfterANoteOfTheMissingLines() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha");
        JarRuns.Running dirsync = jar.start("periodic", jar.sync(jar.source(), jar.replica(), "1", log()));
        JarRuns.await(TIMEOUT, "the failure on stderr", () -> dirsync.stderr().contains(CANNOT_WRITE),
                dirsync::describe);

        Files.delete(disk.resolve("filler"));
        JarRuns.await(TIMEOUT, "a pass's line after the note in the log file",
                () -> JarRuns.readString(log()).matches("(?s).* WARN  the log file can be written again; \\d+ lines? "
                        + "could not be written before this one \\(No space left on device\\)\n.* INFO  pass \\d+ "
                        + "finished: .*"),
                () -> dirsync.describe() + "\n--- log ---\n" + JarRuns.readString(log()));
        dirsync.process().destroy(); // SIGTERM
        JarRuns.Finished stopped = dirsync.awaitExit(TIMEOUT);

        assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
        List<String> log = JarRuns.lines(log());
        assertThat(log.get(0)).as("the note is the first line").contains(" WARN  the log file can be written again;");
        assertThat(log.get(log.size() - 1)).as(stopped.describe()).endsWith(" dirsync stopped");
        assertThat(stopped.stderr().lines().toList()).as(stopped.describe()).satisfiesExactly(
                failed -> assertThat(failed).startsWith(CANNOT_WRITE + log() + "': No space left on device;"),
                back -> assertThat(back).matches("dirsync: log file '" + Pattern.quote(log().toString())
                        + "' can be written again; \\d+ lines? could not be written"));
    }

    private Path log() {
        return disk.resolve("dirsync.log");
    }

    /** Writes {@code file} until the file system has no space left. */
    private static void fill(Path file) throws IOException {
        byte[] block = "full".repeat(1024).getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (!"No space left on device".equals(full.getMessage())) {
                throw full;
            }
        }
    }
}
