package dirsync.fs.s3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Small objects written and deleted under a condition ({@code If-None-Match: *}, {@code If-Match: etag}), and how
 * the store answered: written, the condition not met, the object missing (an {@code If-Match} on no object), or the
 * condition refused as not implemented. {@link #honoured} finds out once, with a probe key, whether a store keeps the
 * conditions at all: some S3-compatible stores ignore the headers and write anyway, which only a write that should
 * have been refused shows.
 */
final class ConditionalPut {

    /** How the store answered a conditional request. */
    enum Answer {
        DONE,
        /** 412, or 409: another conditional write to the key was under way (AWS). */
        CONDITION_FAILED,
        /** 404: an {@code If-Match} on a key that holds no object. */
        MISSING,
        /** 501 (or a NotImplemented code): the store does not evaluate the condition. */
        UNSUPPORTED
    }

    /** The answer, and the written object's ETag if {@link Answer#DONE}. */
    record Result(Answer answer, String etag) {
        boolean done() {
            return answer == Answer.DONE;
        }
    }

    /** How many times a conditional PUT that got no answer is sent. */
    private static final int ATTEMPTS = 4;
    /** An ETag no object has: an MD5 is hex. */
    private static final String NO_ETAG = "\"dirsync-matches-no-object\"";

    private ConditionalPut() {
    }

    /**
     * A PUT of {@code body} at {@code key}, under either or neither condition (null: none). A request that got no
     * answer is sent again, up to {@value #ATTEMPTS} times (under load, S3Proxy's answers to conditional PUTs were
     * lost on all of the SDK's own attempts: "Error writing request body to server"); so a write that landed may be
     * answered by its second sending's refusal, which the lock tells by reading its token back.
     */
    static Result put(S3Calls calls, String key, byte[] body, String ifNoneMatch, String ifMatch) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                PutObjectResponse response = calls.call(key, () -> calls.client().putObject(request -> request
                        .bucket(calls.bucket()).key(key).contentType("text/plain; charset=utf-8")
                        .ifNoneMatch(ifNoneMatch).ifMatch(ifMatch), RequestBody.fromBytes(body)));
                return new Result(Answer.DONE, response.eTag());
            } catch (NoSuchFileException missing) {
                return new Result(Answer.MISSING, null);
            } catch (S3Calls.StoreException refused) {
                return new Result(answer(refused), null);
            } catch (IOException unanswered) {
                if (attempt >= ATTEMPTS) {
                    throw unanswered;
                }
            }
        }
    }

    /** A DELETE of {@code key} if it still has {@code etag}. */
    static Answer delete(S3Calls calls, String key, String etag) throws IOException {
        try {
            calls.call(key, () -> calls.client().deleteObject(request -> request.bucket(calls.bucket()).key(key)
                    .ifMatch(etag)));
            return Answer.DONE;
        } catch (NoSuchFileException missing) {
            return Answer.MISSING;
        } catch (S3Calls.StoreException refused) {
            return answer(refused);
        }
    }

    private static Answer answer(S3Calls.StoreException refused) throws S3Calls.StoreException {
        if (refused.status() == 412 || refused.status() == 409) {
            return Answer.CONDITION_FAILED;
        }
        if (refused.status() == 501 || "NotImplemented".equals(refused.code())) {
            return Answer.UNSUPPORTED;
        }
        throw refused;
    }

    /**
     * Whether the store keeps {@code If-None-Match: *} and {@code If-Match} on a PUT: the probe object is written,
     * written again only if absent (must be refused), and over a wrong ETag (must be refused), then deleted. A
     * store that writes where it should refuse, or says it cannot evaluate a condition, does not keep them. Two runs
     * probing at once can make each other see "not kept" (the other deleted the probe meanwhile), never "kept"
     * wrongly: only a refusal says so. The caller deletes the probe object afterwards ({@link #removeProbe}),
     * whatever this answered or threw.
     */
    static boolean honoured(S3Calls calls, String probeKey) throws IOException {
        byte[] body = "dirsync: does this store keep conditional writes?\n".getBytes(StandardCharsets.UTF_8);
        Answer first = put(calls, probeKey, body, "*", null).answer();
        if (first == Answer.UNSUPPORTED) {
            return false;
        }
        if (put(calls, probeKey, body, "*", null).answer() != Answer.CONDITION_FAILED) {
            return false;
        }
        Answer overWrong = put(calls, probeKey, body, null, NO_ETAG).answer();
        return overWrong == Answer.CONDITION_FAILED || overWrong == Answer.MISSING;
    }

    /** Deletes the probe object; one that stays (no answer) is hidden from every listing, written over by the next. */
    static Void removeProbe(S3Calls calls, String probeKey) {
        try {
            calls.call(probeKey, () -> calls.client().deleteObject(request -> request.bucket(calls.bucket())
                    .key(probeKey)));
        } catch (IOException leftOver) {
            // left for the next probe
        }
        return null;
    }
}
