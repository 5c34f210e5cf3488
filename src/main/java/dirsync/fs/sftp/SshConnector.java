package dirsync.fs.sftp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientSession.ClientSessionEvent;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.SftpVersionSelector;

/**
 * Opens an SSH connection and an SFTP channel the way OpenSSH's {@code ssh} would for the same user: the address
 * read with {@code ~/.ssh/config} (HostName, Port, User, IdentityFile), the user's own keys, and known_hosts
 * checked strictly. Nothing is taken from the environment beyond {@link SshOptions}: no agent, no passphrase, no
 * password, and MINA's own reading of {@code ~/.ssh} is switched off.
 * <p>
 * The steps, each within {@link SshOptions#connectTimeout()}: the keys are read (before any connection); the TCP
 * connection; the key exchange, where the host key is checked before anything else is sent; the login by key;
 * the SFTP channel, pinned to version 3 (what OpenSSH speaks). A dead connection is found by keepalives (as
 * {@code ServerAliveInterval 15}, {@code ServerAliveCountMax 4}): the session closes, and requests on it fail.
 * <p>
 * What a failure means, for the application's exit codes:
 * <ul>
 *   <li>{@link HostKeyRejectedException}, {@link AuthenticationFailedException} and their parent
 *   {@link SshSetupException} (a key file, the config): the user must fix something; retrying will not help;</li>
 *   <li>any other {@link IOException} (unknown host name, connection refused, no answer in time, connection closed
 *   during the handshake): the host could not be reached, which may pass.</li>
 * </ul>
 * Every message is one line and names the host and port.
 */
public final class SshConnector {

    private static final Duration KEEPALIVE_INTERVAL = Duration.ofSeconds(15);
    private static final int KEEPALIVE_MAX_UNANSWERED = 4;
    private static final String KEEPALIVE_REQUEST = "keepalive@openssh.com";
    static final int SFTP_VERSION = 3;

    public RemoteConnection connect(SftpLocation where, SshOptions options) throws IOException {
        SshTarget target = SshTarget.resolve(where, options);
        ClientKeys.Loaded keys = ClientKeys.load(target);
        KnownHosts knownHosts = KnownHosts.read(options.knownHosts());
        HostKeyCheck hostKeyCheck = new HostKeyCheck(knownHosts, target, options.acceptNewHostKey(), options.home());
        InetAddress address = resolve(target);
        Duration timeout = options.connectTimeout();

        SshClient client = client(options, hostKeyCheck, knownHosts.keyTypes(target.hostName(), target.port()));
        ClientSession session = null;
        try {
            client.start();
            session = handshake(client, target, address, timeout, hostKeyCheck);
            for (var pair : keys.keys()) {
                session.addPublicKeyIdentity(pair);
            }
            logIn(session, target, keys, timeout);
            // Opened while the caller starts its first commands (StartAhead): its round trips overlap theirs.
            final ClientSession loggedIn = session;
            return new RemoteConnection(client, session, StartAhead.onThreadOfItsOwn("dirsync-sftp-open",
                    () -> openSftp(loggedIn, target)), target.describe(), hostKeyCheck.addedLine());
        } catch (IOException | RuntimeException e) {
            if (session != null) {
                session.close(true);
            }
            client.stop();
            throw e;
        }
    }

    /** A client for one connection: only key logins, no agent, nothing read from ~/.ssh by MINA itself. */
    private static SshClient client(SshOptions options, HostKeyCheck hostKeyCheck, Set<String> knownKeyTypes) {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(hostKeyCheck);
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setFilePasswordProvider(FilePasswordProvider.EMPTY);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setSignatureFactories(knownTypesFirst(client.getSignatureFactories(), knownKeyTypes));
        client.setCipherFactories(hardwareCiphersFirst(client.getCipherFactories()));
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, options.connectTimeout());
        // Requests and answers go one after another (the hashing loop's batches): no Nagle wait on a small one.
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, KEEPALIVE_INTERVAL);
        CoreModuleProperties.HEARTBEAT_REQUEST.set(client, KEEPALIVE_REQUEST);
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, KEEPALIVE_MAX_UNANSWERED);
        SftpModuleProperties.SFTP_CHANNEL_OPEN_TIMEOUT.set(client, options.connectTimeout());
        return client;
    }

    /**
     * The host key algorithms with those of the key types known_hosts holds for the host first, as ssh orders
     * them: a server with several host keys then shows the one that can be checked, not another that would look
     * unknown.
     */
    static List<NamedFactory<Signature>> knownTypesFirst(List<NamedFactory<Signature>> factories,
                                                         Set<String> knownKeyTypes) {
        List<NamedFactory<Signature>> ordered = new ArrayList<>();
        List<NamedFactory<Signature>> others = new ArrayList<>();
        for (NamedFactory<Signature> factory : factories) {
            boolean known = knownKeyTypes.contains(KeyUtils.getCanonicalKeyType(factory.getName()));
            (known ? ordered : others).add(factory);
        }
        ordered.addAll(others);
        return ordered;
    }

    private static InetAddress resolve(SshTarget target) throws UnknownHostException {
        try {
            return InetAddress.getByName(target.hostName());
        } catch (UnknownHostException e) {
            throw new UnknownHostException("cannot connect to " + target.address() + ": unknown host name '"
                    + target.hostName() + "'");
        }
    }

    /** The TCP connection and the key exchange with its host key check: done when the server waits for a login. */
    private static ClientSession handshake(SshClient client, SshTarget target, InetAddress address, Duration timeout,
                                           HostKeyCheck hostKeyCheck) throws IOException {
        ConnectFuture connecting = client.connect(target.user(), new InetSocketAddress(address, target.port()));
        if (!connecting.await(timeout)) {
            connecting.cancel();
            throw new SocketTimeoutException("cannot connect to " + target.address() + ": no answer within "
                    + seconds(timeout));
        }
        if (connecting.getException() != null) {
            throw ConnectFailures.unreachable(target, connecting.getException());
        }
        ClientSession session = connecting.getSession();
        Set<ClientSessionEvent> events = session.waitFor(
                EnumSet.of(ClientSessionEvent.WAIT_AUTH, ClientSessionEvent.CLOSED), timeout);
        if (hostKeyCheck.rejection().isPresent()) {
            session.close(true);
            throw hostKeyCheck.rejection().get();
        }
        if (events.contains(ClientSessionEvent.WAIT_AUTH) && session.isOpen()) {
            return session;
        }
        session.close(true);
        if (events.contains(ClientSessionEvent.TIMEOUT)) {
            throw new SocketTimeoutException("cannot connect to " + target.address() + ": the SSH handshake did not"
                    + " finish within " + seconds(timeout) + " (is it an SSH server?)");
        }
        throw new IOException("cannot connect to " + target.address() + ": the server closed the connection"
                + " during the SSH handshake (no algorithm in common, or it refuses this client)");
    }

    private static void logIn(ClientSession session, SshTarget target, ClientKeys.Loaded keys, Duration timeout)
            throws IOException {
        AuthFuture login = session.auth();
        if (!login.await(timeout)) {
            throw new SocketTimeoutException("cannot log in to " + target.describe() + ": no answer within "
                    + seconds(timeout));
        }
        if (login.isSuccess()) {
            return;
        }
        if (!session.isOpen()) {
            throw new IOException("cannot log in to " + target.describe() + ": the connection closed during the login");
        }
        throw new AuthenticationFailedException(ConnectFailures.refusedKeys(target, keys), login.getException());
    }

    private static SftpClient openSftp(ClientSession session, SshTarget target) throws IOException {
        try {
            return SftpClientFactory.instance().createSftpClient(session,
                    SftpVersionSelector.fixedVersionSelector(SFTP_VERSION));
        } catch (IOException e) {
            throw new IOException("cannot open an SFTP channel on " + target.describe() + " (does the server offer"
                    + " the sftp subsystem?): " + e.getMessage(), e);
        }
    }

    /**
     * AES in GCM mode first: the JDK runs it on the processor's AES instructions, while MINA's ChaCha20-Poly1305
     * (OpenSSH's first choice) is plain Java, and was two thirds of dirsync's CPU time writing a tree of small files.
     */
    static List<org.apache.sshd.common.NamedFactory<org.apache.sshd.common.cipher.Cipher>> hardwareCiphersFirst(
            List<org.apache.sshd.common.NamedFactory<org.apache.sshd.common.cipher.Cipher>> offered) {
        List<org.apache.sshd.common.NamedFactory<org.apache.sshd.common.cipher.Cipher>> ordered = new ArrayList<>();
        for (var cipher : offered) {
            if (cipher.getName().contains("-gcm")) {
                ordered.add(cipher);
            }
        }
        for (var cipher : offered) {
            if (!cipher.getName().contains("-gcm")) {
                ordered.add(cipher);
            }
        }
        return ordered;
    }

    private static String seconds(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }
}
