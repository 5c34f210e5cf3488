package dirsync.fs.s3;

import dirsync.fs.Cancellation;
import dirsync.fs.Md5;
import dirsync.fs.Progress;
import dirsync.fs.Work;
import dirsync.testing.S3ProxyServer;
import dirsync.testing.Trees;
import dirsync.testing.TwoTrees;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The fixture of the in-process object-tree tests against S3Proxy, written once, registered as a static field with
 * {@code @RegisterExtension static final S3ProxyTrees S3 = new S3ProxyTrees();}. For the class, an {@link
 * S3ProxyServer} with its bucket. Before each test: a prefix of the bucket that no other test of the class uses, a
 * client of the server that counts the requests it sends by operation ({@link #requests()}), and {@link TwoTrees}'s
 * temporary directory with {@code source/} created empty. After each test, passed or failed, the client is closed and
 * the directory deleted; after the class, the server is stopped. What the tests read back of the bucket ({@link
 * #object}, {@link #head}, {@link #keys}, {@link #incompleteUploads}) goes through the server's own client, which
 * counts nothing.
 */
final class S3ProxyTrees implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final S3ProxyServer server;
    private final TwoTrees trees = TwoTrees.withoutReplica();
    private final Map<String, Integer> requests = new ConcurrentHashMap<>();
    private S3Client client;
    private String prefix;

    S3ProxyTrees() {
        this(UnaryOperator.identity());
    }

    /** The same, the server's storage {@code middleware} over its filesystem backend (to inject faults). */
    S3ProxyTrees(UnaryOperator<BlobStore> middleware) {
        this.server = new S3ProxyServer(middleware);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server.beforeAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        trees.beforeEach(context);
        prefix = server.newPrefix();
        requests.clear();
        client = server.countingClient(requests);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            trees.afterEach(context);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        server.afterAll(context);
    }

    /** The class's S3Proxy: other clients, its endpoint, where it keeps the bucket. */
    S3ProxyServer server() {
        return server;
    }

    /** The test's client, whose requests {@link #requests()} counts. */
    S3Client client() {
        return client;
    }

    /** The requests {@link #client()} sent, by operation ("ListObjectsV2"); a test may clear it. */
    Map<String, Integer> requests() {
        return requests;
    }

    String bucket() {
        return server.bucket();
    }

    /** The test's prefix of the bucket, ending in '/' ("t7/"). */
    String prefix() {
        return prefix;
    }

    /** The source directory (exists, empty at the start). */
    Path source() {
        return trees.source();
    }

    /** Builds the source tree. */
    Trees.Builder src() {
        return trees.src();
    }

    /** A file of {@code size} bytes drawn from {@code seed} written at {@code relative} in the source; its content. */
    byte[] sourceFile(String relative, int size, long seed) {
        byte[] content = new byte[size];
        new Random(seed).nextBytes(content);
        trees.src().file(relative, content);
        return content;
    }

    /** An object tree over the test's prefix through the counting client, as dirsync makes one. */
    S3Tree tree() {
        return S3Tree.over(client, bucket(), prefix, uri());
    }

    /** The same, with these part sizes. */
    S3Tree tree(PartSizes parts) {
        return treeThrough(client, parts);
    }

    /** The same, remembering objects' metadata in {@code memory}. */
    S3Tree tree(ObjectMemory memory) {
        return S3Tree.over(client, bucket(), prefix, uri(), memory);
    }

    /** An object tree over the test's prefix through {@code through} (a client of its own), with these part sizes. */
    S3Tree treeThrough(S3Client through, PartSizes parts) {
        return S3Tree.over(through, bucket(), prefix, uri(), parts);
    }

    private String uri() {
        return "s3://" + bucket() + "/" + prefix;
    }

    /** A call's work: never cancelled, a digest and progress of its own. */
    static Work work() {
        return new Work(Cancellation.NEVER, new Md5(), new Progress());
    }

    /** The content of the object at {@code relativeKey} under the test's prefix. */
    byte[] object(String relativeKey) {
        return server.client().getObjectAsBytes(request -> request.bucket(bucket()).key(prefix + relativeKey))
                .asByteArray();
    }

    /** The metadata of the object at {@code relativeKey} under the test's prefix. */
    HeadObjectResponse head(String relativeKey) {
        return server.client().headObject(request -> request.bucket(bucket()).key(prefix + relativeKey));
    }

    /** Every key under the test's prefix, the prefix taken off, sorted (the root's marker as ""). */
    List<String> keys() {
        return server.client().listObjectsV2Paginator(request -> request.bucket(bucket()).prefix(prefix)).contents()
                .stream().map(S3Object::key).map(key -> key.substring(prefix.length())).sorted().toList();
    }

    /** How many multipart uploads under the test's prefix are begun and neither completed nor aborted. */
    int incompleteUploads() {
        return incompleteUploadsUnder(prefix);
    }

    /** The same under any {@code keyPrefix} of the bucket. */
    int incompleteUploadsUnder(String keyPrefix) {
        return server.client().listMultipartUploads(request -> request.bucket(bucket()).prefix(keyPrefix)).uploads()
                .size();
    }
}
