package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.OpenSshServer;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The jar against a real OpenSSH server that runs commands: the replica is listed and hashed in batches, so the
 * commands a pass starts on the server (each runs the user's shell) do not grow with the files, as counted in the
 * server's log.
 */
class SftpBatchIT {

    private static final Duration ONE_PASS = Duration.ofSeconds(120);
    /** Files from this size were hashed by a command each before batching. */
    private static final long LARGE = 16L << 20;

    @RegisterExtension
    final JarToOpenSsh sftp = new JarToOpenSsh();
    private final DirsyncJar jar = sftp.jar();
    private final OpenSshServer sshd = sftp.server();

    /** A no-change --once that hashes every pair (no hash memory); the commands the server started for it. */
    private long commandsOfANoChangePass(String label) throws Exception {
        Files.createDirectories(sftp.remote());
        copy(jar.source(), sftp.remote());
        long before = sshd.commandsStarted();
        JarRuns.Finished run = jar.run(label, ONE_PASS, sftp.once("--no-hash-cache"));
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(JarRuns.lines(jar.logFile())).filteredOn(line -> line.contains("pass 1 finished")).last()
                .asString().contains("created=0 copied=0 updated=0");
        return sshd.commandsStarted() - before;
    }

    /** The files {@code from} holds, copied to {@code to} as they are (times, modes; sparse files stay sparse). */
    private static void copy(Path from, Path to) throws Exception {
        Process cp = new ProcessBuilder("cp", "-a", "--sparse=always", from + "/.", to.toString()).inheritIO().start();
        assertThat(cp.waitFor()).as("cp -a").isZero();
    }

    /** {@code count} sparse files of 16 MiB and {@code dirs} directories of five small files more in the source. */
    private void addFiles(String prefix, int count, int dirs) throws IOException {
        for (int i = 0; i < count; i++) {
            try (FileChannel file = FileChannel.open(jar.source().resolve(prefix + "large" + i),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                file.write(ByteBuffer.wrap(new byte[] {(byte) i}), LARGE);
            }
        }
        Trees.Builder source = Trees.at(jar.source());
        for (int d = 0; d < dirs; d++) {
            for (int f = 0; f < 5; f++) {
                source.file(prefix + "dir" + d + "/file" + f, "content " + d + " " + f);
            }
        }
    }

    @Test
    void theCommandsOfANoChangePassDoNotGrowWithTheFiles() throws Exception {
        addFiles("a", 2, 3);
        long few = commandsOfANoChangePass("17 files in 4 directories");
        addFiles("b", 4, 27);
        long many = commandsOfANoChangePass("153 files in 31 directories");

        assertThat(many).as("commands started for a pass over 153 files, and over 17").isEqualTo(few);
        assertThat(few).as("the probe, the first find, then the hashing loop: one command").isEqualTo(1);
        assertThat(JarRuns.lines(jar.logFile())).anyMatch(line -> line.contains("connected to root@127.0.0.1:"
                + sshd.port() + ": the replica is listed by one find command a pass, files are hashed on the server"
                + " by md5sum, many files a command, copies are made durable by sync -f, many files a command (the"
                + " first and the large ones by fsync@openssh.com), hard links made with hardlink@openssh.com"));
    }

    /**
     * A pass that copies a few files (changed ones, as a pass after a few edits) makes each durable with an fsync on
     * its own requests and starts no sync command: as many commands as a pass that copies nothing. Before, it also
     * started a sync -f (the user's shell).
     */
    @Test
    void aPassOfAFewCopiesStartsNoSyncCommand() throws Exception {
        addFiles("a", 0, 4);
        long noChange = commandsOfANoChangePass("20 files, none changed");
        Trees.at(jar.source()).file("adir0/file0", "changed 0, longer").file("adir1/file1", "changed 1, longer")
                .file("adir2/new", "added");
        long before = sshd.commandsStarted();

        JarRuns.Finished run = jar.run("2 changed, 1 added", ONE_PASS, sftp.once("--no-hash-cache"));
        long changed = sshd.commandsStarted() - before;

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(JarRuns.lines(jar.logFile())).filteredOn(line -> line.contains("pass 1 finished")).last()
                .asString().contains("copied=1 updated=2");
        assertThat(Files.readString(sftp.remote().resolve("adir0/file0"))).isEqualTo("changed 0, longer");
        assertThat(changed).as("commands for a pass copying 3 files, and for one copying none").isEqualTo(noChange);
    }

    /**
     * A first copy of many files starts two commands, however many files and rounds of sync it takes: the
     * probe with its find, and the one sync loop of the connection, fed each round; one of a few files (each
     * installed alone, with its own fsync) starts the probe alone.
     */
    @Test
    void theCommandsOfAFirstCopyDoNotGrowWithTheFiles() throws Exception {
        addFiles("a", 0, 3);
        long few = commandsOfAFirstCopy("15 files in 3 directories");
        addFiles("b", 0, 240);
        long many = commandsOfAFirstCopy("1,215 files in 243 directories");

        assertThat(few).as("commands started for a first copy of 15 files").isEqualTo(1);
        assertThat(many).as("commands started for a first copy of 1,215 files").isEqualTo(2);
    }

    /** A first --once into an empty replica; the commands the server started for it. */
    private long commandsOfAFirstCopy(String label) throws Exception {
        if (Files.exists(sftp.remote())) {
            Trees.deleteRecursively(sftp.remote());
        }
        long before = sshd.commandsStarted();
        JarRuns.Finished run = jar.run(label, ONE_PASS, sftp.once());
        assertThat(run.exitCode()).as(run.describe()).isZero();
        Trees.assertSameTree(jar.source(), sftp.remote(), Trees.Detail.WHOLE_SECONDS);
        return sshd.commandsStarted() - before;
    }
}
