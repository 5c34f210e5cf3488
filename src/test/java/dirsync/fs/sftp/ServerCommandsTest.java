package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe of what commands a server runs, and the find it then holds for the first pass: one command, here run
 * through this machine's own sh, as sshd runs a command.
 */
class ServerCommandsTest {

    @TempDir
    Path root;

    /** What a run of {@code command} by sh says of the server, and all it printed after that, given {@code input}. */
    private record Run(Optional<ServerCommands> offered, byte[] after, int exitStatus) {
    }

    private static Run runHere(String command, String input) throws Exception {
        Process sh = new ProcessBuilder("/bin/sh", "-c", command).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        sh.getOutputStream().write(input.getBytes(StandardCharsets.US_ASCII));
        sh.getOutputStream().close();
        InputStream out = sh.getInputStream();
        Optional<ServerCommands> offered = ServerCommands.readProbe(out);
        byte[] after = out.readAllBytes();
        assertThat(sh.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(offered, after, sh.exitValue());
    }

    @Test
    void gnuFindAndTheHashingLoopAreFoundOnDebianAndTheFindListsTheReplicaOnItsGo() throws Exception {
        Files.writeString(root.resolve("a file"), "x");

        Run run = runHere(ServerCommands.probeThenFind(root.toString()), "go\n");

        assertThat(run.offered()).contains(new ServerCommands(true, true, true));
        RemoteFind.Parsed parsed = RemoteFind.parse(new java.io.ByteArrayInputStream(run.after()), 1 << 20);
        assertThat(parsed.status()).as("find's exit status, in the record after its own").isZero();
        TreeSnapshot listed = parsed.snapshot().orElseThrow();
        assertThat(listed.take("").orElseThrow()).extracting(raw -> new String(raw.name(), StandardCharsets.UTF_8))
                .isEqualTo(List.of("a file"));
    }

    @Test
    void withoutItsGoTheFindNeverRuns() throws Exception {
        Files.writeString(root.resolve("a file"), "x");

        Run run = runHere(ServerCommands.probeThenFind(root.toString()), "");

        assertThat(run.offered()).contains(new ServerCommands(true, true, true));
        assertThat(run.after()).isEmpty();
        assertThat(run.exitStatus()).isNotZero();
    }

    @Test
    void aFindWithoutPrintfIsNotUsedWhileTheHashingLoopIs() throws Exception {
        String noPrintf = ServerCommands.probeThenFind(root.toString())
                .replace("find / -maxdepth 0 -printf", "find / -maxdepth 0 -fprintf");

        assertThat(runHere(noPrintf, "").offered()).contains(new ServerCommands(false, true, true));
    }

    @Test
    void aSyncThatCannotRunIsNotOfferedWhileTheRestIs() throws Exception {
        String noSyncF = ServerCommands.probeThenFind(root.toString())
                .replace("sync -f /dev/null", "sync --no-such-option /dev/null");

        assertThat(runHere(noSyncF, "").offered()).contains(new ServerCommands(true, true, false));
    }

    @Test
    void aHeadThatReadsPastItsCountIsCaught() throws Exception {
        String greedyHead = ServerCommands.probeThenFind(root.toString()).replace("head -c \"$n\"", "cat");

        assertThat(runHere(greedyHead, "").offered().orElseThrow().hashStream()).isFalse();
    }

    @Test
    void anOutputWithoutTheProbesEndSaysNothingOfTheServer() throws Exception {
        assertThat(runHere("echo this server prints its banner instead", "").offered()).isEmpty();
    }

    @Test
    void onceItsFindIsDoneTheCommandHashesTheBatchesThatFollowItsGo() throws Exception {
        Path file = Files.writeString(root.resolve("a file"), "x");
        byte[] batch = HashBatch.frame(List.of(file.toString().getBytes(StandardCharsets.UTF_8)));

        Run run = runHere(ServerCommands.probeThenFind(root.toString()),
                "go\n" + new String(batch, StandardCharsets.ISO_8859_1));

        String after = new String(run.after(), StandardCharsets.ISO_8859_1);
        String hashed = after.substring(after.indexOf(RemoteFind.FOUND + "0\0\0\0") + RemoteFind.FOUND.length() + 4);
        assertThat(hashed).startsWith("9dd4e461268c8034f5c8564e155c67a6 *" + file + "\0"); // md5 of "x"
        assertThat(run.exitStatus()).isZero();
    }
}
