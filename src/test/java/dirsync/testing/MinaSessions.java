package dirsync.testing;

import dirsync.fs.sftp.OwnersCarried;
import dirsync.fs.sftp.SftpTree;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.SftpVersionSelector;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * MINA SSH sessions to the test's {@link OpenSshServer}, logged in with its client key: the SFTP v3 trees a test
 * syncs into without the program's own connection code. Register it after the server
 * ({@code @RegisterExtension final MinaSessions sessions = new MinaSessions(sshd);}); its client starts at the
 * first session and stops after each test.
 */
public final class MinaSessions implements AfterEachCallback {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final OpenSshServer server;
    private SshClient client;

    public MinaSessions(OpenSshServer server) {
        this.server = server;
    }

    /** A new session, authenticated. */
    public ClientSession session() throws IOException {
        if (client == null) {
            client = SshClient.setUpDefaultClient();
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            client.setKeyIdentityProvider(new FileKeyPairProvider(server.clientKey()));
            client.start();
        }
        ClientSession session = client.connect(OpenSshServer.USER, OpenSshServer.ADDRESS, server.port())
                .verify(TIMEOUT).getSession();
        session.auth().verify(TIMEOUT);
        return session;
    }

    /** A tree under {@code root} over one SFTP v3 channel of a new session, named by the server's URI of it. */
    public SftpTree tree(Path root) throws IOException {
        return tree(root, OwnersCarried.BOTH);
    }

    /** The same, carrying only {@code owners} of the source's owners ({@code --no-owner}, {@code --no-group}). */
    public SftpTree tree(Path root, OwnersCarried owners) throws IOException {
        return SftpTree.over(SftpClientFactory.instance().createSftpClient(session(),
                SftpVersionSelector.fixedVersionSelector(3)), root.toString(), server.uri(root), owners);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (client != null) {
            client.stop();
            client = null;
        }
    }
}
