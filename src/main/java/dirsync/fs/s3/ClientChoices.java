package dirsync.fs.s3;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How the client reaches the store, decided from the environment and the profile as the AWS CLI decides it (the
 * credentials are {@link S3Stores}'s). Sends nothing and reads no file: the profile's properties come as a function.
 *
 * @param endpoint     the store's URL for a store that is not AWS ({@code AWS_ENDPOINT_URL_S3}, {@code
 *                     AWS_ENDPOINT_URL}, the profile's {@code endpoint_url}), or empty for AWS itself
 * @param region       the region requests are signed for
 * @param regionGiven  whether the environment or the profile named it; if not, it is us-east-1, and over AWS a bucket
 *                     of another region is found where it is (cross-region access)
 * @param pathStyle    bucket in the path ({@code http://host/bucket/key}), not in the host name: for an endpoint at an
 *                     IP address or {@code localhost}, which no bucket name can prefix, or where the profile's {@code
 *                     s3 = addressing_style = path} asks for it
 * @param checksums    the SDK's checksums on every request and answer where they are supported ({@code
 *                     when_supported}), or only where an operation requires them ({@code when_required}, the default
 *                     here: S3Proxy and some other stores refuse the CRC32 that SDK 2.30 and later add by default)
 * @param profile      the profile read ({@code AWS_PROFILE}, else {@code default})
 */
record ClientChoices(Optional<URI> endpoint, String region, boolean regionGiven, boolean pathStyle,
                     boolean checksums, String profile) {

    /** The region of a client that was told none, as the AWS CLI's for S3. */
    static final String DEFAULT_REGION = "us-east-1";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /**
     * @param environment the process's variables (or a test's)
     * @param profileProperty a property of the chosen profile in the configuration files ({@code region}), if set
     * @throws IOException with a line for the user, if a setting cannot be used
     */
    static ClientChoices of(Map<String, String> environment, Function<String, Optional<String>> profileProperty)
            throws IOException {
        String profile = set(environment, "AWS_PROFILE").orElse("default");
        Optional<String> region = set(environment, "AWS_REGION").or(() -> set(environment, "AWS_DEFAULT_REGION"))
                .or(() -> profileProperty.apply("region").filter(value -> !value.isBlank()));
        Optional<URI> endpoint = endpoint(environment, profileProperty);
        boolean pathStyle = endpoint.map(url -> ipOrLocalhost(url.getHost())).orElse(false)
                || profileProperty.apply("s3.addressing_style").map(style -> style.strip().equalsIgnoreCase("path"))
                .orElse(false);
        String checksums = set(environment, "AWS_REQUEST_CHECKSUM_CALCULATION")
                .or(() -> profileProperty.apply("request_checksum_calculation")).orElse("when_required")
                .strip().toLowerCase(Locale.ROOT);
        if (!checksums.equals("when_required") && !checksums.equals("when_supported")) {
            throw new IOException("AWS_REQUEST_CHECKSUM_CALCULATION (or the profile's request_checksum_calculation) "
                    + "is '" + checksums + "': it may be when_required or when_supported");
        }
        return new ClientChoices(endpoint, region.map(String::strip).orElse(DEFAULT_REGION), region.isPresent(),
                pathStyle, checksums.equals("when_supported"), profile);
    }

    /** The configured endpoint URL, the SDK's order: the S3 variable, the general one, the profile's. */
    private static Optional<URI> endpoint(Map<String, String> environment,
                                          Function<String, Optional<String>> profileProperty) throws IOException {
        boolean ignored = set(environment, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
                .or(() -> profileProperty.apply("ignore_configured_endpoint_urls"))
                .map(value -> value.strip().equalsIgnoreCase("true")).orElse(false);
        if (ignored) {
            return Optional.empty();
        }
        String source = "AWS_ENDPOINT_URL_S3";
        Optional<String> given = set(environment, source);
        if (given.isEmpty()) {
            source = "AWS_ENDPOINT_URL";
            given = set(environment, source);
        }
        if (given.isEmpty()) {
            source = "the profile's endpoint_url";
            given = profileProperty.apply("endpoint_url").filter(value -> !value.isBlank());
        }
        if (given.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(url(source, given.get().strip()));
    }

    private static URI url(String source, String text) throws IOException {
        try {
            URI url = new URI(text);
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && url.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException notUrl) {
            // told below
        }
        throw new IOException(source + " is '" + text + "', not an http:// or https:// URL with a host");
    }

    /** Whether no bucket name can be put in front of {@code host} as a DNS name. */
    static boolean ipOrLocalhost(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return name.startsWith("[") || IPV4.matcher(name).matches() || name.equals("localhost")
                || name.endsWith(".localhost");
    }

    private static Optional<String> set(Map<String, String> environment, String variable) {
        return Optional.ofNullable(environment.get(variable)).filter(value -> !value.isBlank());
    }

    /** In words, for the log: "http://127.0.0.1:9000 (path-style), region us-east-1". */
    String describe() {
        return endpoint.map(url -> url + (pathStyle ? " (path-style)" : "")).orElse("AWS S3")
                + ", region " + region + (regionGiven ? "" : " (none set)");
    }
}
