package dirsync.fs.s3;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * The multipart uploads under the replica's prefix that were begun and never completed nor aborted: a store keeps
 * their parts (and bills them) until someone aborts them. dirsync owns its prefix as it owns a replica directory, so
 * every such upload there is aborted, by whatever tool it was begun: at the run's start ({@link #sweep}, from
 * {@code prepareRoot}, which a dry run never calls), and at the start of a pass after one of this tree's uploads could
 * not be completed or aborted ({@link #settleOwed}), for instance because the connection was lost mid-pass.
 * <p>
 * A store that does not let this account list or abort uploads (403), or has no such request (501), is left as it
 * is: the run goes on, and README says which permission the sweep needs.
 */
final class IncompleteUploads {

    private final S3Calls calls;
    private final String prefix;
    private volatile boolean owed;

    IncompleteUploads(S3Calls calls, String prefix) {
        this.calls = calls;
        this.prefix = prefix;
    }

    /** One of this tree's uploads may be left incomplete: the next pass begins with a sweep. */
    void owe() {
        owed = true;
    }

    /** The sweep, if an upload of this tree may have been left since the last one. */
    void settleOwed() throws IOException {
        if (owed) {
            sweep();
        }
    }

    /** Aborts every incomplete upload under the prefix; returns how many. */
    int sweep() throws IOException {
        owed = false;
        int aborted = 0;
        try {
            for (MultipartUpload upload : calls.call(prefix, () -> calls.client().listMultipartUploadsPaginator(
                    request -> request.bucket(calls.bucket()).prefix(prefix)).uploads().stream().toList())) {
                if (abort(upload.key(), upload.uploadId())) {
                    aborted++;
                }
            }
        } catch (S3Calls.StoreException refused) {
            if (!notForUs(refused)) {
                owed = true;
                throw refused;
            }
        } catch (IOException failed) {
            owed = true;
            throw failed;
        }
        return aborted;
    }

    /** Aborts one upload; false if it had ended meanwhile. */
    boolean abort(String key, String uploadId) throws IOException {
        try {
            calls.call(key, () -> calls.client().abortMultipartUpload(request -> request.bucket(calls.bucket())
                    .key(key).uploadId(uploadId)));
            return true;
        } catch (NoSuchFileException ended) {
            return false; // NoSuchUpload: completed or aborted by its owner meanwhile
        }
    }

    private static boolean notForUs(S3Calls.StoreException refused) {
        return refused.status() == 403 || refused.status() == 501;
    }
}
