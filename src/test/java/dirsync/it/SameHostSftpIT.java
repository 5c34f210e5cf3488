package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.OpenSshServer;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An sftp:// replica whose server is this very machine, reached as 127.0.0.1, as localhost or through an ssh
 * config alias, is checked as the same directory given locally would be: an overlap with the source, or a log
 * or status file inside either, is refused with exit 2 and the local check's message, before anything is written
 * (the log file included); and a local run and an SFTP run on that directory exclude each other (exit 3).
 *
 * <p>The data lives under {@code data/} of the test's directory: {@code data/x/src} is the source, and the
 * replicas are placed around it.
 */
class SameHostSftpIT {

    private static final Duration ONE_RUN = Duration.ofSeconds(60);

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @RegisterExtension
    final OpenSshServer sshd = new OpenSshServer();

    private Path source;
    private Map<String, String> before;

    @BeforeEach
    void layOut() throws IOException {
        source = jar.tmp().resolve("data/x/src");
        Trees.at(source).file("a.txt", "alpha").file("docs/b.txt", "beta").dir("empty");
        before = Trees.snapshot(jar.tmp().resolve("data"));
    }

    /** {@code sftp://root@HOST:PORT/PATH}, HOST as given. */
    private String address(String host, Path path) {
        return address(OpenSshServer.USER, host, path);
    }

    /** {@code sftp://USER@HOST:PORT/PATH}. */
    private String address(String user, String host, Path path) {
        return "sftp://" + user + "@" + host + ":" + sshd.port() + path;
    }

    /** {@code --once} with the server's key, known_hosts (holding its key under 127.0.0.1 and localhost) and config. */
    private List<String> once(String replica, Path logFile, String... options) throws IOException {
        Path knownHosts = jar.tmp().resolve("known_hosts");
        Files.writeString(knownHosts, sshd.knownHostsLine() + "\n"
                + sshd.knownHostsLine().replace("[" + OpenSshServer.ADDRESS + "]", "[localhost]") + "\n");
        List<String> all = new ArrayList<>(List.of("--once", "--ssh-key", sshd.clientKey().toString(),
                "--known-hosts", knownHosts.toString(), "--ssh-config", sshd.sshConfig().toString()));
        all.addAll(List.of(options));
        return jar.sync(source, replica, "1", logFile, all.toArray(String[]::new));
    }

    private JarRuns.Finished run(String label, List<String> command) throws IOException {
        return jar.run(label, ONE_RUN, command);
    }

    /** Exit 2, one line on stderr with {@code message}, the data as it was and no log file. */
    private void assertRefusedUntouched(JarRuns.Finished run, String message) {
        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.stderr().lines().toList()).as(run.describe()).singleElement().asString()
                .startsWith("dirsync: ").contains(message);
        assertThat(run.stdout()).as("nothing on the console but the one line on stderr").isEmpty();
        assertThat(Trees.snapshot(jar.tmp().resolve("data"))).as("the source and everything around it")
                .containsExactlyEntriesOf(before);
        assertThat(jar.logFile()).as("no log file written").doesNotExist();
        assertThat(jar.logFile().getParent()).as("nor its directory").doesNotExist();
    }

    @Test
    void aReplicaOnThisHostHoldingTheSourceIsRefusedAsLocallyAndTheSourceStaysIntact() throws Exception {
        Path replica = jar.tmp().resolve("data/x");

        JarRuns.Finished refused = run("refused", once(address(OpenSshServer.ADDRESS, replica), jar.logFile()));

        assertRefusedUntouched(refused, "source '" + source + "' is inside the replica '"
                + address(OpenSshServer.ADDRESS, replica) + "' (on this host '" + replica
                + "'): the mirror would delete it");
    }

    @Test
    void aReplicaInsideTheSourceReachedAsLocalhostIsRefusedAndNothingIsCreatedInTheSource() throws Exception {
        Path replica = source.resolve("mirror/deeper");

        JarRuns.Finished refused = run("refused", once(address("localhost", replica), jar.logFile()));

        assertRefusedUntouched(refused, "is inside the source '" + source + "': it would copy itself forever");
    }

    @Test
    void theSourceItselfReachedThroughAnSshConfigAliasIsRefusedAsTheSameDirectory() throws Exception {
        String alias = "sftp://" + OpenSshServer.HOST_ALIAS + source;

        JarRuns.Finished refused = run("refused", once(alias, jar.logFile()));

        assertRefusedUntouched(refused, "source and replica are the same directory: '" + source + "'");
    }

    @Test
    void aLogFileInsideAReplicaOnThisHostIsRefusedAndNotCreated() throws Exception {
        Path replica = jar.tmp().resolve("data/mirror");
        Path logInside = replica.resolve("logs/dirsync.log");
        Files.createDirectories(replica);
        before = Trees.snapshot(jar.tmp().resolve("data"));

        JarRuns.Finished refused = run("refused", once(address(OpenSshServer.ADDRESS, replica), logInside));

        assertRefusedUntouched(refused, "log file '" + logInside + "' is inside the replica '"
                + address(OpenSshServer.ADDRESS, replica) + "'");
        assertThat(logInside.getParent()).doesNotExist();
    }

    @Test
    void aStatusFileInsideAReplicaOnThisHostIsRefused() throws Exception {
        Path replica = jar.tmp().resolve("data/mirror");
        Files.createDirectories(replica);
        before = Trees.snapshot(jar.tmp().resolve("data"));
        Path status = replica.resolve("dirsync.prom");

        JarRuns.Finished refused = run("refused", once(address(OpenSshServer.ADDRESS, replica), jar.logFile(),
                "--status-file", status.toString()));

        assertRefusedUntouched(refused, "status file '" + status + "' is inside the replica '");
    }

    @Test
    void aServerFirstReachedInALaterPassIsCheckedThenAndTheRunStopsWithExitTwo() throws Exception {
        Path replica = jar.tmp().resolve("data/x");
        sshd.stop();
        List<String> periodic = new ArrayList<>(once(address(OpenSshServer.ADDRESS, replica), jar.logFile()));
        periodic.remove("--once");
        JarRuns.Running running = jar.start("periodic", periodic);
        JarRuns.await(ONE_RUN, "a pass that cannot reach the server", () -> JarRuns.readString(jar.logFile())
                .contains("ERROR cannot reach the replica: "), running::describe);

        sshd.start();
        JarRuns.Finished stopped = running.awaitExit(ONE_RUN);

        assertThat(stopped.exitCode()).as(stopped.describe()).isEqualTo(2);
        assertThat(JarRuns.lines(jar.logFile())).anyMatch(line -> line.contains("ERROR stopping: source '" + source
                + "' is inside the replica"));
        assertThat(Trees.snapshot(jar.tmp().resolve("data"))).as("the source and everything around it")
                .containsExactlyEntriesOf(before);
    }

    @Test
    void aReplicaOnThisHostThatOverlapsNothingIsMirroredAndTheLogSaysItIsLocal() throws Exception {
        Path replica = jar.tmp().resolve("data/mirror");

        JarRuns.Finished mirrored = run("mirrored", once(address("localhost", replica), jar.logFile()));

        assertThat(mirrored.exitCode()).as(mirrored.describe()).isZero();
        Trees.assertSameTree(source, replica, Trees.Detail.WHOLE_SECONDS);
        assertThat(JarRuns.lines(jar.logFile())).anyMatch(line -> line.contains("is the directory '" + replica
                + "' of this host: it was checked as a local replica"));
    }

    @Test
    void aLoginThatCannotReadTheProbeIsSaidAtTheStartAndTheRunGoesOnAsWithAnotherHost() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nologin")), "needs user nobody's shell");
        sshd.letOtherUsersLogIn();
        Path state = Files.createDirectories(jar.tmp().resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------")); // nobody may not enter
        Path open = Files.createDirectories(jar.tmp().resolve("data/open"));
        for (Path dir : List.of(jar.tmp(), jar.tmp().resolve("data"))) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path replica = open.resolve("replica");
        List<String> asNobody = once(address("nobody", OpenSshServer.ADDRESS, replica), jar.logFile());
        List<String> command = Stream.concat(Stream.of(DirsyncJar.java(), "-Djava.io.tmpdir=" + state, "-jar",
                DirsyncJar.jarFile().toString()), asNobody.stream().skip(3)).toList();

        JarRuns.Finished run = run("as nobody", command);

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(JarRuns.lines(jar.logFile())).anyMatch(line -> line.contains("WARN  cannot tell whether replica '"
                + "sftp://nobody@" + OpenSshServer.ADDRESS + ":" + sshd.port() + replica + "' is on this host (the "
                + "server cannot read the probe file"));
        Trees.assertSameTree(source, replica, Trees.Detail.WHOLE_SECONDS);
        try (Stream<Path> left = Files.list(state)) {
            assertThat(left.map(path -> path.getFileName().toString())).noneMatch(name -> name.contains("probe"));
        }
    }

    @Test
    void aLocalRunHoldingTheDirectoryKeepsAnSftpRunOnItOutWithExitThree() throws Exception {
        Path replica = jar.tmp().resolve("data/mirror");
        JarRuns.Running local = jar.start("local", jar.sync(source, replica, "3600", jar.tmp().resolve("local.log")));
        JarRuns.await(ONE_RUN, "the local run's first pass", () -> JarRuns.readString(jar.tmp().resolve("local.log"))
                .contains("pass 1 finished"), local::describe);

        JarRuns.Finished remote = run("remote", once(address(OpenSshServer.ADDRESS, replica), jar.logFile()));

        assertThat(remote.exitCode()).as(remote.describe()).isEqualTo(3);
        assertThat(remote.stderr().lines().toList()).singleElement().asString()
                .startsWith("dirsync: another dirsync is already running on replica '" + replica + "'");
        assertThat(jar.logFile()).doesNotExist();
    }

    @Test
    void anSftpRunHoldingTheDirectoryKeepsALocalRunOnItOutWithExitThree() throws Exception {
        Path replica = jar.tmp().resolve("data/mirror");
        List<String> periodic = new ArrayList<>(once(address(OpenSshServer.ADDRESS, replica), jar.logFile()));
        periodic.remove("--once");
        JarRuns.Running remote = jar.start("remote", periodic);
        JarRuns.await(ONE_RUN, "the SFTP run's first pass", () -> JarRuns.readString(jar.logFile())
                .contains("pass 1 finished"), remote::describe);

        Path localLog = jar.tmp().resolve("local.log");
        JarRuns.Finished local = run("local", jar.sync(source, replica, "1", localLog, "--once"));

        assertThat(local.exitCode()).as(local.describe()).isEqualTo(3);
        assertThat(local.stderr()).startsWith("dirsync: another dirsync is already running on replica '" + replica);
        assertThat(localLog).doesNotExist();
    }
}
