package dirsync.fs.sftp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a user sets about SSH, with OpenSSH's defaults.
 *
 * @param home             the user's home directory: {@code ~} in {@code ~/.ssh/config}, and where the default
 *                         keys ({@code ~/.ssh/id_ed25519}, {@code id_ecdsa}, {@code id_rsa}) are looked for
 * @param keyFile          {@code --ssh-key FILE}: the one private key to log in with (none: the config's
 *                         IdentityFile lines, else the default keys that exist)
 * @param knownHosts       the known_hosts file host keys are checked against (default {@code ~/.ssh/known_hosts})
 * @param config           the ssh client configuration read for HostName, Port, User and IdentityFile (default
 *                         {@code ~/.ssh/config}; a missing file is no configuration)
 * @param acceptNewHostKey {@code --accept-new-host-key}: as OpenSSH's {@code StrictHostKeyChecking=accept-new}, the
 *                         key of a host not yet in known_hosts is added there; a changed key is refused regardless
 * @param connectTimeout   how long each step of connecting may take: the TCP connection, the key exchange, the
 *                         login, opening the SFTP channel (default 15 s)
 */
public record SshOptions(Path home, Optional<Path> keyFile, Path knownHosts, Path config, boolean acceptNewHostKey,
                         Duration connectTimeout) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);

    public SshOptions {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(knownHosts, "knownHosts");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("the connect timeout must be positive: " + connectTimeout);
        }
    }

    /** OpenSSH's defaults for the user whose home is {@code home}. */
    public static SshOptions defaults(Path home) {
        Path ssh = home.resolve(".ssh");
        return new SshOptions(home, Optional.empty(), ssh.resolve("known_hosts"), ssh.resolve("config"), false,
                DEFAULT_CONNECT_TIMEOUT);
    }

    /** These options with {@code --ssh-key FILE}. */
    public SshOptions withKeyFile(Path file) {
        return new SshOptions(home, Optional.of(file), knownHosts, config, acceptNewHostKey, connectTimeout);
    }

    /** These options with {@code --accept-new-host-key} on or off. */
    public SshOptions withAcceptNewHostKey(boolean accept) {
        return new SshOptions(home, keyFile, knownHosts, config, accept, connectTimeout);
    }

    /** These options with another connect timeout. */
    public SshOptions withConnectTimeout(Duration timeout) {
        return new SshOptions(home, keyFile, knownHosts, config, acceptNewHostKey, timeout);
    }

    /** The keys tried when neither {@code --ssh-key} nor the config names one, in OpenSSH's order (if they exist). */
    public List<Path> defaultKeys() {
        Path ssh = home.resolve(".ssh");
        return List.of(ssh.resolve("id_ed25519"), ssh.resolve("id_ecdsa"), ssh.resolve("id_rsa"));
    }
}
