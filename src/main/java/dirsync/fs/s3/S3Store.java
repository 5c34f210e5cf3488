package dirsync.fs.s3;

import dirsync.fs.LeasedLock;
import dirsync.fs.ObjectStore;
import dirsync.fs.ReplicaTree;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** An {@code s3://} replica opened by {@link S3Stores}: its client, its tree, and the check of its bucket. */
final class S3Store implements ObjectStore {

    /** What stores answer to credentials they do not take, or a request they deny. */
    private static final Set<String> REFUSALS = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied",
            "InvalidToken", "ExpiredToken", "TokenRefreshRequired", "AllAccessDisabled", "AccountProblem",
            "AuthorizationHeaderMalformed", "PermanentRedirect", "InvalidRequest");
    /** What stores answer to a request these credentials may not make (a write, for credentials that may read). */
    private static final Set<String> DENIALS = Set.of("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch",
            "InvalidToken", "ExpiredToken", "TokenRefreshRequired", "AllAccessDisabled", "AccountProblem");
    /** What a longer message is cut to: an SDK's can list every provider of its chain. */
    private static final int MESSAGE_CHARACTERS = 300;

    private final S3Client client;
    private final AwsCredentialsProvider credentials;
    private final S3Tree tree;
    private final String bucket;
    private final String prefix;
    private final ClientChoices choices;

    S3Store(S3Client client, AwsCredentialsProvider credentials, S3Tree tree, String bucket, String prefix,
            ClientChoices choices) {
        this.client = client;
        this.credentials = credentials;
        this.tree = tree;
        this.bucket = bucket;
        this.prefix = prefix;
        this.choices = choices;
    }

    @Override
    public ReplicaTree tree() {
        return tree;
    }

    @Override
    public Optional<String> endpoint() {
        return choices.endpoint().map(URI::toString);
    }

    @Override
    public String describe() {
        return choices.describe();
    }

    /** The credentials first (none found is the user's to fix), then a list of one key of the prefix. */
    @Override
    public void check() throws IOException {
        try {
            credentials.resolveCredentials();
        } catch (SdkException none) {
            throw new Refusal(Refusal.Kind.REFUSED, "no AWS credentials found (AWS_ACCESS_KEY_ID and "
                    + "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE's in ~/.aws/credentials): " + cut(none.getMessage()),
                    none);
        }
        try {
            client.listObjectsV2(request -> request.bucket(bucket).prefix(prefix).maxKeys(1));
        } catch (NoSuchBucketException missing) {
            throw noBucket(missing);
        } catch (S3Exception refused) {
            String code = refused.awsErrorDetails() == null || refused.awsErrorDetails().errorCode() == null ? ""
                    : refused.awsErrorDetails().errorCode();
            String said = " (" + refused.statusCode() + (code.isEmpty() ? "" : " " + code) + ": "
                    + cut(refused.awsErrorDetails() == null || refused.awsErrorDetails().errorMessage() == null
                    ? refused.getMessage() : refused.awsErrorDetails().errorMessage()) + ")";
            if (code.equals("NoSuchBucket") || code.equals("InvalidBucketName")
                    || (code.isEmpty() && refused.statusCode() == 404)) {
                throw noBucket(refused);
            }
            if (REFUSALS.contains(code) || refused.statusCode() == 401 || refused.statusCode() == 403) {
                throw new Refusal(Refusal.Kind.REFUSED, "the object store at " + where() + " refused this request "
                        + "on bucket '" + bucket + "'" + said, refused);
            }
            throw new IOException("the object store at " + where() + " failed" + said, refused);
        } catch (SdkException unanswered) {
            throw new IOException("no answer from the object store at " + where() + ": "
                    + cut(unanswered.getMessage()), unanswered);
        }
    }

    private Refusal noBucket(S3Exception answer) {
        return new Refusal(Refusal.Kind.NO_BUCKET, "there is no bucket '" + bucket + "' at " + where()
                + " (dirsync creates no bucket)", answer);
    }

    private String where() {
        return choices.endpoint().map(Object::toString).orElse("AWS S3 (" + choices.region() + ")");
    }

    private static String cut(String message) {
        String line = String.valueOf(message).replaceAll("\\s+", " ").strip();
        return line.length() <= MESSAGE_CHARACTERS ? line : line.substring(0, MESSAGE_CHARACTERS) + "...";
    }

    /**
     * The lock object is the run's first write: a store that denies it (credentials that may list the replica but
     * not write it, a policy that keeps them out of this prefix) is a {@link Refusal}, as refused credentials at the
     * bucket's check are, not a store to try again.
     */
    @Override
    public LeasedLock lock(String owner, Duration lease, Predicate<String> holderIsGone) throws IOException {
        try {
            return ObjectLock.acquire(client, bucket, prefix, owner, lease, holderIsGone,
                    Beside.ownThread("dirsync-s3-probe"));
        } catch (S3Calls.StoreException answered) {
            if (answered.status() == 401 || answered.status() == 403 || DENIALS.contains(answered.code())) {
                throw new Refusal(Refusal.Kind.REFUSED, "the object store at " + where() + " refused to write the "
                        + "lock object s3://" + bucket + "/" + prefix + S3Keys.LOCK + " (" + cut(answered.said())
                        + "): these credentials may list the replica but not write it", answered);
            }
            throw answered;
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
