package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The probe of what commands a server runs, here through this machine's own sh, as sshd runs a command. */
class ServerCommandsTest {

    private static String probeHere(String command) throws Exception {
        Process sh = new ProcessBuilder("/bin/sh", "-c", command).start();
        byte[] frame = HashStream.batch(java.util.List.of("/dev/null".getBytes(StandardCharsets.US_ASCII)));
        sh.getOutputStream().write(frame);
        sh.getOutputStream().write(frame);
        sh.getOutputStream().close();
        String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        sh.waitFor(Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return out;
    }

    @Test
    void gnuFindAndTheHashingLoopAreFoundOnDebian() throws Exception {
        assertThat(ServerCommands.read(probeHere(ServerCommands.PROBE))).isEqualTo(new ServerCommands(true, true));
    }

    @Test
    void aFindWithoutPrintfIsNotUsedWhileTheHashingLoopIs() throws Exception {
        String noPrintf = ServerCommands.PROBE.replace("find / -maxdepth 0 -printf", "find / -maxdepth 0 -fprintf");

        assertThat(ServerCommands.read(probeHere(noPrintf))).isEqualTo(new ServerCommands(false, true));
    }

    @Test
    void aHeadThatReadsPastItsCountIsCaught() throws Exception {
        String greedyHead = ServerCommands.PROBE.replace("head -c \"$n\"", "cat");

        assertThat(ServerCommands.read(probeHere(greedyHead)).hashStream()).isFalse();
    }
}
