package dirsync.fs.sftp;

import dirsync.fs.sftp.HostKeyRejectedException.Reason;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Optional;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * The strict host key check of one connection, during the key exchange, before anything else is sent: the key
 * must be in known_hosts for the host and port. An unknown key is refused, or with {@code --accept-new-host-key}
 * appended to known_hosts; a changed or revoked key is always refused. What happened is kept, so that the
 * connector can throw a {@link HostKeyRejectedException} with a message for people instead of MINA's "Server key
 * did not validate".
 */
final class HostKeyCheck implements ServerKeyVerifier {

    private final KnownHosts knownHosts;
    private final SshTarget target;
    private final boolean acceptNew;
    private final Path home;
    private volatile SshSetupException rejection;
    private volatile String addedLine;

    HostKeyCheck(KnownHosts knownHosts, SshTarget target, boolean acceptNew, Path home) {
        this.knownHosts = knownHosts;
        this.target = target;
        this.acceptNew = acceptNew;
        this.home = home;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        KnownHosts.Check check = knownHosts.check(target.hostName(), target.port(), serverKey);
        String key = KeyUtils.getKeyType(serverKey) + " " + fingerprint(serverKey);
        switch (check.verdict()) {
            case KNOWN:
                return true;
            case UNKNOWN:
                if (acceptNew) {
                    try {
                        addedLine = KnownHosts.append(knownHosts.file(), target.knownHostsName(), serverKey);
                        return true;
                    } catch (IOException | RuntimeException e) {
                        rejection = new SshSetupException("the host key of " + where() + " (" + key + ") is new, and"
                                + " adding it to " + shown(knownHosts.file()) + " failed: " + e.getMessage(), e);
                        return false;
                    }
                }
                rejection = new HostKeyRejectedException(Reason.UNKNOWN, fingerprint(serverKey), unknown(key));
                return false;
            case CHANGED:
                rejection = new HostKeyRejectedException(Reason.CHANGED, fingerprint(serverKey), "WARNING: THE HOST"
                        + " KEY OF " + where() + " HAS CHANGED: it is now " + key + ", while "
                        + shown(knownHosts.file()) + " line " + check.line() + " holds another; someone may be"
                        + " intercepting the connection, or the server was reinstalled; dirsync never accepts a changed"
                        + " key: ask the server's administrator for its fingerprint, then remove the old key with"
                        + " ssh-keygen -R '" + target.knownHostsName() + "' -f " + shown(knownHosts.file()));
                return false;
            default:
                rejection = new HostKeyRejectedException(Reason.REVOKED, fingerprint(serverKey), "WARNING: the host"
                        + " key of " + where() + " (" + key + ") is marked @revoked in " + shown(knownHosts.file())
                        + " line " + check.line() + "; dirsync will not connect with it");
                return false;
        }
    }

    /** Why the key was refused, if it was. */
    Optional<SshSetupException> rejection() {
        return Optional.ofNullable(rejection);
    }

    /** The known_hosts line added under {@code --accept-new-host-key}, if one was. */
    Optional<String> addedLine() {
        return Optional.ofNullable(addedLine);
    }

    /** OpenSSH's fingerprint of a key: {@code SHA256:} and the unpadded base64 of the SHA-256 of its wire blob. */
    static String fingerprint(PublicKey key) {
        ByteArrayBuffer blob = new ByteArrayBuffer();
        blob.putRawPublicKey(key);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob.getCompactData());
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private String unknown(String key) {
        // mkdir first: ">>" cannot create the file where its directory (often ~/.ssh) does not exist yet.
        Path directory = knownHosts.file().toAbsolutePath().getParent();
        String scan = (directory == null ? "" : "mkdir -p " + shown(directory) + " && ") + "ssh-keyscan "
                + (target.port() == SshTarget.DEFAULT_PORT ? "" : "-p " + target.port() + " ")
                + target.hostName() + " >> " + shown(knownHosts.file());
        return "the host key of " + where() + " is not known: " + key + "; if this is the server's fingerprint (ask"
                + " its administrator, or run ssh-keygen -lf on its /etc/ssh/ssh_host_*_key.pub), add it with `"
                + scan + "` or connect once with --accept-new-host-key";
    }

    /** The host for messages: {@code host:port}, with the alias first when the config renamed it. */
    private String where() {
        return target.alias().equals(target.hostName()) ? target.address()
                : target.alias() + " (" + target.address() + ")";
    }

    /** A path for messages, with the home directory as {@code ~}. */
    private String shown(Path file) {
        Path absolute = file.toAbsolutePath();
        Path home = this.home.toAbsolutePath();
        return absolute.startsWith(home) && !absolute.equals(home) ? "~/" + home.relativize(absolute) : absolute.toString();
    }
}
