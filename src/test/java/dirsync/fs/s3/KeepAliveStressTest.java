package dirsync.fs.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.S3ProxyServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The client dirsync builds keeps its pooled connections alive against S3Proxy (Jetty): a PUT's body is sent whole
 * with its length, not as signed aws-chunked pieces that the server may answer before reading and then close the
 * connection under the client (which HttpURLConnection pooled dead, and whose next requests failed all attempts with
 * "Error writing request body to server").
 */
class KeepAliveStressTest {

    @RegisterExtension
    static final S3ProxyServer SERVER = new S3ProxyServer();

    private static S3ClientBuilder dirsyncClient() throws Exception {
        ClientChoices choices = ClientChoices.of(Map.of("AWS_ENDPOINT_URL", SERVER.endpoint().toString()),
                property -> Optional.empty());
        return S3Stores.builder(choices, StaticCredentialsProvider.create(AwsBasicCredentials.create(
                S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)), ProfileFile.aggregator().build());
    }

    @Test
    void anEmptyPutOverHttpSendsNoBodyBytes() throws Exception {
        List<SdkHttpRequest> sent = new ArrayList<>();
        try (S3Client client = dirsyncClient().overrideConfiguration(configuration -> configuration
                .addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        sent.add(context.httpRequest());
                    }
                })).build()) {
            client.putObject(r -> r.bucket(SERVER.bucket()).key(SERVER.newPrefix() + "dir/"), RequestBody.empty());
        }

        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).firstMatchingHeader("Content-Length")).contains("0");
        assertThat(sent.get(0).firstMatchingHeader("x-amz-decoded-content-length")).isEmpty();
        assertThat(sent.get(0).firstMatchingHeader("x-amz-content-sha256").orElse(""))
                .doesNotStartWith("STREAMING-");
    }

    /**
     * A stress test, not a proof: before the fix it failed only now and then (the server's close raced the client's
     * chunked body), so it cannot be made certain; the timeout is a hang guard only.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void concurrentEmptyPutsAmongErrorAnswersSucceedWithTheSdksAttempts() throws Exception {
        try (S3Client client = dirsyncClient().build()) {
            String prefix = SERVER.newPrefix();
            client.putObject(r -> r.bucket(SERVER.bucket()).key(prefix + "taken"), RequestBody.empty());
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 60; i++) {
                        String key = prefix + thread + "/" + i + "/";
                        try {
                            client.putObject(r -> r.bucket(SERVER.bucket()).key(prefix + "taken").ifNoneMatch("*"),
                                    RequestBody.fromBytes(new byte[100]));
                        } catch (SdkServiceException taken) {
                            // 412, as the lock's probe meets it
                        } catch (SdkClientException broken) {
                            failures.add("412 put: " + broken.getMessage());
                        }
                        try {
                            client.headObject(r -> r.bucket(SERVER.bucket()).key(key + "missing"));
                        } catch (SdkServiceException missing) {
                            // 404
                        } catch (SdkClientException broken) {
                            failures.add("404 head: " + broken.getMessage());
                        }
                        try {
                            client.putObject(r -> r.bucket(SERVER.bucket()).key(key), RequestBody.empty());
                        } catch (SdkClientException broken) {
                            failures.add("empty put: " + broken.getMessage());
                        }
                    }
                }));
            }
            for (Future<?> each : done) {
                each.get();
            }
            pool.shutdown();
            assertThat(failures).isEmpty();
        }
    }
}
