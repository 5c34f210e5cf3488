import java.net.URI;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * The floor of a no-change run on the AWS SDK for Java v2 (issue 23's anchor for what the JVM and the SDK cost
 * before dirsync does anything): build the client as dirsync builds it (url-connection, path style, checksums only
 * where required), list the whole prefix with ListObjectsV2 in pages, count the objects, exit. No source walk, no
 * lock, no logging, no comparison: whatever a no-change run of any tool on this SDK must do at least.
 * <p>
 * {@code s3.sh} compiles it into a jar of its own and runs it with the launcher's JVM options and a class-data
 * archive (or, on JDK 25, an AOT cache) that an untimed run made, as the launcher gives dirsync:
 *
 * <pre>
 * java -cp S3Floor.jar:SDK_JARS S3Floor BUCKET PREFIX
 * </pre>
 *
 * Reads {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_REGION} and {@code AWS_ENDPOINT_URL}.
 */
public final class S3Floor {

    public static void main(String[] args) {
        try (S3Client client = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                .region(Region.of(System.getenv("AWS_REGION")))
                .endpointOverride(URI.create(System.getenv("AWS_ENDPOINT_URL")))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build()) {
            long objects = 0;
            String next = null;
            do {
                String token = next;
                ListObjectsV2Response page = client.listObjectsV2(request -> request.bucket(args[0])
                        .prefix(args[1]).continuationToken(token));
                objects += page.contents().size();
                next = page.nextContinuationToken();
            } while (next != null);
            System.out.println(objects + " objects");
        }
    }
}
