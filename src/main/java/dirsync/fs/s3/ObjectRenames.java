package dirsync.fs.s3;

import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Renames in an object store, which has none: the file object copied to its new key on the store (CopyObject, its
 * metadata carried, only if it still has the ETag just read), then deleted at its old one. The copy is complete before
 * the delete, so no crash loses the file: one leaves it under both names, whole, and the next pass deletes the old
 * one, which the source no longer has. Only files are renamed: a directory is a marker and every object under its
 * prefix, which no one request moves, so its rename is refused and the pass makes the directory anew, moving its files
 * into it one by one. An object over 5 GiB, more than one CopyObject takes, is refused too (then copied).
 */
final class ObjectRenames implements ReplicaFeatures.Renaming {

    /** The largest object one CopyObject copies. */
    static final long LARGEST_COPY = 5L << 30;

    private final S3Calls calls;
    private final S3Keys keys;
    private final ObjectReads reads;
    private final TreeListings listings;

    ObjectRenames(S3Calls calls, S3Keys keys, ObjectReads reads, TreeListings listings) {
        this.calls = calls;
        this.keys = keys;
        this.reads = reads;
        this.listings = listings;
    }

    @Override
    public void rename(RelPath from, RelPath to) throws IOException {
        String fromKey = keys.file(from);
        String toKey = keys.file(to);
        HeadObjectResponse moving;
        try {
            moving = calls.call(fromKey, () -> calls.client().headObject(request -> request.bucket(calls.bucket())
                    .key(fromKey)));
        } catch (NoSuchFileException notAFile) {
            throw new IOException("an object store renames only files, one object each: " + keys.directory(from),
                    notAFile);
        }
        if (moving.contentLength() > LARGEST_COPY) {
            throw new IOException(fromKey + ": over 5 GiB, more than one copy on the store takes");
        }
        requireFree(to);
        listings.changing(from, true);
        listings.changing(to, true);
        listings.forgetFile(toKey);
        calls.call(toKey, () -> calls.client().copyObject(request -> request.sourceBucket(calls.bucket())
                .sourceKey(fromKey).copySourceIfMatch(moving.eTag())
                .destinationBucket(calls.bucket()).destinationKey(toKey)));
        listings.forgetFile(fromKey);
        calls.call(fromKey, () -> calls.client().deleteObject(request -> request.bucket(calls.bucket())
                .key(fromKey)));
    }

    /** Nothing is at {@code to}: no file, link or directory (a rename never replaces). */
    private void requireFree(RelPath to) throws IOException {
        try {
            reads.examine(to);
        } catch (NoSuchFileException free) {
            return;
        }
        throw new FileAlreadyExistsException(keys.file(to));
    }
}
