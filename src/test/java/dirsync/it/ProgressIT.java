package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The live progress line: on an interactive terminal (a pty made by script(1)), and nowhere else. */
class ProgressIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @BeforeEach
    void setUp() throws IOException {
        // A replica copy of the same size but other content: the pass hashes both sides (~1.4 GB, over two
        // seconds at MD5's speed) and then copies, well past the first refresh of the live line.
        writeFilled(jar.source().resolve("big.bin"), (byte) 0);
        writeFilled(Files.createDirectories(jar.replica()).resolve("big.bin"), (byte) 1);
    }

    private static void writeFilled(Path file, byte fill) throws IOException {
        byte[] block = new byte[1 << 20];
        java.util.Arrays.fill(block, fill);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 700; i++) {
                out.write(block);
            }
        }
    }

    @Test
    void anInteractiveTerminalShowsALiveProgressLine() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script(1) from util-linux is needed");
        String command = jar.sync(jar.source(), jar.replica(), "60", jar.tmp().resolve("tty.log"), "--once")
                .stream().map(ProgressIT::quoted).collect(Collectors.joining(" "));

        JarRuns.Finished run = jar.run("tty", TIMEOUT, List.of("script", "-qec", command, "/dev/null"));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stdout()).as(run.describe())
                .containsPattern("\r\u001b\\[Kdirsync: 1 entry checked, .+ hashed, .+ copied, .+/s, \\d+ s")
                .contains("pass 1 finished");
        // The log file may hold the periodic "progress: ..." lines of a pass that a loaded machine made long, but
        // never the live line's terminal controls.
        String log = Files.readString(jar.tmp().resolve("tty.log"));
        assertThat(log).doesNotContain("\r", "\u001b");
        assertThat(log.lines().filter(line -> line.contains(" checked, ")))
                .allMatch(line -> line.contains(" progress: "));
    }

    @Test
    void aConsoleThatIsNotATerminalGetsNoProgressOutput() throws Exception {
        JarRuns.Finished run = jar.run("pipe", TIMEOUT,
                jar.sync(jar.source(), jar.replica(), "60", jar.tmp().resolve("pipe.log"), "--once"));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stdout()).as(run.describe()).contains("pass 1 finished").doesNotContain("\r", " checked, ");
    }

    private static String quoted(String argument) {
        return "'" + argument.replace("'", "'\\''") + "'";
    }
}
