package dirsync.it;

import dirsync.testing.OpenSshServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fixture of the jar-level tests to a real OpenSSH server, registered with {@code @RegisterExtension final
 * JarToOpenSsh sftp = new JarToOpenSsh();}: a {@link DirsyncJar} and an {@link OpenSshServer}, set up in that order
 * before each test and taken down in the reverse order after it (each even if the other fails), with the replica
 * {@link #remote()} in the jar's temporary directory and commands to it logged in with the server's client key and
 * known_hosts.
 */
final class JarToOpenSsh implements BeforeEachCallback, AfterEachCallback {

    private final DirsyncJar jar = new DirsyncJar();
    private final OpenSshServer server = new OpenSshServer();

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        jar.beforeEach(context);
        server.beforeEach(context);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            server.afterEach(context);
        } finally {
            jar.afterEach(context);
        }
    }

    DirsyncJar jar() {
        return jar;
    }

    OpenSshServer server() {
        return server;
    }

    /** The replica's path on the server's machine, {@code remote/replica} (not created). */
    Path remote() {
        return jar.tmp().resolve("remote/replica");
    }

    /** The lock file dirsync keeps beside {@link #remote()} while it runs. */
    Path lease() {
        return jar.tmp().resolve("remote/.replica.dirsync.lock");
    }

    /**
     * {@code --ssh-key KEY --known-hosts KNOWN_HOSTS OPTIONS... SOURCE sftp://.../remote/replica INTERVAL LOG_FILE}
     * on the jar's source and log file.
     */
    List<String> sync(String interval, String... options) {
        return jar.sync(jar.source(), server.uri(remote()), interval, jar.logFile(), Stream.concat(Stream.of(
                "--ssh-key", server.clientKey().toString(), "--known-hosts", server.knownHosts().toString()),
                Stream.of(options)).toArray(String[]::new));
    }

    /** One pass, {@code --once}, as {@link #sync} with interval 1. */
    List<String> once(String... options) {
        return sync("1", Stream.concat(Stream.of("--once"), Stream.of(options)).toArray(String[]::new));
    }
}
