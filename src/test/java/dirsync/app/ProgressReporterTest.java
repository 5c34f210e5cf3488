package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whether the console may show a live progress line: what standard output is, as /proc links it. */
class ProgressReporterTest {

    @TempDir
    Path dir;

    @Test
    void aPipeASocketAFileAndDevNullAreNoTerminal() throws IOException {
        for (String target : new String[] {"pipe:[4711]", "socket:[815]", "/var/log/dirsync.log", "/dev/null"}) {
            Path link = Files.createSymbolicLink(dir.resolve("fd" + Math.abs(target.hashCode())), Path.of(target));
            assertThat(ProgressReporter.mayBeATerminal(link)).as(target).isFalse();
        }
    }

    @Test
    void aDeviceMayBeATerminalAndIsLeftToTheConsoleToTell() throws IOException {
        for (String target : new String[] {"/dev/pts/3", "/dev/tty1", "/dev/console"}) {
            Path link = Files.createSymbolicLink(dir.resolve(target.replace('/', '_')), Path.of(target));
            assertThat(ProgressReporter.mayBeATerminal(link)).as(target).isTrue();
        }
    }

    @Test
    void whatCannotBeReadAsALinkIsLeftToTheConsoleToTell() {
        assertThat(ProgressReporter.mayBeATerminal(dir.resolve("no such link"))).isTrue();
    }
}
