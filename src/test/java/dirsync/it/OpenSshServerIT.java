package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.testing.OpenSshServer;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture {@link OpenSshServer} against OpenSSH's own clients: ssh and sftp log in with the test's key and
 * known_hosts, an unknown host key or another key is refused, {@code stop()} and {@code start()} keep the port and
 * the host key, {@code stopAll()} ends the sessions that {@code stop()} leaves, and after all tests (in
 * {@link #nothingOfAnyServerIsLeft()}) no process and no directory of any of the servers is left.
 */
class OpenSshServerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** What each test saw of its server, checked once all have been cleaned up. */
    private static final List<Seen> SEEN = Collections.synchronizedList(new ArrayList<>());
    /** ssh clients a test left connected on purpose, for the clean-up to end their sessions. */
    private static final List<Process> LEFT_CONNECTED = Collections.synchronizedList(new ArrayList<>());

    @RegisterExtension
    final OpenSshServer sshd = new OpenSshServer();

    @TempDir
    Path tmp;

    private JarRuns runs;
    /**
     * This test's server's processes as seen: listeners and sessions. Handles, not pids: a handle knows its
     * process's start, so a pid that a new process took after the old one ended is not taken for it.
     */
    private final Set<ProcessHandle> seen = new LinkedHashSet<>();

    private record Seen(String test, Path directory, Set<ProcessHandle> processes) {
    }

    @BeforeEach
    void setUp() {
        runs = new JarRuns(tmp.resolve("output"));
        observe();
    }

    /** Runs before the server's own clean-up: notes what it must end. */
    @AfterEach
    void tearDown(TestInfo info) {
        if (runs == null) {
            return; // skipped before setUp
        }
        observe();
        SEEN.add(new Seen(info.getDisplayName(), sshd.directory(), Set.copyOf(seen)));
        runs.close();
    }

    @Test
    void sshAndSftpLogInWithTheTestsKeyAndKnownHosts() throws Exception {
        JarRuns.Finished login = ssh(sshd.knownHosts(), sshd.clientKey(), "echo", "logged-in-as", "$(id -un)");
        assertThat(login.exitCode()).as(login.describe()).isZero();
        assertThat(login.stdout()).isEqualTo("logged-in-as root\n");

        Path remote = Files.createDirectory(tmp.resolve("remote"));
        Path local = Files.createDirectory(tmp.resolve("local"));
        Files.writeString(local.resolve("up.txt"), "over sftp\n");
        Path batch = Files.writeString(tmp.resolve("batch"), String.join("\n",
                "put " + local.resolve("up.txt") + " " + remote.resolve("up.txt"),
                "get " + remote.resolve("up.txt") + " " + local.resolve("down.txt"),
                ""));
        List<String> sftp = new ArrayList<>(List.of("sftp", "-b", batch.toString(), "-P",
                String.valueOf(sshd.port())));
        sftp.addAll(clientOptions(sshd.knownHosts(), sshd.clientKey()));
        sftp.add(OpenSshServer.USER + "@" + OpenSshServer.ADDRESS);
        JarRuns.Finished copied = runs.run("sftp", TIMEOUT, sftp);
        assertThat(copied.exitCode()).as(copied.describe()).isZero();
        assertThat(remote.resolve("up.txt")).hasContent("over sftp");
        assertThat(local.resolve("down.txt")).hasContent("over sftp");
        observe();

        // Through home()/.ssh/config: the alias gives HostName, Port, User and IdentityFile.
        List<String> alias = new ArrayList<>(List.of("ssh", "-F", sshd.sshConfig().toString(),
                "-o", "UserKnownHostsFile=" + sshd.knownHosts(), "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                OpenSshServer.HOST_ALIAS, "true"));
        JarRuns.Finished viaAlias = runs.run("ssh-alias", TIMEOUT, alias);
        assertThat(viaAlias.exitCode()).as(viaAlias.describe()).isZero();

        assertThat(sshd.uri(remote)).isEqualTo("sftp://root@127.0.0.1:" + sshd.port() + remote.toAbsolutePath());
        assertThatThrownBy(() -> sshd.uri(remote.resolve("a b"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(sshd.log()).contains("Accepted publickey for root from 127.0.0.1");
    }

    @Test
    void theKeyTheServerPresentsIsTheOneKnownHostsAndTheFingerprintName() throws Exception {
        assertThat(sshd.knownHostsLine()).matches("\\[127\\.0\\.0\\.1]:" + sshd.port() + " ssh-ed25519 AAAA\\S+");
        assertThat(Files.readString(sshd.knownHosts())).isEqualTo(sshd.knownHostsLine() + "\n");
        assertThat(scannedHostKey()).isEqualTo(sshd.knownHostsLine());
        JarRuns.Finished listed = runs.run("ssh-keygen", TIMEOUT,
                List.of("ssh-keygen", "-l", "-f", sshd.knownHosts().toString()));
        assertThat(listed.stdout()).as(listed.describe()).contains(" " + sshd.hostKeyFingerprint() + " ");
        assertThat(sshd.hostKeyFingerprint()).matches("SHA256:[A-Za-z0-9+/]{43}");
    }

    @Test
    void anEmptyKnownHostsOrAnotherKeyIsRefused() throws Exception {
        Path empty = Files.createFile(tmp.resolve("known_hosts_empty"));
        JarRuns.Finished unknownHost = ssh(empty, sshd.clientKey(), "true");
        assertThat(unknownHost.exitCode()).as(unknownHost.describe()).isEqualTo(255);
        assertThat(unknownHost.stderr()).contains("Host key verification failed");
        assertThat(empty).isEmptyFile();

        Path otherKey = tmp.resolve("other_ed25519");
        JarRuns.Finished made = runs.run("ssh-keygen", TIMEOUT,
                List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", otherKey.toString()));
        assertThat(made.exitCode()).as(made.describe()).isZero();
        JarRuns.Finished unknownClient = ssh(sshd.knownHosts(), otherKey, "true");
        assertThat(unknownClient.exitCode()).as(unknownClient.describe()).isEqualTo(255);
        assertThat(unknownClient.stderr()).contains("Permission denied (publickey)");
        assertThat(sshd.log()).doesNotContain("Accepted");
    }

    @Test
    void stopRefusesConnectionsAndStartComesBackOnTheSamePortWithTheSameHostKey() throws Exception {
        int port = sshd.port();
        String hostKey = sshd.knownHostsLine();
        // A handle knows its process's start: a pid taken again by a new process is not taken for the old one.
        ProcessHandle first = ProcessHandle.of(sshd.pid().orElseThrow()).orElseThrow();
        assertThat(ssh(sshd.knownHosts(), sshd.clientKey(), "true").exitCode()).isZero();

        sshd.stop();
        assertThat(sshd.isRunning()).isFalse();
        assertThat(first.isAlive()).isFalse();
        assertThat(accepts(port)).isFalse();
        JarRuns.Finished refused = ssh(sshd.knownHosts(), sshd.clientKey(), "true");
        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(255);
        assertThat(refused.stderr()).contains("Connection refused");
        sshd.stop(); // nothing to do twice

        sshd.start();
        observe();
        assertThat(sshd.port()).isEqualTo(port);
        assertThat(ProcessHandle.of(sshd.pid().orElseThrow())).as("a new listener").isNotEqualTo(Optional.of(first));
        assertThat(sshd.knownHostsLine()).isEqualTo(hostKey);
        assertThat(scannedHostKey()).isEqualTo(hostKey);
        JarRuns.Finished again = ssh(sshd.knownHosts(), sshd.clientKey(), "true");
        assertThat(again.exitCode()).as(again.describe()).isZero();
        assertThatThrownBy(sshd::start).isInstanceOf(IllegalStateException.class);
    }

    /**
     * Whether a session lives is asked of the session itself, through its own connection (it echoes a line), not
     * of a process listing: sshd's processes come and go (the login shell's start-up files run commands of their
     * own, pyenv's a {@code sleep}), and a listing compared with an earlier one can miss or gain one at any time.
     */
    @Test
    void stopLeavesEstablishedSessionsAndStopAllEndsThem() throws Exception {
        try (EchoSession session = new EchoSession()) {
            assertThat(session.echoes("before the stop")).as(session.describe()).isTrue();

            sshd.stop();
            assertThat(accepts(sshd.port())).isFalse();
            assertThat(session.echoes("through the stop")).as("the session through a stop()\n%s",
                    session.describe()).isTrue();

            // The old session still holds a connection on the port: the new listener binds it all the same.
            sshd.start();
            observe();
            JarRuns.Finished meanwhile = ssh(sshd.knownHosts(), sshd.clientKey(), "true");
            assertThat(meanwhile.exitCode()).as(meanwhile.describe()).isZero();
            assertThat(session.echoes("beside a new listener")).as(session.describe()).isTrue();

            sshd.stopAll();
            assertThat(session.awaitExit()).as("the client of the session after stopAll()\n%s", session.describe())
                    .isEqualTo(255);
            assertThat(sshd.sessionProcesses()).isEmpty();
            assertThat(sshd.isRunning()).isFalse();
            assertThat(accepts(sshd.port())).isFalse();
        }

        sshd.start();
        observe();
        assertThat(ssh(sshd.knownHosts(), sshd.clientKey(), "true").exitCode()).isZero();
    }

    @Test
    void aReplacedHostKeyIsRefusedByTheOldKnownHosts() throws Exception {
        String oldLine = sshd.knownHostsLine();
        String oldFingerprint = sshd.hostKeyFingerprint();
        assertThatThrownBy(sshd::replaceHostKey).isInstanceOf(IllegalStateException.class);
        sshd.stop();
        sshd.replaceHostKey();
        sshd.start();
        observe();

        assertThat(sshd.knownHostsLine()).isNotEqualTo(oldLine);
        assertThat(sshd.hostKeyFingerprint()).isNotEqualTo(oldFingerprint);
        assertThat(Files.readString(sshd.knownHosts())).isEqualTo(oldLine + "\n");
        assertThat(scannedHostKey()).isEqualTo(sshd.knownHostsLine());
        JarRuns.Finished changed = ssh(sshd.knownHosts(), sshd.clientKey(), "true");
        assertThat(changed.exitCode()).as(changed.describe()).isEqualTo(255);
        assertThat(changed.stderr()).contains("REMOTE HOST IDENTIFICATION HAS CHANGED", sshd.hostKeyFingerprint());
    }

    /** Leaves an SFTP session and a shell session open, past a stop(): the clean-up after the test must end them. */
    @Test
    void sessionsLeftOpenAreEndedByTheCleanUp() throws Exception {
        EchoSession shell = new EchoSession(); // left open: the clean-up ends it
        LEFT_CONNECTED.add(shell.client);
        assertThat(shell.echoes("open")).as(shell.describe()).isTrue();
        List<String> sftp = new ArrayList<>(List.of("sftp", "-P", String.valueOf(sshd.port())));
        sftp.addAll(clientOptions(sshd.knownHosts(), sshd.clientKey()));
        sftp.add(OpenSshServer.USER + "@" + OpenSshServer.ADDRESS);
        // sftp reads its commands from a pipe that stays open: the session waits.
        Process interactive = new ProcessBuilder(sftp).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        LEFT_CONNECTED.add(interactive);
        // OpenSSH 9.x logs "Starting session: subsystem 'sftp'", older ones "subsystem request for sftp".
        JarRuns.await(Duration.ofSeconds(10), "the sftp session", () -> sshd.log().contains("subsystem 'sftp'")
                || sshd.log().contains("subsystem request for sftp"), sshd::log);
        observe();
        sshd.stop();
        observe();
        assertThat(seen).isNotEmpty();
    }

    /** After every test and its server's clean-up: no process and no directory of any server is left. */
    @AfterAll
    static void nothingOfAnyServerIsLeft() throws Exception {
        for (Process client : LEFT_CONNECTED) {
            // sftp notices a lost connection only when it sends: end its commands.
            client.getOutputStream().close();
            if (!client.waitFor(10, TimeUnit.SECONDS)) {
                client.destroyForcibly();
                throw new AssertionError("an ssh client still connected after the clean-up: " + client.info());
            }
        }
        for (Seen seen : SEEN) {
            if (seen.directory() == null) {
                continue; // skipped: no server was started
            }
            assertThat(seen.directory()).as(seen.test()).doesNotExist();
            assertThat(seen.processes()).as(seen.test() + ": processes of its server still running")
                    .noneMatch(OpenSshServerIT::running);
            // The listener's command line names its configuration, under the server's directory.
            Process pgrep = new ProcessBuilder("pgrep", "-a", "-f", seen.directory().toString().replace(".", "\\."))
                    .redirectErrorStream(true).start();
            String found;
            try (InputStream in = pgrep.getInputStream()) {
                found = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(pgrep.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(pgrep.exitValue()).as(seen.test() + ": pgrep found\n" + found).isEqualTo(1);
        }
    }

    // ---- helpers

    /** Notes the server's listener and sessions as they are now, for the check after all tests. */
    private void observe() {
        sshd.pid().ifPresent(pid -> ProcessHandle.of(pid).ifPresent(seen::add));
        seen.addAll(sshd.sessionProcesses());
    }

    /**
     * An ssh session of this test's own whose remote command is {@code cat}: it is alive while a line sent through
     * it comes back. What the login shell prints besides (its start-up files) is passed over.
     */
    private final class EchoSession implements AutoCloseable {
        private static final String END = "\0end of output";

        private final Process client;
        private final BufferedWriter toRemote;
        private final BlockingQueue<String> fromRemote = new LinkedBlockingQueue<>();
        private final Path stderr;

        EchoSession() throws IOException {
            stderr = Files.createTempFile(tmp, "ssh-cat", ".err");
            client = new ProcessBuilder(sshCommand(sshd.knownHosts(), sshd.clientKey(), "cat"))
                    .redirectError(stderr.toFile()).start();
            toRemote = new BufferedWriter(new OutputStreamWriter(client.getOutputStream(), StandardCharsets.UTF_8));
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(client.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        fromRemote.add(line);
                    }
                } catch (IOException ended) {
                    // the client is gone: its output ends here
                }
                fromRemote.add(END);
            }, "echo-session-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** Sends {@code line}; whether it came back through the session (false once the session has ended). */
        boolean echoes(String line) throws IOException, InterruptedException {
            try {
                toRemote.write(line + "\n");
                toRemote.flush();
            } catch (IOException closed) {
                return false;
            }
            for (String back = fromRemote.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS); back != null;
                 back = fromRemote.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                if (back.equals(line)) {
                    return true;
                }
                if (back.equals(END)) {
                    fromRemote.add(END);
                    return false;
                }
            }
            return false;
        }

        /** The client's exit code, once its connection has ended (within 30 s, or the test fails). */
        int awaitExit() throws InterruptedException {
            assertThat(client.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as(describe()).isTrue();
            return client.exitValue();
        }

        String describe() {
            return "ssh client " + (client.isAlive() ? "running" : "exited with " + client.exitValue())
                    + "; its stderr:\n" + JarRuns.readString(stderr) + "--- sshd log ---\n" + sshd.log();
        }

        @Override
        public void close() throws InterruptedException {
            if (client.isAlive()) {
                client.destroyForcibly();
                client.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    private JarRuns.Finished ssh(Path knownHosts, Path key, String... remoteCommand) throws IOException {
        return runs.run("ssh", TIMEOUT, sshCommand(knownHosts, key, remoteCommand));
    }

    private List<String> sshCommand(Path knownHosts, Path key, String... remoteCommand) {
        List<String> command = new ArrayList<>(List.of("ssh", "-p", String.valueOf(sshd.port())));
        command.addAll(clientOptions(knownHosts, key));
        command.add(OpenSshServer.USER + "@" + OpenSshServer.ADDRESS);
        command.addAll(List.of(remoteCommand));
        return command;
    }

    /** Nothing from the user's own ssh configuration, keys or known hosts: only what is given. */
    private static List<String> clientOptions(Path knownHosts, Path key) {
        return Stream.of("-F", "none", "-i", key.toString(),
                "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10").toList();
    }

    /** The ed25519 host key the server presents, as {@code ssh-keyscan} writes it for known_hosts. */
    private String scannedHostKey() throws IOException {
        JarRuns.Finished scan = runs.run("ssh-keyscan", TIMEOUT, List.of("ssh-keyscan", "-t", "ed25519", "-p",
                String.valueOf(sshd.port()), OpenSshServer.ADDRESS));
        assertThat(scan.exitCode()).as(scan.describe()).isZero();
        return scan.stdout().lines().filter(line -> !line.startsWith("#")).findFirst().orElse("");
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(OpenSshServer.ADDRESS, port), 1000);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            throw new AssertionError("neither accepted nor refused on port " + port, e);
        }
    }

    /** Alive and not a zombie. */
    private static boolean running(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(handle.pid()), "stat"));
            return "ZX".indexOf(stat.charAt(stat.lastIndexOf(')') + 2)) < 0;
        } catch (IOException e) {
            return false;
        }
    }
}
