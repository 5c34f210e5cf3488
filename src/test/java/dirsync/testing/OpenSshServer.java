package dirsync.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.SftpVersionSelector;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real OpenSSH server for one test, on 127.0.0.1 and a free port, registered with
 * {@code @RegisterExtension final OpenSshServer sshd = new OpenSshServer();}.
 * <p>
 * Before each test: a new temporary directory with the server's own ed25519 host key, a client key pair made for
 * the test, an {@code authorized_keys} holding the client's public key, a {@code known_hosts} line for the host key
 * and an {@code sshd_config} (public keys only, root allowed with a key, {@code internal-sftp}); then
 * {@code /usr/sbin/sshd} started on it, and awaited until its pid file is written and its port accepts a
 * connection. The test is skipped (an aborted assumption that says why) when it does not run as root or
 * {@code /usr/sbin/sshd} is missing ({@code .ci/run} installs openssh-server). After each test, passed or failed:
 * every process of this server (the listener and every session, also those a {@link #stop()} left behind) is
 * killed, and the directory is deleted; a failed test prints the server's log to stderr first.
 * <p>
 * The client side is laid out as a user's home: {@link #home()}{@code /.ssh/} holds {@code id_ed25519} (and
 * {@code .pub}), {@code known_hosts} and a {@code config} whose {@code Host} {@value #HOST_ALIAS} names this server
 * (HostName, Port, User, IdentityFile), so a test can run a client with that directory as its home.
 * <p>
 * One server per test, not per class: a test may stop the server, restart it, end its sessions or change its host
 * key, and none of that may reach the next test; keys and a start cost well under a second.
 * <p>
 * sshd runs in the foreground ({@code -D}) as a child of this JVM rather than daemonized: its pid is known without
 * trusting a file, a start that fails (a port taken meanwhile) is seen at once and retried on another port, and the
 * JVM reaps the listener (an orphaned daemon becomes a zombie where init does not reap). The sessions are found as
 * the processes that hold a connection on the server's port (from {@code /proc/net/tcp} and {@code /proc/PID/fd}),
 * with their descendants: an OpenSSH session retitles itself ({@code sshd: root@notty}), so nothing in its command
 * line names the server, and once {@link #stop()} has ended the listener it is no longer its child.
 */
public final class OpenSshServer implements BeforeEachCallback, AfterEachCallback {

    /** The {@code Host} under which {@code home()/.ssh/config} names this server. */
    public static final String HOST_ALIAS = "dirsync-test-sshd";
    /** The user the client logs in as: the tests run as root. */
    public static final String USER = "root";
    /** The address the server listens on. */
    public static final String ADDRESS = "127.0.0.1";

    private static final Path SSHD = Path.of("/usr/sbin/sshd");
    private static final Path SSH_KEYGEN = Path.of("/usr/bin/ssh-keygen");
    /** sshd's privilege separation directory: it refuses to start without it. */
    private static final Path PRIVSEP_DIR = Path.of("/run/sshd");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    /** How long a restarted server may take to serve its first session: a hang guard only. */
    private static final int SERVING_TIMEOUT_SECONDS = 120;
    private static final Duration POLL_STEP = Duration.ofMillis(20);
    /** Starts on a new free port after a start that lost its port to another process in the meantime. */
    private static final int PORT_ATTEMPTS = 5;
    /** Sessions can fork while being ended: rounds of killing before giving up. */
    private static final int KILL_ROUNDS = 5;
    /** The characters {@link #uri} takes in a path as they are, without percent-encoding. */
    private static final Pattern URI_SAFE_PATH = Pattern.compile("/[A-Za-z0-9._~/-]*");
    /** The state of a listening socket in {@code /proc/net/tcp}. */
    private static final String TCP_LISTEN = "0A";

    /** Servers started and not yet cleaned up, for the shutdown hook. */
    private static final Set<OpenSshServer> LIVE = ConcurrentHashMap.newKeySet();
    /**
     * Whether this sshd knows {@code PerSourcePenalties} (OpenSSH 9.8 and later); null until asked. Switched off
     * where it exists: its defaults refuse a source for a while after failed logins or dropped connections, which
     * the tests cause on purpose, all from 127.0.0.1.
     */
    private static Boolean penaltiesOption;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(OpenSshServer::killOnShutdown),
                "openssh-server-cleanup"));
    }

    private static final String SFTP_SUBSYSTEM = "Subsystem sftp ";
    /** Lines a test put before the usual configuration (sshd keeps the first value of a keyword). */
    private final List<String> configLines = new ArrayList<>();
    private Path dir;
    private int port;
    /** The host key as known_hosts and authorized_keys write it: type, space, base64. */
    private String hostKey;
    private String fingerprint;
    private volatile Process sshd;
    /** Processes seen serving a session of this server, its listener's descendants when it was stopped. */
    private final Set<ProcessHandle> seenSessions = ConcurrentHashMap.newKeySet();

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (!Integer.valueOf(0).equals(uid)) {
            Assumptions.abort("needs root (uid " + uid + "): the OpenSSH server of this test runs as root and the "
                    + "client logs in as root");
        }
        if (!Files.isExecutable(SSHD)) {
            Assumptions.abort(SSHD + " is missing: install openssh-server (.ci/run does) to run the tests against "
                    + "a real OpenSSH server");
        }
        if (!Files.isExecutable(SSH_KEYGEN)) {
            Assumptions.abort(SSH_KEYGEN + " is missing: install openssh-client (.ci/run does)");
        }
        dir = Files.createTempDirectory("dirsync-sshd-");
        try {
            Files.createDirectories(serverDir());
            Files.createDirectories(home().resolve(".ssh"), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            makeHostKey();
            keygen(clientKey(), "dirsync-test-client");
            Files.writeString(serverDir().resolve("authorized_keys"), keyOf(clientKey().resolveSibling(
                    clientKey().getFileName() + ".pub")) + " dirsync-test-client\n");
            if (!Files.isDirectory(PRIVSEP_DIR)) {
                Files.createDirectories(PRIVSEP_DIR, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwxr-xr-x")));
            }
            launch(true);
        } catch (IOException | RuntimeException | Error e) {
            cleanUp(false);
            throw e;
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        cleanUp(context.getExecutionException().isPresent());
    }

    /**
     * This server with {@code lines} of sshd_config put before the usual ones, so that they win over them (sshd
     * keeps the first value of a keyword): e.g. {@code ForceCommand internal-sftp}, {@code LogLevel DEBUG1}. A
     * {@code Subsystem sftp} line takes the place of the usual one (sshd refuses two): e.g.
     * {@code Subsystem sftp internal-sftp -P fsync,hardlink}, whose SFTP neither offers nor serves those extensions.
     * Call it where the extension is made: {@code new OpenSshServer().withConfig("ForceCommand internal-sftp")}.
     */
    public OpenSshServer withConfig(String... lines) {
        configLines.addAll(List.of(lines));
        return this;
    }

    /**
     * Stops the server, puts {@code lines} in place of those {@link #withConfig} gave, and starts it again on its
     * port: for a test that meets the same server configured several ways. Returns once the restarted server has
     * served an SFTP session, not only once it listens.
     */
    public synchronized void restartWith(String... lines) throws IOException {
        requireInTest();
        stop();
        configLines.clear();
        configLines.addAll(List.of(lines));
        writeConfiguration();
        start();
        awaitServing();
    }

    /**
     * Returns once the server serves sessions, not only listens: a client connects, logs in with the client key and
     * opens an SFTP channel (the server's version answered), tried again until one attempt succeeds or
     * {@value #SERVING_TIMEOUT_SECONDS} s have passed (a hang guard, then an error with the log); then that session
     * is closed and its processes awaited, so that the test meets the server as if nobody had been there (only the
     * log tells of it: one more "Accepted publickey").
     */
    private void awaitServing() throws IOException {
        Set<ProcessHandle> before = new HashSet<>(sessionProcesses());
        long deadline = System.nanoTime() + Duration.ofSeconds(SERVING_TIMEOUT_SECONDS).toNanos();
        List<String> failures = new ArrayList<>();
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setKeyIdentityProvider(new FileKeyPairProvider(clientKey()));
        client.start();
        try {
            while (!servesOneSession(client, failures)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("sshd on port " + port + " listens but served no SFTP session within "
                            + SERVING_TIMEOUT_SECONDS + " s: " + failures + "\n--- sshd log ---\n" + log());
                }
                pause();
            }
        } finally {
            client.stop();
        }
        while (!before.containsAll(sessionProcesses())) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the session that checked sshd on port " + port + " did not end: "
                        + sessionProcesses());
            }
            pause();
        }
    }

    /** Whether one session of {@code client} logs in and opens an SFTP channel; a failure noted in {@code failures}. */
    private boolean servesOneSession(SshClient client, List<String> failures) {
        Duration step = Duration.ofSeconds(SERVING_TIMEOUT_SECONDS / 4);
        try (ClientSession session = client.connect(USER, ADDRESS, port).verify(step).getSession()) {
            session.auth().verify(step);
            try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session,
                    SftpVersionSelector.fixedVersionSelector(3))) {
                return sftp.isOpen();
            }
        } catch (IOException | RuntimeException e) {
            failures.add(String.valueOf(e));
            return false;
        }
    }

    /**
     * How many commands (exec requests: each runs the user's shell) the server has started so far, over every start
     * of this test, as its log at LogLevel VERBOSE tells ("Starting session: command ..."). SFTP channels are
     * subsystems and do not count.
     */
    public long commandsStarted() {
        return log().lines().filter(line -> line.contains("Starting session: command")).count();
    }

    /** The port the server listens on: the same across {@link #stop()} and {@link #start()}. */
    public int port() {
        return port;
    }

    /** The client's private key (ed25519, no passphrase), {@code home()/.ssh/id_ed25519}. */
    public Path clientKey() {
        return home().resolve(".ssh").resolve("id_ed25519");
    }

    /** {@code home()/.ssh/known_hosts}: the line {@link #knownHostsLine()} as the server started first. */
    public Path knownHosts() {
        return home().resolve(".ssh").resolve("known_hosts");
    }

    /** The known_hosts line of the current host key: {@code [127.0.0.1]:PORT ssh-ed25519 AAAA...}. */
    public String knownHostsLine() {
        return "[" + ADDRESS + "]:" + port + " " + hostKey;
    }

    /** The current host key's fingerprint as {@code ssh-keygen -l} prints it: {@code SHA256:...}. */
    public String hostKeyFingerprint() {
        return fingerprint;
    }

    /** {@code home()/.ssh/config}: {@code Host} {@value #HOST_ALIAS} with HostName, Port, User, IdentityFile. */
    public Path sshConfig() {
        return home().resolve(".ssh").resolve("config");
    }

    /** A directory laid out as the client user's home: {@code .ssh/} with the key, known_hosts and config. */
    public Path home() {
        return dir.resolve("home");
    }

    /** This server's temporary directory (deleted after the test). */
    public Path directory() {
        return dir;
    }

    /**
     * {@code sftp://root@127.0.0.1:PORT/ABSOLUTE/PATH} for {@code remoteDir} (made absolute). Refuses a path with
     * characters a URI would carry percent-encoded: a test of such a path writes its URI itself.
     */
    public String uri(Path remoteDir) {
        return uri(USER, remoteDir);
    }

    /** The same for logging in as {@code user} (see {@link #letOtherUsersLogIn()}). */
    public String uri(String user, Path remoteDir) {
        String path = remoteDir.toAbsolutePath().normalize().toString();
        if (!URI_SAFE_PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("a path with characters outside [A-Za-z0-9._~/-] would need "
                    + "percent-encoding in a URI: " + path);
        }
        return "sftp://" + user + "@" + ADDRESS + ":" + port + path;
    }

    /**
     * Lets any user of this machine log in with the client key, not only root: sshd reads the authorized_keys file
     * as the user logging in, so it and the directories to it become readable by all (the private keys stay
     * private). A user whose shell is nologin still gets SFTP: the server's own (internal-sftp) needs no shell.
     */
    public void letOtherUsersLogIn() throws IOException {
        requireInTest();
        for (Path directory : List.of(dir, serverDir())) {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(serverDir().resolve("authorized_keys"),
                PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** The listener's pid while it runs. */
    public OptionalLong pid() {
        Process process = sshd;
        return process != null && process.isAlive() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }

    /** Whether the listener runs. */
    public boolean isRunning() {
        return pid().isPresent();
    }

    /** sshd's log ({@code -E}), over every start of this test; "" before it wrote anything. */
    public String log() {
        try {
            return new String(Files.readAllBytes(logFile()), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the server again after {@link #stop()}, on the same port with the same host key (or the one
     * {@link #replaceHostKey()} made); fails with the log if it does not listen within 10 s.
     */
    public synchronized void start() throws IOException {
        requireInTest();
        if (sshd != null) {
            throw new IllegalStateException("sshd already runs (pid " + sshd.pid() + ")");
        }
        launch(false);
    }

    /**
     * Ends the listener as a restart of the service does (SIGTERM), and waits until the port refuses connections.
     * Sessions already established go on, as they do when systemd restarts ssh.service: a client that is connected
     * notices nothing. For "the server went away mid-pass", use {@link #stopAll()}. Does nothing if it is not
     * running.
     */
    public synchronized void stop() {
        Process process = sshd;
        if (process == null) {
            return;
        }
        // Its sessions are its children only while it lives: note them for stopAll().
        process.descendants().forEach(seenSessions::add);
        process.destroy();
        if (!waitFor(process, STOP_TIMEOUT)) {
            process.destroyForcibly();
            if (!waitFor(process, STOP_TIMEOUT)) {
                throw new AssertionError("sshd (pid " + process.pid() + ") did not end after SIGKILL");
            }
        }
        sshd = null;
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (accepts()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("port " + port + " still accepts connections after sshd ended\n" + log());
            }
            pause();
        }
    }

    /**
     * Ends every session of this server (SIGKILL, so their connections drop), then the listener as {@link #stop()}
     * does: as a machine that goes away. Also ends sessions that an earlier {@link #stop()} left. {@link #start()}
     * brings the server back.
     */
    public synchronized void stopAll() {
        // Sessions first, while the listener lives to reap them; then again for any it accepted meanwhile.
        killSessions();
        stop();
        killSessions();
    }

    /**
     * Kills (SIGKILL) every session of this server as it runs now, the deepest processes first (each SFTP
     * channel's process, then its connection's), and leaves the listener running: clients see their channels and
     * connections drop, as when an administrator or the OOM killer ends them, and can connect again at once.
     * One round: a session accepted meanwhile is not looked for (see {@link #stopAll()} for that).
     */
    public synchronized void endSessions() {
        killDeepestFirst(sessionProcesses());
    }

    /**
     * The processes serving this server's sessions now (running, not zombies): the listener's descendants, every
     * process holding a connection on its port, and what those started.
     */
    public synchronized List<ProcessHandle> sessionProcesses() {
        Set<ProcessHandle> found = new LinkedHashSet<>();
        Process process = sshd;
        if (process != null) {
            process.descendants().forEach(found::add);
        }
        for (long pid : connectionHolders(port)) {
            if (process == null || pid != process.pid()) {
                ProcessHandle.of(pid).ifPresent(found::add);
            }
        }
        found.addAll(seenSessions);
        for (ProcessHandle handle : List.copyOf(found)) {
            handle.descendants().forEach(found::add);
        }
        found.removeIf(handle -> !running(handle));
        seenSessions.addAll(found);
        return List.copyOf(found);
    }

    /**
     * Gives the server a new host key, for a test of a changed key: only while stopped; the next {@link #start()}
     * presents it. {@link #knownHosts()} keeps the old line; {@link #knownHostsLine()} and
     * {@link #hostKeyFingerprint()} give the new key.
     */
    public synchronized void replaceHostKey() throws IOException {
        requireInTest();
        if (sshd != null) {
            throw new IllegalStateException("replaceHostKey() while sshd runs: stop() first");
        }
        Files.delete(hostKeyFile());
        Files.delete(hostKeyFile().resolveSibling(hostKeyFile().getFileName() + ".pub"));
        makeHostKey();
    }

    // ---- start and stop

    /** Starts sshd; on a new free port, rewriting the configuration, if {@code choosePort}. */
    private void launch(boolean choosePort) throws IOException {
        for (int attempt = 1; ; attempt++) {
            if (choosePort) {
                port = freePort();
                writeConfiguration();
            }
            Files.deleteIfExists(pidFile());
            Process process = new ProcessBuilder(SSHD.toString(), "-D", "-f", configFile().toString(),
                    "-E", logFile().toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            process.getOutputStream().close();
            sshd = process;
            LIVE.add(this);
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (true) {
                if (!process.isAlive()) {
                    sshd = null;
                    String log = log();
                    if (choosePort && attempt < PORT_ATTEMPTS && log.contains("Cannot bind any address")) {
                        break;
                    }
                    throw new AssertionError("sshd exited with " + process.exitValue() + " instead of listening on "
                            + ADDRESS + ":" + port + "\n--- sshd log ---\n" + log);
                }
                if (pidFileNames(process) && accepts()) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    stop();
                    throw new AssertionError("sshd did not listen on " + ADDRESS + ":" + port + " within "
                            + START_TIMEOUT.toSeconds() + " s\n--- sshd log ---\n" + log());
                }
                pause();
            }
        }
    }

    /** Whether the pid file is written and names {@code process}. */
    private boolean pidFileNames(Process process) {
        try {
            return String.valueOf(process.pid()).equals(Files.readString(pidFile()).strip());
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the port accepts a TCP connection now. */
    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ADDRESS, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(ADDRESS))) {
            return socket.getLocalPort();
        }
    }

    /** Kills the sessions, deepest processes first so that a living parent reaps each; a few rounds. */
    private void killSessions() {
        for (int round = 1; ; round++) {
            List<ProcessHandle> sessions = sessionProcesses();
            if (sessions.isEmpty()) {
                seenSessions.clear();
                return;
            }
            if (round > KILL_ROUNDS) {
                throw new AssertionError("sessions of sshd on port " + port + " still run after " + KILL_ROUNDS
                        + " rounds of SIGKILL: " + sessions.stream().map(ProcessHandle::pid).toList());
            }
            killDeepestFirst(sessions);
        }
    }

    /** Kills {@code processes}, level by level from the deepest, each level ended before the next is killed. */
    private static void killDeepestFirst(List<ProcessHandle> processes) {
        for (List<ProcessHandle> level : deepestFirst(processes)) {
            level.forEach(ProcessHandle::destroyForcibly);
            long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
            while (level.stream().anyMatch(OpenSshServer::running) && System.nanoTime() - deadline < 0) {
                pause();
            }
        }
    }

    /** {@code processes} grouped by how many of their ancestors are among them, the deepest group first. */
    private static List<List<ProcessHandle>> deepestFirst(List<ProcessHandle> processes) {
        Set<Long> pids = new HashSet<>();
        processes.forEach(handle -> pids.add(handle.pid()));
        Map<Integer, List<ProcessHandle>> byDepth = new TreeMap<>(Comparator.reverseOrder());
        for (ProcessHandle handle : processes) {
            int depth = 0;
            ProcessHandle ancestor = handle.parent().orElse(null);
            for (int steps = 0; ancestor != null && steps < 64; steps++) {
                if (pids.contains(ancestor.pid())) {
                    depth++;
                }
                ancestor = ancestor.parent().orElse(null);
            }
            byDepth.computeIfAbsent(depth, d -> new ArrayList<>()).add(handle);
        }
        return List.copyOf(byDepth.values());
    }

    /** Whether the process exists and is not a zombie (a zombie holds nothing, and init may never reap it). */
    private static boolean running(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(handle.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The pids of the processes that hold a TCP connection (not the listening socket) whose local end is
     * 127.0.0.1:{@code port}: the server side of this server's sessions.
     */
    private static Set<Long> connectionHolders(int port) {
        Set<String> sockets = new HashSet<>();
        String local = "0100007F:" + String.format("%04X", port);
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
                String[] fields = line.strip().split("\\s+");
                if (fields.length > 9 && fields[1].equals(local) && !fields[3].equals(TCP_LISTEN)
                        && !fields[9].equals("0")) {
                    sockets.add("socket:[" + fields[9] + "]");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<Long> holders = new HashSet<>();
        if (sockets.isEmpty()) {
            return holders;
        }
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"),
                entry -> entry.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path process : processes) {
                if (holdsAny(process.resolve("fd"), sockets)) {
                    holders.add(Long.parseLong(process.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return holders;
    }

    private static boolean holdsAny(Path fdDir, Set<String> sockets) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                try {
                    if (sockets.contains(Files.readSymbolicLink(fd).toString())) {
                        return true;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            // the process ended meanwhile
        }
        return false;
    }

    private void cleanUp(boolean failed) throws IOException {
        if (dir == null) {
            return;
        }
        try {
            if (failed && Files.exists(logFile())) {
                System.err.println("--- log of sshd on port " + port + " ---\n" + log());
            }
            stopAll();
        } finally {
            LIVE.remove(this);
            Path tree = dir;
            dir = null;
            deleteTree(tree);
        }
    }

    /** On JVM exit, whatever a test left running (no locks: the test thread may hold them). */
    private void killOnShutdown() {
        Process process = sshd;
        if (process != null) {
            process.destroyForcibly();
        }
        seenSessions.forEach(ProcessHandle::destroyForcibly);
        try {
            connectionHolders(port).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        } catch (RuntimeException e) {
            // best effort on the way out
        }
    }

    // ---- files

    private Path serverDir() {
        return dir.resolve("server");
    }

    private Path hostKeyFile() {
        return serverDir().resolve("ssh_host_ed25519_key");
    }

    private Path configFile() {
        return serverDir().resolve("sshd_config");
    }

    private Path pidFile() {
        return serverDir().resolve("sshd.pid");
    }

    private Path logFile() {
        return serverDir().resolve("sshd.log");
    }

    private void makeHostKey() throws IOException {
        keygen(hostKeyFile(), "dirsync-test-host");
        Path publicKey = hostKeyFile().resolveSibling(hostKeyFile().getFileName() + ".pub");
        hostKey = keyOf(publicKey);
        String listing = run(List.of(SSH_KEYGEN.toString(), "-l", "-E", "sha256", "-f", publicKey.toString()));
        fingerprint = Stream.of(listing.strip().split("\\s+")).filter(field -> field.startsWith("SHA256:"))
                .findFirst().orElseThrow(() -> new IllegalStateException("no fingerprint in: " + listing));
    }

    /** Writes sshd_config, known_hosts and the client's config for the current port. */
    private void writeConfiguration() throws IOException {
        List<String> lines = new ArrayList<>(configLines);
        boolean ownSftp = configLines.stream().anyMatch(line -> line.startsWith(SFTP_SUBSYSTEM));
        lines.addAll(List.of(
                "# A test's own OpenSSH server (dirsync.testing.OpenSshServer).",
                "Port " + port,
                "ListenAddress " + ADDRESS,
                "HostKey " + hostKeyFile(),
                "PidFile " + pidFile(),
                "AuthorizedKeysFile " + serverDir().resolve("authorized_keys"),
                // The temporary directory's parents (/tmp) fail its ownership checks.
                "StrictModes no",
                "PubkeyAuthentication yes",
                "AuthenticationMethods publickey",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "PermitRootLogin prohibit-password",
                ownSftp ? "# " + SFTP_SUBSYSTEM + "as the test gave it, above" : SFTP_SUBSYSTEM + "internal-sftp",
                // Many channels and connections at once (a client with parallel SFTP channels, tests that
                // connect repeatedly).
                "MaxSessions 64",
                "MaxStartups 128",
                "UseDNS no",
                "PrintMotd no",
                "PrintLastLog no",
                "X11Forwarding no",
                "LogLevel VERBOSE",
                // A command's shell skips the login user's ~/.bashrc: bash reads it for a command from sshd only
                // at shell level 1, and this makes it 2. Root's here runs pyenv, whose rehash lock a session killed
                // after its test (see above) leaves behind, and every later shell then waits 60 s for it: a
                // command could not start within dirsync's probe and the test would depend on the machine.
                "SetEnv SHLVL=1",
                ""));
        String config = String.join("\n", lines);
        Files.writeString(configFile(), config + penaltiesLine(configFile(), config));
        Files.writeString(knownHosts(), knownHostsLine() + "\n");
        Files.writeString(sshConfig(), String.join("\n",
                "Host " + HOST_ALIAS,
                "    HostName " + ADDRESS,
                "    Port " + port,
                "    User " + USER,
                "    IdentityFile " + clientKey(),
                ""));
    }

    /**
     * {@code "PerSourcePenalties no\n"} if this sshd knows the option, else "": asks sshd ({@code -t}) once per
     * JVM, with {@code config} plus that line written to {@code configFile}.
     */
    private static synchronized String penaltiesLine(Path configFile, String config) throws IOException {
        String line = "PerSourcePenalties no\n";
        if (penaltiesOption == null) {
            Files.writeString(configFile, config + line);
            Process test = new ProcessBuilder(SSHD.toString(), "-t", "-f", configFile.toString())
                    .redirectErrorStream(true).start();
            String output = outputOf(test);
            if (test.exitValue() == 0) {
                penaltiesOption = true;
            } else if (output.contains("PerSourcePenalties")) {
                penaltiesOption = false;
            } else {
                throw new AssertionError("sshd -t refuses the configuration:\n" + output + "\n--- " + configFile
                        + " ---\n" + config + line);
            }
        }
        return penaltiesOption ? line : "";
    }

    private static void keygen(Path key, String comment) throws IOException {
        run(List.of(SSH_KEYGEN.toString(), "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key.toString()));
    }

    /** A public key file's type and key, without its comment. */
    private static String keyOf(Path publicKey) throws IOException {
        String[] fields = Files.readString(publicKey).strip().split("\\s+");
        return fields[0] + " " + fields[1];
    }

    /** Runs a command to its end; its output, or an error with it if it fails. */
    private static String run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = outputOf(process);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ":\n"
                    + output);
        }
        return output;
    }

    /** Closes the process's input, reads its output to the end and waits for it to exit. */
    private static String outputOf(Process process) throws IOException {
        process.getOutputStream().close();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!waitFor(process, COMMAND_TIMEOUT)) {
            process.destroyForcibly();
            throw new IOException("did not exit within " + COMMAND_TIMEOUT.toSeconds() + " s: " + process.info());
        }
        return output;
    }

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + process.info(), e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_STEP.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private void requireInTest() {
        if (dir == null) {
            throw new IllegalStateException("the server exists only during a test (register it with "
                    + "@RegisterExtension)");
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            List<Path> entries;
            try (Stream<Path> list = Files.list(path)) {
                entries = list.toList();
            }
            for (Path entry : entries) {
                deleteTree(entry);
            }
        }
        Files.deleteIfExists(path);
    }
}
