package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dirsync.testing.EmbeddedSftpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** known_hosts checked strictly: unknown and changed keys refused before a login is tried; accept-new. */
class SshConnectorHostKeyTest {

    @RegisterExtension
    static final EmbeddedSftpServer SERVER = new EmbeddedSftpServer();

    @TempDir
    Path home;

    private final SshConnector connector = new SshConnector();
    private Path keyFile;
    private Path knownHosts;

    @BeforeEach
    void aKeyTheServerAccepts() throws Exception {
        KeyPair key = SshTestKeys.ed25519();
        SERVER.authorize(key.getPublic());
        keyFile = SshTestKeys.writePrivateKey(home.resolve("keys/dirsync_ed25519"), key, null);
        knownHosts = home.resolve(".ssh/known_hosts");
    }

    @Test
    void anUnknownHostKeyIsRefusedWithItsFingerprintBeforeAnyLogin() throws Exception {
        String fingerprint = SshTestKeys.fingerprintOfLine(SERVER.knownHostsLine());
        String type = SERVER.knownHostsLine().split(" ")[1];
        int offered = SERVER.keyChecks();

        assertThatThrownBy(() -> connect(options()))
                .isInstanceOfSatisfying(HostKeyRejectedException.class, rejected -> {
                    assertThat(rejected.reason()).isEqualTo(HostKeyRejectedException.Reason.UNKNOWN);
                    assertThat(rejected.fingerprint()).isEqualTo(fingerprint);
                })
                .hasMessageStartingWith("the host key of 127.0.0.1:" + SERVER.port() + " is not known:"
                        + " " + type + " " + fingerprint + ";")
                .hasMessageContaining("`mkdir -p ~/.ssh && ssh-keyscan -p " + SERVER.port() + " 127.0.0.1 >> ~/.ssh/known_hosts`")
                .hasMessageContaining("--accept-new-host-key")
                .message().doesNotContain("\n");
        assertThat(SERVER.keyChecks()).isEqualTo(offered);
        assertThat(knownHosts).doesNotExist();
    }

    @Test
    void theFingerprintIsTheOneSshKeygenShows() throws Exception {
        Path line = Files.writeString(home.resolve("server.pub"), SERVER.knownHostsLine() + "\n");
        Process keygen;
        try {
            keygen = new ProcessBuilder("ssh-keygen", "-lf", line.toString()).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            assumeTrue(false, "ssh-keygen is not on this machine");
            return;
        }
        String shown = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keygen.waitFor()).isZero();

        assertThatThrownBy(() -> connect(options()))
                .isInstanceOfSatisfying(HostKeyRejectedException.class, rejected ->
                        assertThat(shown).contains(" " + rejected.fingerprint() + " "));
    }

    @Test
    void aChangedHostKeyIsRefusedEvenWithAcceptNew() throws Exception {
        String type = SERVER.knownHostsLine().split(" ")[1];
        KeyPair sameType = KeyUtils.generateKeyPair(type, KeyUtils.getKeySize(SERVER.hostKey()));
        String other = "[127.0.0.1]:" + SERVER.port() + " " + PublicKeyEntry.toString(sameType.getPublic());
        Files.createDirectories(knownHosts.getParent());
        Files.writeString(knownHosts, "# mine\nexample.org " + PublicKeyEntry.toString(SshTestKeys.ecdsa()
                .getPublic()) + "\n" + other + "\n");
        String before = Files.readString(knownHosts);
        int offered = SERVER.keyChecks();

        assertThatThrownBy(() -> connect(options().withAcceptNewHostKey(true)))
                .isInstanceOfSatisfying(HostKeyRejectedException.class, rejected ->
                        assertThat(rejected.reason()).isEqualTo(HostKeyRejectedException.Reason.CHANGED))
                .hasMessageStartingWith("WARNING: THE HOST KEY OF 127.0.0.1:" + SERVER.port() + " HAS CHANGED: it is"
                        + " now " + type + " " + SshTestKeys.fingerprintOfLine(SERVER.knownHostsLine()))
                .hasMessageContaining("~/.ssh/known_hosts line 3 holds another")
                .hasMessageContaining("ssh-keygen -R '[127.0.0.1]:" + SERVER.port() + "'")
                .message().doesNotContain("\n");
        assertThat(Files.readString(knownHosts)).isEqualTo(before);
        assertThat(SERVER.keyChecks()).isEqualTo(offered);
    }

    @Test
    void acceptNewAddsExactlyOneLineAndTheNextConnectNeedsNoOption() throws Exception {
        try (RemoteConnection connection = connect(options().withAcceptNewHostKey(true))) {
            assertThat(connection.isOpen()).isTrue();
            assertThat(connection.addedHostKey()).contains(SERVER.knownHostsLine());
        }
        assertThat(Files.readAllLines(knownHosts)).containsExactly(SERVER.knownHostsLine());
        assertThat(Files.getPosixFilePermissions(knownHosts))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(knownHosts.getParent()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));

        try (RemoteConnection connection = connect(options())) {
            assertThat(connection.addedHostKey()).isEmpty();
        }
        try (RemoteConnection connection = connect(options().withAcceptNewHostKey(true))) {
            assertThat(connection.addedHostKey()).isEmpty();
        }
        assertThat(Files.readAllLines(knownHosts)).containsExactly(SERVER.knownHostsLine());
    }

    @Test
    void acceptNewAppendsOnItsOwnLineToAFileWithoutAFinalNewline() throws Exception {
        Files.createDirectories(knownHosts.getParent());
        String mine = "example.org " + PublicKeyEntry.toString(SshTestKeys.ecdsa().getPublic());
        Files.writeString(knownHosts, mine);

        try (RemoteConnection connection = connect(options().withAcceptNewHostKey(true))) {
            assertThat(connection.isOpen()).isTrue();
        }
        assertThat(Files.readAllLines(knownHosts)).containsExactly(mine, SERVER.knownHostsLine());
    }

    @Test
    void aHashedKnownHostsEntryIsMatched() throws Exception {
        Files.createDirectories(knownHosts.getParent());
        Files.writeString(knownHosts, SshTestKeys.hashedLine("[127.0.0.1]:" + SERVER.port(), SERVER.hostKey())
                + "\n");

        try (RemoteConnection connection = connect(options())) {
            assertThat(connection.isOpen()).isTrue();
        }
    }

    @Test
    void aKnownKeyOfAnotherTypeLeavesThisOneUnknown() throws Exception {
        Files.createDirectories(knownHosts.getParent());
        Files.writeString(knownHosts, "[127.0.0.1]:" + SERVER.port() + " "
                + PublicKeyEntry.toString(SshTestKeys.ed25519().getPublic()) + "\n");

        assertThatThrownBy(() -> connect(options()))
                .isInstanceOfSatisfying(HostKeyRejectedException.class, rejected ->
                        assertThat(rejected.reason()).isEqualTo(HostKeyRejectedException.Reason.UNKNOWN));
    }

    @Test
    void anEntryForPort22DoesNotVouchForAnotherPort() throws Exception {
        Files.createDirectories(knownHosts.getParent());
        Files.writeString(knownHosts, "127.0.0.1 " + PublicKeyEntry.toString(SERVER.hostKey()) + "\n");

        assertThatThrownBy(() -> connect(options()))
                .isInstanceOfSatisfying(HostKeyRejectedException.class, rejected ->
                        assertThat(rejected.reason()).isEqualTo(HostKeyRejectedException.Reason.UNKNOWN));
    }

    @Test
    void aRevokedKeyIsRefused() throws Exception {
        Files.createDirectories(knownHosts.getParent());
        Files.write(knownHosts, List.of(SERVER.knownHostsLine(),
                "@revoked * " + PublicKeyEntry.toString(SERVER.hostKey())));

        assertThatThrownBy(() -> connect(options().withAcceptNewHostKey(true)))
                .isInstanceOfSatisfying(HostKeyRejectedException.class, rejected ->
                        assertThat(rejected.reason()).isEqualTo(HostKeyRejectedException.Reason.REVOKED))
                .hasMessageContaining("is marked @revoked in ~/.ssh/known_hosts line 2");
    }

    private SshOptions options() {
        return SshOptions.defaults(home).withKeyFile(keyFile);
    }

    private RemoteConnection connect(SshOptions options) throws IOException {
        return connector.connect(SftpLocation.parse("sftp://tester@127.0.0.1:" + SERVER.port() + "/tmp"), options);
    }
}
