package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.Eventually;
import dirsync.testing.OpenSshServer;
import dirsync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The jar with its replica on a real OpenSSH server on 127.0.0.1, started by the test with its own host key and
 * an authorized_keys made for it: what a user does over SFTP, end to end.
 */
class SftpReplicaIT {

    private static final Duration ONE_PASS = Duration.ofSeconds(60);

    @RegisterExtension
    final JarToOpenSsh sftp = new JarToOpenSsh();
    private final DirsyncJar jar = sftp.jar();
    private final OpenSshServer sshd = sftp.server();

    /** dirsync --once with the test's key and known_hosts, and these options, to the server's replica. */
    private List<String> once(String... options) {
        return sftp.once(options);
    }

    private JarRuns.Finished run(String label, List<String> command) throws Exception {
        return jar.run(label, ONE_PASS, command);
    }

    @Test
    void aFirstCopyThenANoChangePassOverSftp() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha").file("docs/b.txt", "beta").dir("empty")
                .mode("docs/b.txt", "rw-r-----").link("link", "a.txt");

        JarRuns.Finished first = run("first", once());
        assertThat(first.exitCode()).as(first.describe()).isZero();
        Trees.assertSameTree(jar.source(), sftp.remote(), Trees.Detail.WHOLE_SECONDS);

        JarRuns.Finished second = run("second", once());
        assertThat(second.exitCode()).as(second.describe()).isZero();
        assertThat(JarRuns.lines(jar.logFile())).filteredOn(line -> line.contains("pass 1 finished")).last()
                .asString().contains("created=0 copied=0 updated=0");
        assertThat(JarRuns.lines(jar.logFile())).anyMatch(line -> line.contains("connected to root@127.0.0.1:"
                + sshd.port() + ": the replica is listed by one find command a pass, files are hashed on the server"
                + " by md5sum, many files a command"));
        assertThat(JarRuns.tempFiles(sftp.remote())).isEmpty();
        assertThat(sftp.lease()).as("released").doesNotExist();
    }

    @Test
    void theStartLineComesBeforeTheLinesOfTheConnectionAndTheHostKeyItAdded() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha");
        Path emptyKnownHosts = Files.createFile(jar.tmp().resolve("known_hosts"));
        List<String> command = once("--accept-new-host-key").stream().map(arg -> arg.equals(
                sshd.knownHosts().toString()) ? emptyKnownHosts.toString() : arg).toList();

        JarRuns.Finished first = run("first", command);

        assertThat(first.exitCode()).as(first.describe()).isZero();
        List<String> log = JarRuns.lines(jar.logFile());
        int started = indexOf(log, " started: source '");
        int added = indexOf(log, "added the host key of root@127.0.0.1:" + sshd.port());
        int connected = indexOf(log, "connected to root@127.0.0.1:" + sshd.port());
        assertThat(List.of(started, added, connected)).as(String.join("\n", log)).doesNotContain(-1);
        assertThat(started).as(String.join("\n", log)).isZero().isLessThan(added).isLessThan(connected);
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void anUnknownHostKeyIsRefusedBeforeAnythingIsSentWithItsFingerprint() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha");
        Path emptyKnownHosts = Files.createFile(jar.tmp().resolve("known_hosts"));
        List<String> command = once().stream().map(arg -> arg.equals(sshd.knownHosts().toString())
                ? emptyKnownHosts.toString() : arg).toList();

        JarRuns.Finished refused = run("refused", command);

        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(5);
        assertThat(refused.stderr().lines().toList()).singleElement().asString()
                .startsWith("dirsync: ").contains(sshd.hostKeyFingerprint(), "ssh-keyscan");
        assertThat(refused.stdout()).as("said once on the console: on stderr, not again as a log line").isEmpty();
        assertThat(JarRuns.lines(jar.logFile())).as("the log file keeps its line")
                .anyMatch(line -> line.contains("ERROR cannot use replica '") && line.contains("ssh-keyscan"));
        assertThat(jar.tmp().resolve("remote")).doesNotExist();
        assertThat(Files.readString(emptyKnownHosts)).isEmpty();
    }

    @Test
    void aKeyTheServerRefusesIsSaidOnceOnTheConsoleEvenQuietAndKeptInTheLog() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha");
        Path strangerKey = jar.tmp().resolve("stranger_ed25519");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", strangerKey.toString())
                .redirectErrorStream(true).start();
        assertThat(keygen.waitFor()).as("ssh-keygen").isZero();
        List<String> command = once("-q").stream().map(arg -> arg.equals(sshd.clientKey().toString())
                ? strangerKey.toString() : arg).toList();

        JarRuns.Finished refused = run("refused", command);

        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(5);
        assertThat(refused.stderr().lines().toList()).singleElement().asString().startsWith("dirsync: ");
        assertThat(refused.stdout()).isEmpty();
        assertThat(JarRuns.lines(jar.logFile())).filteredOn(line -> line.contains("ERROR")).singleElement()
                .asString().contains("cannot use replica '");
        assertThat(jar.tmp().resolve("remote")).doesNotExist();
    }

    @Test
    void noOwnerLeavesANewRemoteFileTheLoginsWithTheSourcesGroup() throws Exception {
        Trees.at(jar.source()).file("theirs", "owned by someone else").owner("theirs", 1234, 5678);

        JarRuns.Finished run = run("no owner", once("--no-owner"));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(Trees.owners(sftp.remote().resolve("theirs"))).isEqualTo(" uid=0 gid=5678 mode=0644");
    }

    @Test
    void aSecondInstanceOnTheSameRemoteReplicaIsRefusedWithExitThree() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha");
        List<String> periodic = new ArrayList<>(once());
        periodic.remove("--once");
        JarRuns.Running first = jar.start("first", periodic);
        JarRuns.await(Duration.ofSeconds(30), "the first pass", () -> JarRuns.readString(jar.logFile())
                .contains("pass 1 finished"), first::describe);
        // Another host would share nothing local with it: its own state directory, so only the server's lock.
        List<String> elsewhere = Stream.concat(Stream.of(DirsyncJar.java(), "-Djava.io.tmpdir="
                + Files.createDirectories(jar.tmp().resolve("other-host-tmp")), "-jar",
                DirsyncJar.jarFile().toString()), once().stream().skip(3)).toList();

        java.util.Map<String, String> before = Trees.snapshot(sftp.remote());

        JarRuns.Finished second = run("second", elsewhere);

        assertThat(second.exitCode()).as(second.describe()).isEqualTo(3);
        assertThat(second.stderr()).contains("another dirsync is using this replica (host ");
        // Its connection started the server's probe and a find before the lock refused it: they only read.
        assertThat(Trees.snapshot(sftp.remote())).as("nothing in the replica changed by the refused run")
                .isEqualTo(before);
        try (Stream<Path> beside = Files.list(sftp.remote().getParent())) {
            assertThat(beside.map(path -> path.getFileName().toString())).as("no candidate lock left beside it")
                    .noneMatch(name -> name.startsWith(".dirsync-lock-"));
        }
    }

    @Test
    void typeChangesAndDeletionsReachTheRemoteReplica() throws Exception {
        Trees.at(jar.source()).file("file-then-dir", "f").dir("dir-then-file/inner").file("dir-then-file/inner/x", "x")
                .link("link-then-file", "file-then-dir").file("gone.txt", "g").file("gone-dir/deep/y", "y")
                .file("keep.txt", "k");
        assertThat(run("first", once()).exitCode()).isZero();
        Files.delete(jar.source().resolve("file-then-dir"));
        Trees.at(jar.source()).file("file-then-dir/now-inside", "n");
        Trees.deleteRecursively(jar.source().resolve("dir-then-file"));
        Trees.at(jar.source()).file("dir-then-file", "now a file");
        Files.delete(jar.source().resolve("link-then-file"));
        Trees.at(jar.source()).file("link-then-file", "now a file too");
        Files.delete(jar.source().resolve("gone.txt"));
        Trees.deleteRecursively(jar.source().resolve("gone-dir"));

        JarRuns.Finished second = run("second", once());

        assertThat(second.exitCode()).as(second.describe()).isZero();
        Trees.assertSameTree(jar.source(), sftp.remote(), Trees.Detail.WHOLE_SECONDS);
    }

    @Test
    void linksAndHostileNamesArriveExactlyAndANameThatIsNotUtf8ByItsBytes() throws Exception {
        Trees.at(jar.source()).file("new\nline\\back 'quote' \"dq\" $(x) -dash", "hostile")
                .file("caf\u00e9 \uD83D\uDE00", "unicode").link("abs-link", "/etc/passwd")
                .link("dangling", "no/such/target").link("up", "../../outside").dir("d").link("d/rel", "../caf\u00e9 \uD83D\uDE00");
        Trees.at(jar.source()).fileNamed(new byte[] {'l', 'a', 't', (byte) 0xE9}, "latin-1 name");

        JarRuns.Finished run = run("hostile", once());

        assertThat(run.exitCode()).as("OpenSSH keeps a name's bytes: all arrive").isZero();
        assertThat(JarRuns.lines(jar.logFile())).filteredOn(line -> line.contains("ERROR")).isEmpty();
        assertThat(Trees.child(sftp.remote(), new byte[] {'l', 'a', 't', (byte) 0xE9})).hasContent("latin-1 name");
        Trees.assertSameTree(jar.source(), sftp.remote(), Trees.Detail.WHOLE_SECONDS);
        assertThat(Files.readSymbolicLink(sftp.remote().resolve("abs-link"))).isEqualTo(Path.of("/etc/passwd"));
        assertThat(Files.readString(Path.of("/etc/passwd"))).isNotEqualTo("hostile");
    }

    @Test
    void anEmptySourceAndTooManyDeletionsAreRefusedOnARemoteReplicaToo() throws Exception {
        Trees.at(jar.source()).file("a", "1").file("b", "2").file("c/d", "3");
        assertThat(run("first", once()).exitCode()).isZero();
        Trees.deleteRecursively(jar.source());
        Files.createDirectories(jar.source());

        JarRuns.Finished empty = run("empty", once());
        Trees.at(jar.source()).file("a", "1");
        JarRuns.Finished tooMany = run("too many", once("--max-delete", "2"));

        assertThat(empty.exitCode()).as(empty.describe()).isEqualTo(1);
        assertThat(tooMany.exitCode()).as(tooMany.describe()).isEqualTo(1);
        assertThat(JarRuns.readString(jar.logFile())).contains("the source is empty but the replica is not",
                "it would delete 3 entries, more than --max-delete 2 allows");
        assertThat(sftp.remote().resolve("b")).hasContent("2");
        assertThat(sftp.remote().resolve("c/d")).hasContent("3");
    }

    @Test
    void aDryRunOnARemoteReplicaChangesNothingThereAndTakesNoLock() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha").file("docs/b.txt", "beta");
        Trees.at(sftp.remote()).file("stale.txt", "s");
        java.util.Map<String, String> before = Trees.snapshot(jar.tmp().resolve("remote"));

        JarRuns.Finished dry = run("dry", once("--dry-run"));

        assertThat(dry.exitCode()).as(dry.describe()).isZero();
        assertThat(Trees.snapshot(jar.tmp().resolve("remote"))).isEqualTo(before);
        assertThat(JarRuns.readString(jar.logFile())).contains("(dry run) copied new file a.txt",
                "(dry run) deleted file stale.txt");
    }

    @Test
    void watchModeCarriesAChangeToARemoteReplicaWithinSeconds() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha");
        List<String> watching = new ArrayList<>(once("--watch", "--watch-delay", "0.3"));
        watching.remove("--once");
        watching.set(watching.size() - 2, "3600");
        JarRuns.Running dirsync = jar.start("watch", watching);
        JarRuns.await(Duration.ofSeconds(30), "the first pass", () -> JarRuns.readString(jar.logFile())
                .contains("pass 1 finished"), dirsync::describe);

        Trees.at(jar.source()).file("later/b.txt", "arrives by the watch");

        Eventually.within(Duration.ofSeconds(30), "the change to reach the replica on the server",
                () -> Trees.assertSameTree(jar.source(), sftp.remote(), Trees.Detail.WHOLE_SECONDS), dirsync::describe);
        dirsync.process().destroy();
        assertThat(dirsync.awaitExit(Duration.ofSeconds(15)).exitCode()).isZero();
    }
}
