package dirsync.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * A real S3 server for a test class: S3Proxy in this process on 127.0.0.1 and a free port, its filesystem backend
 * in a temporary directory of its own, AWS signatures (v2 or v4) checked against fixed keys, and one bucket made
 * for the class. {@link #client()} is an {@link S3Client} configured as a user's would be for a store at an IP
 * address: the endpoint, path-style addressing, the url-connection HTTP client, and checksums only where an
 * operation requires them. Each {@link #newPrefix()} is a prefix no other test of the class uses, so a test's replica
 * starts empty. Register it as a static field with {@code @RegisterExtension}; the server and its directory are gone
 * after the class.
 */
public final class S3ProxyServer implements BeforeAllCallback, AfterAllCallback {

    public static final String ACCESS_KEY = "dirsync-test-access";
    public static final String SECRET_KEY = "dirsync-test-secret-0123456789";
    public static final String BUCKET = "dirsync-test";
    /**
     * Attempts of a request: the SDK's own 3. Bodies go whole, not aws-chunked, as dirsync's client sends them
     * ({@code S3Stores}): S3Proxy answered a chunked PUT from its declared length without reading the chunk's bytes,
     * then closed the connection, which HttpURLConnection had pooled already, and later requests failed on it ("Error
     * writing request body to server" on every attempt; see {@code KeepAliveStressTest}).
     */
    private static final int ATTEMPTS = 3;

    private final AtomicInteger prefixes = new AtomicInteger();
    private final UnaryOperator<BlobStore> middleware;
    private Path directory;
    private S3Proxy proxy;
    private URI endpoint;
    private S3Client client;

    public S3ProxyServer() {
        this(UnaryOperator.identity());
    }

    /** A server whose storage is {@code middleware} over the filesystem backend (to inject the store's faults). */
    public S3ProxyServer(UnaryOperator<BlobStore> middleware) {
        this.middleware = middleware;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        directory = Files.createTempDirectory("dirsync-s3proxy");
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", directory.toString());
        properties.setProperty("jclouds.identity", ACCESS_KEY);
        properties.setProperty("jclouds.credential", SECRET_KEY);
        proxy = S3Proxy.builder()
                .blobStore(middleware.apply(BlobStores.create("filesystem", properties)))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        awaitStarted();
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        client = newClient(ACCESS_KEY, SECRET_KEY);
        client.createBucket(request -> request.bucket(BUCKET));
    }

    /** Jetty starts on a thread of its own: its state says when it listens. */
    private void awaitStarted() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (client != null) {
                client.close();
            }
            if (proxy != null) {
                proxy.stop();
            }
        } finally {
            if (directory != null) {
                Trees.deleteRecursively(directory);
            }
        }
    }

    /** A client with the server's keys, the bucket's server as its endpoint. */
    public S3Client client() {
        return client;
    }

    /** A client of this server with other keys (wrong credentials). */
    public S3Client newClient(String accessKey, String secretKey) {
        return builder(accessKey, secretKey).build();
    }

    /** A client with the server's keys that counts the requests it sends, by operation ("ListObjectsV2"). */
    public S3Client countingClient(Map<String, Integer> counts) {
        return builder(ACCESS_KEY, SECRET_KEY).overrideConfiguration(configuration -> configuration
                .retryStrategy(retries -> retries.maxAttempts(ATTEMPTS))
                .addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        counts.merge(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), 1, Integer::sum);
                    }
                })).build();
    }

    /**
     * A client with the server's keys that reaches it through 127.0.0.1:{@code port} (a relay in front of it), with
     * the SDK's own retry strategy rather than this fixture's attempts: as a user's client retries.
     */
    public S3Client clientThrough(int port) {
        return builder(ACCESS_KEY, SECRET_KEY).endpointOverride(URI.create("http://127.0.0.1:" + port))
                .overrideConfiguration(configuration -> { }).build();
    }

    /** A client with the server's keys and the SDK's own retry strategy. */
    public S3Client clientWithSdkRetries() {
        return clientThrough(endpoint.getPort());
    }

    private S3ClientBuilder builder(String accessKey, String secretKey) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true)
                        .expectContinueEnabled(false).chunkedEncodingEnabled(false).build())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(configuration -> configuration.retryStrategy(retries -> retries
                        .maxAttempts(ATTEMPTS)));
    }

    public URI endpoint() {
        return endpoint;
    }

    public String bucket() {
        return BUCKET;
    }

    /** A prefix of the bucket that no other test of this class uses, ending in '/' ("t7/"). */
    public String newPrefix() {
        return "t" + prefixes.incrementAndGet() + "/";
    }

    /** Where the filesystem backend keeps the bucket (to check that a test left nothing else behind). */
    public Path bucketDirectory() {
        return directory.resolve(BUCKET);
    }
}
