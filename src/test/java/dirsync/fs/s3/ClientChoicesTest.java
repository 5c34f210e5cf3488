package dirsync.fs.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the client is configured from the environment and the profile, as the AWS CLI reads them: no store. */
class ClientChoicesTest {

    @TempDir
    Path home;

    private static ClientChoices choices(Map<String, String> environment) throws IOException {
        return ClientChoices.of(environment, property -> Optional.empty());
    }

    private static ClientChoices choices(Map<String, String> environment, Map<String, String> profile)
            throws IOException {
        return ClientChoices.of(environment, property -> Optional.ofNullable(profile.get(property)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"http://127.0.0.1:9000, true", "http://[::1]:9000, true", "http://localhost:9000, true",
        "http://minio.localhost, true", "https://s3.eu-central-003.backblazeb2.com, false",
        "https://minio.example.com:9000, false"})
    void anEndpointAtAnIpAddressOrLocalhostGetsPathStyle(String endpoint, boolean pathStyle) throws IOException {
        ClientChoices choices = choices(Map.of("AWS_ENDPOINT_URL", endpoint));

        assertThat(choices.endpoint()).contains(URI.create(endpoint));
        assertThat(choices.pathStyle()).isEqualTo(pathStyle);
    }

    @Test
    void theProfileCanAskForPathStyleAsTheAwsCliReadsIt() throws IOException {
        assertThat(choices(Map.of("AWS_ENDPOINT_URL", "https://minio.example.com"),
                Map.of("s3.addressing_style", "path")).pathStyle()).isTrue();
    }

    @Test
    void withoutARegionItIsUsEast1AndSaidToBeNoneSet() throws IOException {
        ClientChoices choices = choices(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9000"));

        assertThat(choices.region()).isEqualTo("us-east-1");
        assertThat(choices.regionGiven()).isFalse();
        assertThat(choices.describe()).isEqualTo("http://127.0.0.1:9000 (path-style), region us-east-1 (none set)");
    }

    @Test
    void theRegionComesFromAwsRegionThenAwsDefaultRegionThenTheProfile() throws IOException {
        Map<String, String> environment = new HashMap<>(Map.of("AWS_REGION", "eu-west-1",
                "AWS_DEFAULT_REGION", "eu-west-2"));
        Map<String, String> profile = Map.of("region", "eu-west-3");
        assertThat(choices(environment, profile).region()).isEqualTo("eu-west-1");
        environment.remove("AWS_REGION");
        assertThat(choices(environment, profile).region()).isEqualTo("eu-west-2");
        environment.remove("AWS_DEFAULT_REGION");
        assertThat(choices(environment, profile).region()).isEqualTo("eu-west-3");
        assertThat(choices(environment, profile).regionGiven()).isTrue();
    }

    @Test
    void theEndpointComesFromTheS3VariableThenTheGeneralOneThenTheProfile() throws IOException {
        Map<String, String> environment = new HashMap<>(Map.of("AWS_ENDPOINT_URL_S3", "http://s3.local:1",
                "AWS_ENDPOINT_URL", "http://general.local:2"));
        Map<String, String> profile = Map.of("endpoint_url", "http://profile.local:3");
        assertThat(choices(environment, profile).endpoint()).contains(URI.create("http://s3.local:1"));
        environment.remove("AWS_ENDPOINT_URL_S3");
        assertThat(choices(environment, profile).endpoint()).contains(URI.create("http://general.local:2"));
        environment.remove("AWS_ENDPOINT_URL");
        assertThat(choices(environment, profile).endpoint()).contains(URI.create("http://profile.local:3"));
        environment.put("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
        assertThat(choices(environment, profile).endpoint()).isEmpty();
    }

    @Test
    void withoutAnEndpointItIsAwsItself() throws IOException {
        ClientChoices choices = choices(Map.of());

        assertThat(choices.endpoint()).isEmpty();
        assertThat(choices.pathStyle()).isFalse();
        assertThat(choices.describe()).isEqualTo("AWS S3, region us-east-1 (none set)");
    }

    @Test
    void checksumsAreSentOnlyWhereRequiredUnlessAskedFor() throws IOException {
        assertThat(choices(Map.of()).checksums()).isFalse();
        assertThat(choices(Map.of("AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_SUPPORTED")).checksums()).isTrue();
        assertThatThrownBy(() -> choices(Map.of("AWS_REQUEST_CHECKSUM_CALCULATION", "always")))
                .hasMessageContaining("it may be when_required or when_supported");
    }

    @Test
    void anEndpointThatIsNotAnHttpUrlIsOneLine() {
        assertThatThrownBy(() -> choices(Map.of("AWS_ENDPOINT_URL", "127.0.0.1:9000")))
                .hasMessage("AWS_ENDPOINT_URL is '127.0.0.1:9000', not an http:// or https:// URL with a host");
    }

    @Test
    void theProfileNamedByAwsProfileIsReadFromTheConfigurationFiles() throws IOException {
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws/config"), """
                [default]
                region = eu-north-1
                [profile store]
                region = eu-south-1
                endpoint_url = https://store.example.com
                s3 =
                  addressing_style = path
                """);
        Map<String, String> environment = Map.of("HOME", home.toString(), "AWS_PROFILE", "store");
        var profile = S3Stores.profiles(environment).profile("store").orElseThrow();

        ClientChoices choices = ClientChoices.of(environment, profile::property);

        assertThat(choices.region()).isEqualTo("eu-south-1");
        assertThat(choices.endpoint()).contains(URI.create("https://store.example.com"));
        assertThat(choices.pathStyle()).isTrue();
        assertThat(choices.profile()).isEqualTo("store");
    }
}
