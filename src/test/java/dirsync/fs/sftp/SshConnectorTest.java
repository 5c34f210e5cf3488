package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dirsync.fs.RelPath;
import dirsync.testing.EmbeddedSftpServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.sshd.sftp.client.FullAccessSftpClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Connecting as ssh would: keys, ~/.ssh/config, unreachable hosts, and commands over exec channels. */
class SshConnectorTest {

    @RegisterExtension
    static final EmbeddedSftpServer SERVER = new EmbeddedSftpServer();

    @TempDir
    Path home;
    @TempDir
    Path remote;

    private final SshConnector connector = new SshConnector();
    private KeyPair key;

    @BeforeEach
    void knowTheServer() throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/known_hosts"), SERVER.knownHostsLine() + "\n");
        key = SshTestKeys.ed25519();
        SERVER.authorize(key.getPublic());
    }

    @Test
    void connectsWithAKnownHostKeyAndAKeyFile() throws Exception {
        Path keyFile = SshTestKeys.writePrivateKey(home.resolve("keys/dirsync_ed25519"), key, null);
        Files.writeString(remote.resolve("file"), "content");

        try (RemoteConnection connection = connector.connect(location("tester@127.0.0.1:" + SERVER.port()),
                SshOptions.defaults(home).withKeyFile(keyFile))) {
            assertThat(connection.isOpen()).isTrue();
            assertThat(connection.describe()).isEqualTo("tester@127.0.0.1:" + SERVER.port());
            assertThat(connection.addedHostKey()).isEmpty();
            assertThat(connection.sftp()).isInstanceOf(FullAccessSftpClient.class);
            assertThat(connection.sftp().getVersion()).isEqualTo(3);
            assertThat(connection.sftp().stat(remote.resolve("file").toString()).getSize()).isEqualTo(7);
            SftpTree tree = SftpTree.over(connection.sftp(), remote.toString(), connection.describe());
            assertThat(tree.list(RelPath.ROOT).entries()).hasSize(1);
            connection.close();
            assertThat(connection.isOpen()).isFalse();
        }
        assertThat(SERVER.lastUser()).isEqualTo("tester");
    }

    @Test
    void usesTheDefaultKeysInSshWhenNoneIsNamed() throws Exception {
        SshTestKeys.writePrivateKey(home.resolve(".ssh/id_ecdsa"), key, null);

        try (RemoteConnection connection = connector.connect(location("tester@127.0.0.1:" + SERVER.port()),
                SshOptions.defaults(home))) {
            assertThat(connection.isOpen()).isTrue();
        }
    }

    @Test
    void skipsAnEncryptedDefaultKeyWhenAnotherWorks() throws Exception {
        SshTestKeys.writePrivateKey(home.resolve(".ssh/id_ed25519"), SshTestKeys.ed25519(), "passphrase");
        SshTestKeys.writePrivateKey(home.resolve(".ssh/id_rsa"), key, null);

        try (RemoteConnection connection = connector.connect(location("tester@127.0.0.1:" + SERVER.port()),
                SshOptions.defaults(home))) {
            assertThat(connection.isOpen()).isTrue();
        }
    }

    @Test
    void takesHostNamePortUserAndIdentityFileFromTheConfigForAnAlias() throws Exception {
        SshTestKeys.writePrivateKey(home.resolve("keys/backup_key"), key, null);
        Files.writeString(home.resolve(".ssh/config"), """
                # the backup host
                Host other
                    User nobody
                Host backup mirror-*
                    HostName 127.0.0.1
                    Port %d
                    User backupuser
                    IdentityFile ~/keys/backup_key
                Host *
                    User fallback
                    Port 1
                """.formatted(SERVER.port()));

        try (RemoteConnection connection = connector.connect(location("backup"), SshOptions.defaults(home))) {
            assertThat(connection.describe()).isEqualTo("backupuser@127.0.0.1:" + SERVER.port());
        }
        assertThat(SERVER.lastUser()).isEqualTo("backupuser");
    }

    @Test
    void theAddressesUserAndPortWinOverTheConfig() throws Exception {
        SshTestKeys.writePrivateKey(home.resolve(".ssh/id_ed25519"), key, null);
        Files.writeString(home.resolve(".ssh/config"), """
                Host backup
                    HostName 127.0.0.1
                    Port 1
                    User configured
                """);

        try (RemoteConnection connection = connector.connect(location("explicit@backup:" + SERVER.port()),
                SshOptions.defaults(home))) {
            assertThat(connection.describe()).isEqualTo("explicit@127.0.0.1:" + SERVER.port());
        }
        assertThat(SERVER.lastUser()).isEqualTo("explicit");
    }

    @Test
    void aRefusedPortIsATransientFaultNamingHostAndPort() throws Exception {
        SshTestKeys.writePrivateKey(home.resolve(".ssh/id_ed25519"), key, null);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        // The refusal itself, not the 5 s timeout, ends it: the message says so (no clock: CI's machine is loaded).
        assertThatThrownBy(() -> connector.connect(location("127.0.0.1:" + closedPort),
                SshOptions.defaults(home).withConnectTimeout(Duration.ofSeconds(5))))
                .isInstanceOf(ConnectException.class)
                .isNotInstanceOf(SshSetupException.class)
                .hasMessageStartingWith("cannot connect to 127.0.0.1:" + closedPort + ": connection refused");
    }

    @Test
    void aServerThatNeverSpeaksTimesOutNamingHostAndPort() throws Exception {
        SshTestKeys.writePrivateKey(home.resolve(".ssh/id_ed25519"), key, null);
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            // The timeout given, 1 s, ends it: the message says so (no clock: CI's machine is loaded).
            assertThatThrownBy(() -> connector.connect(location("127.0.0.1:" + silent.getLocalPort()),
                    SshOptions.defaults(home).withConnectTimeout(Duration.ofSeconds(1))))
                    .isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("127.0.0.1:" + silent.getLocalPort())
                    .hasMessageContaining("within 1 s");
        }
    }

    @Test
    void anUnknownHostNameIsNamed() throws Exception {
        SshTestKeys.writePrivateKey(home.resolve(".ssh/id_ed25519"), key, null);

        assertThatThrownBy(() -> connector.connect(location("no-such-host.invalid:2222"), SshOptions.defaults(home)))
                .isInstanceOf(UnknownHostException.class)
                .hasMessage("cannot connect to no-such-host.invalid:2222: unknown host name 'no-such-host.invalid'");
    }

    @Test
    void anEncryptedKeyIsRefusedByNameBeforeConnecting() throws Exception {
        Path keyFile = SshTestKeys.writePrivateKey(home.resolve("keys/locked"), key, "passphrase");
        int offered = SERVER.keyChecks();

        assertThatThrownBy(() -> connector.connect(location("127.0.0.1:" + SERVER.port()),
                SshOptions.defaults(home).withKeyFile(keyFile)))
                .isExactlyInstanceOf(SshSetupException.class)
                .hasMessageStartingWith("cannot use the key " + keyFile + ": it is protected by a passphrase,"
                        + " and dirsync asks for none and uses no agent")
                .message().doesNotContain("\n");
        assertThat(SERVER.keyChecks()).isEqualTo(offered);
    }

    @Test
    void noKeyAtAllIsSaidBeforeConnecting() {
        assertThatThrownBy(() -> connector.connect(location("127.0.0.1:" + SERVER.port()),
                SshOptions.defaults(home)))
                .isExactlyInstanceOf(SshSetupException.class)
                .hasMessageStartingWith("no key to log in to 127.0.0.1 with: none of")
                .hasMessageContaining("id_ed25519")
                .hasMessageContaining("id_ecdsa or ")
                .hasMessageNotContaining("[");
    }

    @Test
    void aMissingKeyFileGivenWithTheOptionIsNamed() {
        Path missing = home.resolve("keys/none");

        assertThatThrownBy(() -> connector.connect(location("127.0.0.1:" + SERVER.port()),
                SshOptions.defaults(home).withKeyFile(missing)))
                .isExactlyInstanceOf(SshSetupException.class)
                .hasMessage("cannot read the key " + missing + " given with --ssh-key: no such file");
    }

    @Test
    void aKeyTheServerDoesNotAcceptFailsTheLogin() throws Exception {
        Path keyFile = SshTestKeys.writePrivateKey(home.resolve("keys/stranger"), SshTestKeys.ed25519(), null);

        assertThatThrownBy(() -> connector.connect(location("someone@127.0.0.1:" + SERVER.port()),
                SshOptions.defaults(home).withKeyFile(keyFile)))
                .isInstanceOf(AuthenticationFailedException.class)
                .hasMessageStartingWith("cannot log in to someone@127.0.0.1:" + SERVER.port()
                        + ": the server did not accept the key " + keyFile)
                .message().doesNotContain("\n");
    }

    @Test
    void runsACommandWithInputAndGetsItsOutputAndStatus() throws Exception {
        try (RemoteConnection connection = connectWithKey()) {
            ExecResult result = connection.exec("cat; echo oops >&2; exit 3",
                    "hello".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(20));

            assertThat(result.exitStatus()).isEqualTo(3);
            assertThat(result.stdoutText()).isEqualTo("hello");
            assertThat(result.stderr()).isEqualTo("oops\n");
        }
    }

    @Test
    void md5sumOfEmptyInputIsTheEmptyHash() throws Exception {
        assumeTrue(Stream.of(System.getenv("PATH").split(":")).anyMatch(dir -> Files.isExecutable(
                Path.of(dir, "md5sum"))), "md5sum is not on this machine");
        try (RemoteConnection connection = connectWithKey()) {
            ExecResult result = connection.exec("md5sum", new byte[0], Duration.ofSeconds(20));

            assertThat(result.exitStatus()).isZero();
            assertThat(result.stdoutText()).startsWith("d41d8cd98f00b204e9800998ecf8427e");
        }
    }

    @Test
    void aCommandThatDoesNotEndInTimeIsStopped() throws Exception {
        try (RemoteConnection connection = connectWithKey()) {
            assertThatThrownBy(() -> connection.exec("sleep 2", new byte[0], Duration.ofMillis(300)))
                    .isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("'sleep 2' on ");
            assertThat(connection.isOpen()).isTrue();
        }
    }

    @Test
    void orderingPutsTheKnownKeyTypesAlgorithmsFirst() {
        var factories = org.apache.sshd.client.SshClient.setUpDefaultClient().getSignatureFactories();

        var ordered = SshConnector.knownTypesFirst(factories, java.util.Set.of("ssh-rsa"));

        assertThat(ordered).hasSameSizeAs(factories);
        assertThat(ordered.get(0).getName()).matches("rsa-sha2-512|rsa-sha2-256|ssh-rsa");
        assertThat(ordered.subList(0, 3)).extracting(f -> f.getName())
                .containsExactlyInAnyOrder("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa");
    }

    private RemoteConnection connectWithKey() throws Exception {
        Path keyFile = SshTestKeys.writePrivateKey(home.resolve("keys/k"), key, null);
        return connector.connect(location("tester@127.0.0.1:" + SERVER.port()),
                SshOptions.defaults(home).withKeyFile(keyFile));
    }

    private SftpLocation location(String authority) throws IOException {
        return SftpLocation.parse("sftp://" + authority + remote.toRealPath());
    }
}
