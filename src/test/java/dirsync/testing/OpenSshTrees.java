package dirsync.testing;

import dirsync.fs.Cancellation;
import dirsync.fs.ReplicaTree;
import dirsync.fs.local.LocalTree;
import dirsync.fs.sftp.OwnersCarried;
import dirsync.fs.sftp.SftpTree;
import dirsync.sync.PassSummary;
import dirsync.sync.SyncOptions;
import dirsync.sync.Synchronizer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fixture of in-process sync tests against a real OpenSSH server, written once, registered with
 * {@code @RegisterExtension final OpenSshTrees ssh = new OpenSshTrees();}. It composes the three that were
 * declared side by side in each such test: an {@link OpenSshServer} (which skips the test when it cannot run), the
 * {@link MinaSessions} logged in to it, and {@link TwoTrees#withoutReplica() TwoTrees} whose {@code source/} is
 * created empty and whose {@code replica/} is left to the first pass. Before each test they are set up in that
 * order; after it, passed or failed, they are taken down in the reverse order (sessions, server, directory), each
 * even if an earlier one fails.
 */
public final class OpenSshTrees implements BeforeEachCallback, AfterEachCallback {

    /** Ten seconds ahead: files a test writes count as settled, not as changed "just now". */
    public static final Clock AHEAD = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(10));

    private final OpenSshServer server = new OpenSshServer();
    private final MinaSessions sessions = new MinaSessions(server);
    private final TwoTrees trees = TwoTrees.withoutReplica();

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        server.beforeEach(context);
        trees.beforeEach(context);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            sessions.afterEach(context);
        } finally {
            try {
                server.afterEach(context);
            } finally {
                trees.afterEach(context);
            }
        }
    }

    /** The test's OpenSSH server: its URIs, keys, home and counters, and stopping or restarting it. */
    public OpenSshServer server() {
        return server;
    }

    /** MINA sessions to the server, for a test that needs a session of its own. */
    public MinaSessions sessions() {
        return sessions;
    }

    /** The source directory (exists, empty at the start). */
    public Path source() {
        return trees.source();
    }

    /** Builds the source tree. */
    public Trees.Builder src() {
        return trees.src();
    }

    /** The replica directory on the server's machine (absent until a pass creates it). */
    public Path replica() {
        return trees.replica();
    }

    /** The replica over one SFTP v3 channel of a new MINA session to the server, carrying owners and groups. */
    public SftpTree tree() throws IOException {
        return sessions.tree(replica());
    }

    /** The same, carrying only {@code owners} of the source's owners. */
    public SftpTree tree(OwnersCarried owners) throws IOException {
        return sessions.tree(replica(), owners);
    }

    /** A synchronizer from the local source to {@code to} with default options, reading time from {@code clock}. */
    public Synchronizer mirror(ReplicaTree to, Clock clock) {
        return new Synchronizer(LocalTree.at(source()), to, SyncOptions.defaults(), clock);
    }

    /** One pass from the local source to {@code to}, with default options and {@code clock}. */
    public PassSummary sync(ReplicaTree to, Clock clock) {
        return mirror(to, clock).runPass(Cancellation.NEVER);
    }
}
