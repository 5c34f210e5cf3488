package dirsync.fs.s3;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The one place where the SDK's unchecked exceptions become the {@link IOException}s a tree throws: a missing key a
 * {@link NoSuchFileException} naming it, a refused request its status and the store's error code and message, a
 * request that got no answer what the client says (and the store lost for the pass: {@link StoreReach}). Holds the
 * client and the bucket every call goes to.
 */
final class S3Calls {

    /** The store's code for a body whose MD5 is not the Content-MD5 sent with it. */
    static final String BAD_DIGEST = "BadDigest";

    private final S3Client client;
    private final String bucket;
    private final StoreReach reach;

    S3Calls(S3Client client, String bucket, StoreReach reach) {
        this.client = client;
        this.bucket = bucket;
        this.reach = reach;
    }

    S3Client client() {
        return client;
    }

    String bucket() {
        return bucket;
    }

    /** Runs one request on {@code key} ("" for one on the bucket), its failure an IOException. */
    <T> T call(String key, Supplier<T> request) throws IOException {
        try {
            return request.get();
        } catch (S3Exception refused) {
            if (refused.statusCode() == 404 && !"NoSuchBucket".equals(code(refused))) {
                NoSuchFileException missing = new NoSuchFileException(key);
                missing.initCause(refused);
                throw missing;
            }
            throw new StoreException(key, refused.statusCode(), code(refused), message(refused), refused);
        } catch (SdkException failed) {
            IOException unanswered = new IOException(key + ": " + failed.getMessage(), failed);
            if (unanswered(failed)) {
                reach.lost(unanswered); // said before the failure is thrown: see PassConnection.broken
            }
            throw unanswered;
        }
    }

    /** A request that got no answer, after the SDK's retries: the connection failed (an I/O error) or timed out. */
    private static boolean unanswered(SdkException failed) {
        if (failed instanceof ApiCallTimeoutException || failed instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        for (Throwable cause = failed.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String code(S3Exception refused) {
        return refused.awsErrorDetails() == null ? "" : String.valueOf(refused.awsErrorDetails().errorCode());
    }

    private static String message(S3Exception refused) {
        return refused.awsErrorDetails() == null || refused.awsErrorDetails().errorMessage() == null
                ? refused.getMessage() : refused.awsErrorDetails().errorMessage();
    }

    /** A request the store answered with an error: its HTTP status and the store's error code. */
    static final class StoreException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String code;
        private final String said;

        StoreException(String key, int status, String code, String message, Throwable cause) {
            super((key.isEmpty() ? "" : key + ": ") + "the object store refused (" + status
                    + (code.isEmpty() ? "" : " " + code) + "): " + message, cause);
            this.status = status;
            this.code = code;
            this.said = status + (code.isEmpty() ? "" : " " + code) + ": " + message;
        }

        /** The answer in short, without the key: "403 AccessDenied: Access Denied". */
        String said() {
            return said;
        }

        int status() {
            return status;
        }

        String code() {
            return code;
        }
    }
}
