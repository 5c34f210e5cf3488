package dirsync.it;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A child JVM's main for {@link ObjectStoreClassPathIT}: builds an S3 client with the url-connection HTTP client, as
 * the object tree's users will, from whatever class path it was started with, and prints its service name.
 */
public final class S3ClientProbe {

    private S3ClientProbe() {
    }

    public static void main(String[] args) {
        try (S3Client client = S3Client.builder().region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://127.0.0.1:9"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            System.out.println("built " + client.serviceName());
        }
    }
}
