package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.CuttingRelay;
import dirsync.testing.OpenSshServer;
import dirsync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A dry run with its replica on a real OpenSSH server compares contents as a real pass does: where the server runs
 * commands, the replica's files are hashed there and never cross the connection. Counted by what crosses it: a
 * {@link CuttingRelay} (that never cuts) between dirsync and sshd counts the bytes the server sends.
 */
class SftpDryRunIT {

    private static final Duration ONE_PASS = Duration.ofSeconds(120);
    private static final int BIG_FILES = 6;
    private static final int SMALL_FILES = 40;
    private static final int BIG = 1 << 20;
    private static final int SMALL = 16 << 10;
    /** What the replica's files hold together: a dry run that read them would receive at least this much. */
    private static final long REPLICA_BYTES = (long) BIG_FILES * BIG + (long) SMALL_FILES * SMALL;

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @RegisterExtension
    final OpenSshServer sshd = new OpenSshServer();

    /** A server that runs no command: SFTP alone, so files are read over SFTP to hash them. */
    @RegisterExtension
    final OpenSshServer sftpOnly = new OpenSshServer().withConfig("ForceCommand internal-sftp");

    private Path remote() {
        return jar.tmp().resolve("remote/replica");
    }

    /**
     * The source, and a replica with the same names, sizes, times and modes but other content in every file: only
     * the hashes of both sides can tell each pair apart, so the pass hashes every replica file.
     */
    private void layOut() throws Exception {
        Instant time = Instant.parse("2025-02-03T04:05:06Z");
        for (int i = 0; i < BIG_FILES + SMALL_FILES; i++) {
            String name = (i < BIG_FILES ? "big/" : "small/") + "f" + i;
            int size = i < BIG_FILES ? BIG : SMALL;
            for (Path root : new Path[] {jar.source(), remote()}) {
                Path file = root.resolve(name);
                Files.createDirectories(file.getParent());
                Files.write(file, KillTrees.content(root.equals(remote()) ? 'R' : 'S', name, size),
                        StandardOpenOption.CREATE_NEW);
                Files.setLastModifiedTime(file, FileTime.from(time));
            }
        }
    }

    /** A --once --dry-run, no hash memory, through a relay to {@code server}; the bytes the server sent. */
    private long dryRunReceived(OpenSshServer server) throws Exception {
        layOut();
        Map<String, String> before = Trees.snapshot(jar.tmp().resolve("remote"));
        try (CuttingRelay relay = CuttingRelay.to(server.port(), CuttingRelay.NEVER)) {
            Path knownHosts = jar.tmp().resolve("known_hosts");
            String line = server.knownHostsLine();
            Files.writeString(knownHosts, "[" + OpenSshServer.ADDRESS + "]:" + relay.port()
                    + line.substring(line.indexOf(' ')) + "\n");
            String uri = "sftp://" + OpenSshServer.USER + "@" + OpenSshServer.ADDRESS + ":" + relay.port()
                    + remote().toAbsolutePath();
            JarRuns.Finished dry = jar.run("dry", ONE_PASS, jar.sync(jar.source(), uri, "1", jar.logFile(),
                    "--once", "--dry-run", "--no-hash-cache", "--ssh-key", server.clientKey().toString(),
                    "--known-hosts", knownHosts.toString()));
            assertThat(dry.exitCode()).as(dry.describe()).isZero();
            assertThat(JarRuns.lines(jar.logFile())).filteredOn(text -> text.contains("pass 1 finished")).last()
                    .asString().contains("(dry run) pass 1 finished: created=0 copied=0 updated="
                            + (BIG_FILES + SMALL_FILES) + " ");
            assertThat(Trees.snapshot(jar.tmp().resolve("remote"))).as("the replica after a dry run")
                    .isEqualTo(before);
            System.out.printf("SftpDryRunIT: a dry run over %d replica bytes received %d bytes from the server%s%n",
                    REPLICA_BYTES, relay.downstream(), server == sftpOnly ? " (SFTP alone)" : "");
            return relay.downstream();
        }
    }

    @Test
    void aDryRunHashesTheReplicaOnTheServerAndReceivesNoneOfItsFiles() throws Exception {
        long received = dryRunReceived(sshd);

        // The hashes, listings and the connection's start: a few KiB a file at most, not the files.
        assertThat(received).as("bytes the server sent in a dry run over %d bytes of replica files", REPLICA_BYTES)
                .isLessThan(REPLICA_BYTES / 4);
        assertThat(JarRuns.lines(jar.logFile())).anyMatch(text -> text.contains(
                "files are hashed on the server by md5sum, many files a command"));
    }

    /** The measure above can fail: where the server runs no command, the same dry run receives every file. */
    @Test
    void aDryRunOnAServerThatRunsNoCommandReadsTheReplicaFilesOverTheConnection() throws Exception {
        long received = dryRunReceived(sftpOnly);

        assertThat(received).as("bytes the server sent in a dry run over %d bytes of replica files", REPLICA_BYTES)
                .isGreaterThanOrEqualTo(REPLICA_BYTES);
        assertThat(JarRuns.lines(jar.logFile())).anyMatch(text -> text.contains("the replica is listed with one"
                + " READDIR a directory, files are read over SFTP to hash them (the server runs no md5sum), copies are"
                + " made durable by fsync@openssh.com, one file a request"));
    }
}
