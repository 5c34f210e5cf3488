package dirsync.it;

import dirsync.fs.s3.S3Tree;
import dirsync.testing.S3ProxyServer;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The fixture of the jar-level tests to an {@code s3://} replica, registered as a static field with {@code
 * @RegisterExtension static final JarToS3 S3 = new JarToS3("kill-");}. For the class, an {@link S3ProxyServer} in
 * this process with its bucket. Before each test, a {@link DirsyncJar}; a prefix of the bucket that no other test
 * uses, and, by the class's label, no other IT class's replica either (runs of IT classes at the same time lock their
 * own replicas); and the jar's children configured from their environment alone, as the AWS CLI would be ({@link
 * #environment}). After each test the jar's children and directory are gone, after the class the server.
 */
final class JarToS3 implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final String label;
    private final S3ProxyServer store;
    private final DirsyncJar jar = new DirsyncJar();
    private String prefix;

    /** A server whose replicas' prefixes start with {@code label} ("kill-"). */
    JarToS3(String label) {
        this(label, UnaryOperator.identity());
    }

    /** The same, the server's storage {@code middleware} over its filesystem backend (to inject the store's faults). */
    JarToS3(String label, UnaryOperator<BlobStore> middleware) {
        this.label = label;
        this.store = new S3ProxyServer(middleware);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        store.beforeAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        jar.beforeEach(context);
        prefix = label + store.newPrefix();
        jar.environment(environment(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        jar.afterEach(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        store.afterAll(context);
    }

    /** The jar, its test's directory, source and log file. */
    DirsyncJar jar() {
        return jar;
    }

    /** The class's S3Proxy: its client (which counts nothing), bucket, endpoint, where it keeps the bucket. */
    S3ProxyServer store() {
        return store;
    }

    /** The server's own client, with its keys. */
    S3Client client() {
        return store.client();
    }

    String bucket() {
        return store.bucket();
    }

    /** The test's prefix of the bucket, ending in '/' ("kill-t1/"). */
    String prefix() {
        return prefix;
    }

    /** The test's replica, {@code s3://dirsync-test/kill-t1} (the prefix without its '/'). */
    String address() {
        return "s3://" + store.bucket() + "/" + prefix.substring(0, prefix.length() - 1);
    }

    /** The key of the replica's lock object, {@code kill-t1/.dirsync.lock}. */
    String lockKey() {
        return prefix + ".dirsync.lock";
    }

    /**
     * The children's environment, which the jar's children get before each test with the server's keys: the
     * store's endpoint, these keys, configuration files that do not exist (so the machine's are not read), and no
     * instance metadata. A map of its own, for a test to change and hand to {@code jar().environment}.
     */
    Map<String, String> environment(String accessKey, String secretKey) {
        Map<String, String> variables = new HashMap<>();
        variables.put("AWS_ENDPOINT_URL", store.endpoint().toString());
        variables.put("AWS_ACCESS_KEY_ID", accessKey);
        variables.put("AWS_SECRET_ACCESS_KEY", secretKey);
        variables.put("AWS_CONFIG_FILE", jar.tmp().resolve("no-aws-config").toString());
        variables.put("AWS_SHARED_CREDENTIALS_FILE", jar.tmp().resolve("no-aws-credentials").toString());
        variables.put("AWS_EC2_METADATA_DISABLED", "true");
        return variables;
    }

    /** {@code OPTIONS... SOURCE s3://... 60 LOG_FILE} on the jar's source and log file, {@code --once} first. */
    List<String> once(String... options) {
        return jar.sync(jar.source(), address(), "60", jar.logFile(),
                Stream.concat(Stream.of("--once"), Stream.of(options)).toArray(String[]::new));
    }

    /** Every key under the test's prefix, the prefix included, in the store's order. */
    List<String> keys() {
        return store.client().listObjectsV2Paginator(request -> request.bucket(store.bucket()).prefix(prefix))
                .contents().stream().map(S3Object::key).toList();
    }

    /** The replica as a fresh object tree reads it back from the bucket (for {@link TreesThroughSeam}). */
    S3Tree readBack() {
        return S3Tree.over(store.client(), store.bucket(), prefix, address());
    }
}
