package dirsync.fs.s3;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MetadataDirective;

/**
 * An object's metadata replaced (a file's new mode, time or owner) by a copy of the object onto itself on the store,
 * its content untouched and never sent again. S3 copies at most 5 GiB in one CopyObject; a larger object (only a
 * multipart upload makes one) is copied as a multipart upload of ranges (UploadPartCopy, each of the object as it
 * was, by its ETag), which takes the object's name whole at its completion, or is aborted.
 */
final class MetadataCopy {

    private static final String CONTENT_TYPE = "application/octet-stream";

    private final S3Calls calls;
    private final long largestCopy;
    private final IncompleteUploads incomplete;

    /** @param largestCopy the largest object copied in one request, and the size of a larger one's ranges */
    MetadataCopy(S3Calls calls, long largestCopy, IncompleteUploads incomplete) {
        this.calls = calls;
        this.largestCopy = largestCopy;
        this.incomplete = incomplete;
    }

    /** The object {@code key}, of {@code size} bytes ({@code etag}), given {@code metadata} in place of its own. */
    void replace(String key, long size, String etag, Map<String, String> metadata) throws IOException {
        if (size <= largestCopy) {
            calls.call(key, () -> calls.client().copyObject(request -> request.sourceBucket(calls.bucket())
                    .sourceKey(key).destinationBucket(calls.bucket()).destinationKey(key)
                    .metadataDirective(MetadataDirective.REPLACE).contentType(CONTENT_TYPE).metadata(metadata)));
            return;
        }
        String uploadId = calls.call(key, () -> calls.client().createMultipartUpload(request -> request
                .bucket(calls.bucket()).key(key).contentType(CONTENT_TYPE).metadata(metadata))).uploadId();
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (long start = 0; start < size; start += largestCopy) {
                int number = parts.size() + 1;
                String range = "bytes=" + start + "-" + (Math.min(size, start + largestCopy) - 1);
                String partEtag = calls.call(key, () -> calls.client().uploadPartCopy(request -> request
                        .sourceBucket(calls.bucket()).sourceKey(key).copySourceIfMatch(etag).copySourceRange(range)
                        .destinationBucket(calls.bucket()).destinationKey(key).uploadId(uploadId)
                        .partNumber(number))).copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(partEtag).build());
            }
            calls.call(key, () -> calls.client().completeMultipartUpload(request -> request.bucket(calls.bucket())
                    .key(key).uploadId(uploadId).multipartUpload(upload -> upload.parts(parts))));
            completed = true;
        } finally {
            if (!completed) {
                try {
                    incomplete.abort(key, uploadId);
                } catch (IOException leftForTheSweep) {
                    incomplete.owe();
                }
            }
        }
    }
}
