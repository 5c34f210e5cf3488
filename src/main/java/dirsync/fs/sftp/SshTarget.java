package dirsync.fs.sftp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where to connect, as whom, and with which keys, once an address is read together with the ssh config, as ssh
 * does it: the address's own user and port win over the config's, which win over the defaults (the local user,
 * port 22).
 *
 * @param alias    the host as the address gives it (what the config's Host lines match)
 * @param hostName the host to connect to (the config's HostName, else the alias)
 * @param port     the port to connect to
 * @param user     the login name
 * @param keys     the private key files to try, in order: {@code --ssh-key}, else the config's IdentityFile lines,
 *                 else the default keys
 * @param keySource where the keys come from, to tell which missing files matter
 */
record SshTarget(String alias, String hostName, int port, String user, List<Path> keys, KeySource keySource) {

    /** Where the key files to try were named. */
    enum KeySource {
        /** {@code --ssh-key}: the file must be usable. */
        OPTION,
        /** IdentityFile lines: missing files are skipped, as ssh does. */
        CONFIG,
        /** OpenSSH's default names: only those that exist are tried. */
        DEFAULTS
    }

    static final int DEFAULT_PORT = 22;

    static SshTarget resolve(SftpLocation where, SshOptions options) throws IOException {
        SshConfig.HostSettings settings = SshConfig.lookUp(options.config(), options.home(), where.host());
        String alias = where.host();
        String hostName = settings.hostName().map(name -> hostName(name, alias)).orElse(alias);
        int port = where.port().orElse(settings.port().orElse(DEFAULT_PORT));
        String user = where.user().or(settings::user).orElseGet(() -> System.getProperty("user.name"));
        if (options.keyFile().isPresent()) {
            return new SshTarget(alias, hostName, port, user, List.of(options.keyFile().get()), KeySource.OPTION);
        }
        if (!settings.identityFiles().isEmpty()) {
            List<Path> keys = new ArrayList<>();
            for (String file : settings.identityFiles()) {
                keys.add(identityFile(file, options.home(), hostName, port, user, alias));
            }
            return new SshTarget(alias, hostName, port, user, List.copyOf(keys), KeySource.CONFIG);
        }
        return new SshTarget(alias, hostName, port, user, options.defaultKeys(), KeySource.DEFAULTS);
    }

    /** {@code host:port}, an IPv6 host in brackets. */
    String address() {
        return (hostName.indexOf(':') >= 0 ? "[" + hostName + "]" : hostName) + ":" + port;
    }

    /** {@code user@host:port}. */
    String describe() {
        return user + "@" + address();
    }

    /** The host as known_hosts names it: {@code host}, or {@code [host]:port} when the port is not 22. */
    String knownHostsName() {
        return port == DEFAULT_PORT ? hostName : "[" + hostName + "]:" + port;
    }

    /** A HostName value: {@code %h} is the alias, {@code %%} a '%'. */
    private static String hostName(String value, String alias) {
        return value.replace("%%", "\0").replace("%h", alias).replace("\0", "%").toLowerCase(Locale.ROOT);
    }

    /** An IdentityFile value with {@code ~} and ssh's tokens expanded; a relative path is from the working directory. */
    private static Path identityFile(String value, Path home, String hostName, int port, String user, String alias)
            throws SshSetupException {
        StringBuilder path = new StringBuilder();
        int start = 0;
        if (value.equals("~") || value.startsWith("~/")) {
            path.append(home);
            start = 1;
        }
        for (int i = start; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '%') {
                path.append(c);
                continue;
            }
            char token = i + 1 < value.length() ? value.charAt(++i) : ' ';
            switch (token) {
                case '%' -> path.append('%');
                case 'd' -> path.append(home);
                case 'u' -> path.append(System.getProperty("user.name"));
                case 'h' -> path.append(hostName);
                case 'n' -> path.append(alias);
                case 'p' -> path.append(port);
                case 'r' -> path.append(user);
                default -> throw new SshSetupException("the ssh config's IdentityFile " + value + " uses a token"
                        + " dirsync does not expand (it knows %d %u %h %n %p %r %%)");
            }
        }
        return Path.of(path.toString()).toAbsolutePath();
    }
}
