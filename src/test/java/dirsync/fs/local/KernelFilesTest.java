package dirsync.fs.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader of small kernel files, against the real /proc and what {@code cat} and {@code sysctl} print. */
class KernelFilesTest {

    @TempDir
    Path dir;

    @Test
    void aNumericSysctlReadsWholeAsCatAndSysctlPrintIt() throws Exception {
        String read = KernelFiles.read(Path.of("/proc/sys/fs/inotify/max_user_watches"));

        assertThat(read).isEqualTo(output("cat", "/proc/sys/fs/inotify/max_user_watches"));
        assertThat(read.strip()).isEqualTo(output("sysctl", "-n", "fs.inotify.max_user_watches").strip());
    }

    @Test
    void theHostNameAndBootIdReadAsCatPrintsThem() throws Exception {
        for (String file : new String[] {"/proc/sys/kernel/hostname", "/proc/sys/kernel/random/boot_id"}) {
            assertThat(KernelFiles.read(Path.of(file))).as(file).isEqualTo(output("cat", file));
        }
    }

    @Test
    void anOrdinaryFileReadsWhole() throws IOException {
        String text = "line\n".repeat(4000);
        Path file = Files.writeString(dir.resolve("f"), text);

        assertThat(KernelFiles.read(file)).isEqualTo(text);
    }

    @Test
    void aFileLongerThan64KiBIsRefusedRatherThanCut() throws IOException {
        Path file = Files.write(dir.resolve("big"), new byte[KernelFiles.MOST + 1]);

        assertThatThrownBy(() -> KernelFiles.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a small kernel file");
    }

    private static String output(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command)).isZero();
        return out;
    }
}
