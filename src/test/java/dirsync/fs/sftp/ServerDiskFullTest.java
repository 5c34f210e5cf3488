package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.fs.Cancellation;
import dirsync.fs.Md5;
import dirsync.fs.OutOfSpaceException;
import dirsync.fs.Progress;
import dirsync.fs.RelPath;
import dirsync.fs.Work;
import dirsync.fs.local.LocalTree;
import dirsync.testing.OpenSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.SftpVersionSelector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk on a real OpenSSH server, which answers SFTP v3's reasonless "Failure": the tree asks statvfs and
 * throws an {@link OutOfSpaceException}, which the core tells by its type. The replica is a 1 MiB tmpfs (root only).
 */
class ServerDiskFullTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    final OpenSshServer sshd = new OpenSshServer();

    @TempDir
    Path temp;

    private Path replica;
    private boolean mounted;
    private SshClient client;

    @AfterEach
    void close() throws Exception {
        if (client != null) {
            client.stop();
        }
        if (mounted) {
            command("umount", replica.toString());
        }
    }

    @Test
    void aCopyOntoAServerDiskThatStatvfsShowsFullIsOutOfSpace() throws Exception {
        Path source = Files.createDirectory(temp.resolve("source"));
        Files.write(source.resolve("big"), new byte[2 << 20]);
        replica = Files.createDirectory(temp.resolve("small-disk"));
        Assumptions.assumeTrue(command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", replica.toString()) == 0,
                "cannot mount a tmpfs here (needs root)");
        mounted = true;
        SftpTree tree = SftpTree.over(sftp(), replica.toString(), sshd.uri(replica));
        LocalTree from = LocalTree.at(source);
        RelPath big = RelPath.of("big");

        assertThatThrownBy(() -> tree.installFile(from, big, from.examine(big), null,
                new Work(Cancellation.NEVER, new Md5(), new Progress())))
                .isInstanceOf(OutOfSpaceException.class).hasMessageEndingWith(": No space left on device");
        try (var left = Files.list(replica)) {
            assertThat(left).as("no temporary file left").isEmpty();
        }
    }

    private SftpClient sftp() throws Exception {
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setKeyIdentityProvider(new FileKeyPairProvider(sshd.clientKey()));
        client.start();
        ClientSession session = client.connect(OpenSshServer.USER, OpenSshServer.ADDRESS, sshd.port())
                .verify(TIMEOUT).getSession();
        session.auth().verify(TIMEOUT);
        return SftpClientFactory.instance().createSftpClient(session, SftpVersionSelector.fixedVersionSelector(3));
    }

    private static int command(String... command) throws Exception {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }
}
