package dirsync.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fixture of in-process sync tests, registered with {@code @RegisterExtension final TwoTrees trees = new
 * TwoTrees();}: before each test a new temporary directory with builders for {@code source/} and {@code replica/}
 * (both created empty) and a path {@code outside/} next to them (not created); after each test the
 * directory is deleted without following links.
 */
public final class TwoTrees implements BeforeEachCallback, AfterEachCallback {

    private Path temp;
    private Trees.Builder source;
    private Trees.Builder replica;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        temp = Files.createTempDirectory("dirsync-test-");
        source = Trees.at(temp.resolve("source"));
        replica = Trees.at(temp.resolve("replica"));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (temp != null && Files.exists(temp)) {
            Trees.deleteRecursively(temp);
        }
    }

    /** Builds the source tree. */
    public Trees.Builder src() {
        return source;
    }

    /** Builds the replica tree. */
    public Trees.Builder rep() {
        return replica;
    }

    public Path source() {
        return source.root();
    }

    public Path replica() {
        return replica.root();
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
