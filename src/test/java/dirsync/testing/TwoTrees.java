package dirsync.testing;

import dirsync.fs.Cancellation;
import dirsync.fs.local.LocalTree;
import dirsync.sync.PassSummary;
import dirsync.sync.SyncOptions;
import dirsync.sync.Synchronizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fixture of in-process sync tests, written once, registered with {@code @RegisterExtension final TwoTrees trees
 * = new TwoTrees();}: before each test a new temporary directory with builders for {@code source/} and {@code
 * replica/} (both created empty, or the replica left to the first pass with {@link #withoutReplica()}) and a path
 * {@code outside/} next to them (not created); a pass from the one to the other ({@link #sync}); after each test the
 * directory is deleted without following links.
 */
public final class TwoTrees implements BeforeEachCallback, AfterEachCallback {

    private final boolean replicaMade;
    private Path temp;
    private Trees.Builder source;
    private Path replica;
    private Trees.Builder replicaBuilder;

    public TwoTrees() {
        this(true);
    }

    private TwoTrees(boolean replicaMade) {
        this.replicaMade = replicaMade;
    }

    /** Trees whose replica directory does not exist before the first pass, which creates it. */
    public static TwoTrees withoutReplica() {
        return new TwoTrees(false);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        temp = Files.createTempDirectory("dirsync-test-");
        source = Trees.at(temp.resolve("source"));
        replica = temp.resolve("replica");
        replicaBuilder = replicaMade ? Trees.at(replica) : null;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (temp != null && Files.exists(temp)) {
            Trees.deleteRecursively(temp);
        }
    }

    /** One pass with default options from the source to the replica, both local trees. */
    public PassSummary sync() {
        return sync(SyncOptions.defaults());
    }

    /** One pass with these options. */
    public PassSummary sync(SyncOptions options) {
        return sync(options, Cancellation.NEVER);
    }

    /** One pass with these options, asked to stop as {@code cancellation} says. */
    public PassSummary sync(SyncOptions options, Cancellation cancellation) {
        return new Synchronizer(LocalTree.at(source()), LocalTree.at(replica()), options).runPass(cancellation);
    }

    /**
     * From now on the replica is {@code name} in the temporary directory, created empty: for a test that mounts a
     * file system of its own there. Returns its path.
     */
    public Path moveReplicaTo(String name) throws IOException {
        replica = Files.createDirectories(temp.resolve(name));
        replicaBuilder = Trees.at(replica);
        return replica;
    }

    /** Builds the source tree. */
    public Trees.Builder src() {
        return source;
    }

    /** Builds the replica tree (created if the pass has not created it yet). */
    public Trees.Builder rep() {
        if (replicaBuilder == null) {
            replicaBuilder = Trees.at(replica);
        }
        return replicaBuilder;
    }

    public Path source() {
        return source.root();
    }

    public Path replica() {
        return replica;
    }

    /** A path beside both trees, in neither. */
    public Path outside() {
        return temp.resolve("outside");
    }

    /** The temporary directory that holds the trees. */
    public Path temp() {
        return temp;
    }

    /** Both trees hold the same entries, content, modes and times (see {@link Trees#assertSameTree}). */
    public void assertSame(Trees.Detail... more) {
        Trees.assertSameTree(source(), replica(), more);
    }
}
