package dirsync.fs.s3;

import dirsync.fs.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Opens an {@code s3://} replica with a client configured as the AWS CLI would be from the same environment and
 * files ({@link ClientChoices}): credentials from {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY} (and {@code
 * AWS_SESSION_TOKEN}), else the SDK's default chain over the chosen profile ({@code ~/.aws/credentials} and {@code
 * config}, web identity, the container's or the instance's role); the url-connection HTTP client. The application
 * loads this class, with the SDK, by name ({@link ObjectStore#OPENER_CLASS}).
 */
public final class S3Stores implements ObjectStore.Opener {

    @Override
    public ObjectStore open(String bucket, String prefix, String description, Map<String, String> environment)
            throws IOException {
        ProfileFile profiles = profiles(environment);
        String profileName = Optional.ofNullable(environment.get("AWS_PROFILE")).filter(name -> !name.isBlank())
                .orElse("default");
        Optional<Profile> profile = profiles.profile(profileName);
        ClientChoices choices = ClientChoices.of(environment, property -> profile.flatMap(p -> p.property(property)));
        AwsCredentialsProvider credentials = credentials(environment, profiles, profileName);
        S3Client client;
        try {
            client = builder(choices, credentials, profiles).build();
        } catch (SdkException | IllegalArgumentException | IllegalStateException cannot) {
            throw new IOException("cannot make a client for " + description + ": " + cannot.getMessage(), cannot);
        }
        return new S3Store(client, credentials, S3Tree.over(client, bucket, prefix, description), bucket, prefix,
                choices);
    }

    static S3ClientBuilder builder(ClientChoices choices, AwsCredentialsProvider credentials, ProfileFile profiles) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(choices.region()))
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(choices.pathStyle())
                        // HttpURLConnection's handling of "Expect: 100-continue" failed PUTs under load
                        .expectContinueEnabled(false)
                        // over http:// the SDK would send a PUT's body as signed aws-chunked pieces, 86 bytes even
                        // for an empty object; a store that answers before reading them (S3Proxy/Jetty) then closes
                        // the connection without "Connection: close", and HttpURLConnection pools it dead
                        .chunkedEncodingEnabled(false).build())
                .requestChecksumCalculation(choices.checksums() ? RequestChecksumCalculation.WHEN_SUPPORTED
                        : RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(choices.checksums() ? ResponseChecksumValidation.WHEN_SUPPORTED
                        : ResponseChecksumValidation.WHEN_REQUIRED)
                .crossRegionAccessEnabled(!choices.regionGiven() && choices.endpoint().isEmpty())
                .overrideConfiguration(configuration -> configuration.defaultProfileFile(profiles)
                        .defaultProfileName(choices.profile()));
        choices.endpoint().ifPresent(builder::endpointOverride);
        return builder;
    }

    /** The keys of the environment if it holds both, else the SDK's chain over the profile. */
    private static AwsCredentialsProvider credentials(Map<String, String> environment, ProfileFile profiles,
                                                      String profile) {
        String id = environment.get("AWS_ACCESS_KEY_ID");
        String secret = environment.get("AWS_SECRET_ACCESS_KEY");
        if (id != null && !id.isBlank() && secret != null && !secret.isBlank()) {
            String token = environment.get("AWS_SESSION_TOKEN");
            return StaticCredentialsProvider.create(token == null || token.isBlank()
                    ? AwsBasicCredentials.create(id, secret) : AwsSessionCredentials.create(id, secret, token));
        }
        return DefaultCredentialsProvider.builder().profileFile(profiles).profileName(profile).build();
    }

    /**
     * The configuration files as the AWS CLI finds them: {@code AWS_CONFIG_FILE} (else {@code ~/.aws/config}), then
     * {@code AWS_SHARED_CREDENTIALS_FILE} (else {@code ~/.aws/credentials}), whose values win; a file that is not
     * there is left out.
     */
    static ProfileFile profiles(Map<String, String> environment) throws IOException {
        String home = Optional.ofNullable(environment.get("HOME")).filter(dir -> !dir.isBlank())
                .orElse(System.getProperty("user.home"));
        ProfileFile.Aggregator files = ProfileFile.aggregator();
        try {
            add(files, file(environment.get("AWS_CONFIG_FILE"), home, ".aws/config"), ProfileFile.Type.CONFIGURATION);
            add(files, file(environment.get("AWS_SHARED_CREDENTIALS_FILE"), home, ".aws/credentials"),
                    ProfileFile.Type.CREDENTIALS);
            return files.build();
        } catch (SdkException | IllegalArgumentException | IllegalStateException unreadable) {
            throw new IOException("cannot read the AWS configuration files: " + unreadable.getMessage(), unreadable);
        }
    }

    private static Path file(String given, String home, String usual) {
        if (given == null || given.isBlank()) {
            return Path.of(home, usual);
        }
        return given.startsWith("~/") ? Path.of(home, given.substring(2)) : Path.of(given);
    }

    private static void add(ProfileFile.Aggregator files, Path file, ProfileFile.Type type) {
        if (Files.isRegularFile(file)) {
            files.addFile(ProfileFile.builder().content(file).type(type).build());
        }
    }
}
