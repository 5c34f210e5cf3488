package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Who holds a remote lock: this host and boot as the kernel names them, and this process. */
class LockHolderTest {

    @Test
    void theHolderIsThisHostThisBootAndThisProcessAsCatPrintsThem() throws Exception {
        String host = cat("/proc/sys/kernel/hostname");
        String boot = cat("/proc/sys/kernel/random/boot_id");

        assertThat(RemoteRun.Holder.thisProcess())
                .isEqualTo("host " + host + " boot " + boot + " pid " + ProcessHandle.current().pid());
    }

    private static String cat(String file) throws Exception {
        Process cat = new ProcessBuilder("cat", file).start();
        String text = new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(cat.waitFor()).isZero();
        return text;
    }
}
