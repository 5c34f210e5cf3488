package dirsync.fs.s3;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaTree;
import dirsync.fs.SourceChangedException;
import dirsync.fs.SourceTree;
import dirsync.fs.Work;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * The writing side of the object tree. A PUT makes an object appear whole, so a file is never built aside: a file of
 * up to {@link PartSizes#multipartAbove} bytes is read into memory and sent once, with its MD5 as Content-MD5, and the
 * store refuses a body that does not have it; a larger one is a multipart upload ({@link MultipartWrite}), which
 * likewise appears whole at its completion. Either way the MD5 is of a read of the source that began and ended with
 * the source in one state (size, times, identity), so a file that changes while it is read is never installed.
 */
final class ObjectWrites {

    private static final String CONTENT_TYPE = "application/octet-stream";

    private final S3Calls calls;
    private final S3Keys keys;
    private final PartSizes sizes;
    private final MultipartWrite multipart;
    private final MetadataCopy copies;
    private final long tree;

    /** @param tree the number of this tree in its file objects' identities ({@link ObjectIdentity#tree}) */
    ObjectWrites(S3Calls calls, S3Keys keys, PartSizes sizes, MultipartWrite multipart, MetadataCopy copies,
                 long tree) {
        this.calls = calls;
        this.keys = keys;
        this.sizes = sizes;
        this.multipart = multipart;
        this.copies = copies;
        this.tree = tree;
    }

    /** See {@link ReplicaTree#installFile}. */
    ReplicaTree.Installed file(SourceTree source, RelPath path, Entry expected, byte[] expectedMd5, Work work)
            throws IOException {
        String key = keys.file(path);
        Entry before = SourceChangedException.requireAsListed(source, path, expected);
        Map<String, String> metadata = ObjectAttributes.of(expected.withOwner(before.owner()));
        String eTag;
        if (sizes.multipart(before.size())) {
            eTag = multipart.upload(source, path, before, key, metadata, expectedMd5, work);
        } else {
            byte[] content = readAll(source, path, before.size(), work);
            byte[] md5 = digest(content);
            if (expectedMd5 != null && !Arrays.equals(md5, expectedMd5)) {
                throw new SourceChangedException("source changed since it was hashed");
            }
            SourceChangedException.requireUnchangedSince(source, path, before, before.size());
            eTag = put(key, md5, metadata, RequestBody.fromBytes(content)).eTag();
        }
        Entry installed = Entry.file(path.name(), before.size(), expected.modified(), expected.permissions())
                .withIdentity(ObjectIdentity.of(tree, key, eTag, expected.modified()));
        return new ReplicaTree.Installed(before.size(), before, installed);
    }

    /** See {@link ReplicaTree#installFileAsRead}: what is read, at most the size at the start, hashed as read. */
    ReplicaTree.AsRead fileAsRead(SourceTree source, RelPath path, Entry expected, Work work) throws IOException {
        String key = keys.file(path);
        Entry before = SourceChangedException.requireRegularFile(source, path);
        Map<String, String> metadata = ObjectAttributes.of(expected.withOwner(before.owner()));
        long bytes;
        if (sizes.multipart(before.size())) {
            bytes = multipart.uploadAsRead(source, path, before, key, metadata, work);
        } else {
            byte[] content = readAll(source, path, before.size(), work);
            put(key, digest(content), metadata, RequestBody.fromBytes(content));
            bytes = content.length;
        }
        return new ReplicaTree.AsRead(bytes, !SourceChangedException.unchangedSince(source, path, before, bytes));
    }

    /** A link object holding the target, as rclone stores one. */
    void link(RelPath path, Entry expected) throws IOException {
        byte[] target = expected.linkTarget().bytes();
        put(keys.link(path), digest(target), ObjectAttributes.of(expected), RequestBody.fromBytes(target));
    }

    /** The marker of a directory, with {@code attributes} (null: none yet). */
    void marker(RelPath dir, Entry attributes) throws IOException {
        Map<String, String> metadata = attributes == null ? Map.of() : ObjectAttributes.of(attributes);
        put(keys.directory(dir), digest(new byte[0]), metadata, RequestBody.empty());
    }

    /**
     * A file's metadata replaced: the object copied onto itself on the store ({@link MetadataCopy}), its content
     * untouched. An object whose ETag is not its MD5 ({@code etag} as listed, not one or unknown: asked for, with its
     * size: only such an object can be over 5 GiB) keeps rclone's {@code md5chksum}.
     */
    void fileAttributes(RelPath path, Entry source, String etag) throws IOException {
        String key = keys.file(path);
        Map<String, String> metadata = new HashMap<>(ObjectAttributes.of(source));
        long size = 0;
        String current = etag;
        if (ObjectReads.etagMd5(etag) == null) {
            HeadObjectResponse head = calls.call(key, () -> calls.client().headObject(request -> request
                    .bucket(calls.bucket()).key(key)));
            String md5 = head.metadata().get(ObjectReads.MD5_METADATA);
            if (md5 != null) {
                metadata.put(ObjectReads.MD5_METADATA, md5);
            }
            size = head.contentLength();
            current = head.eTag();
        }
        copies.replace(key, size, current, metadata);
    }

    /** See {@link ReplicaTree#setAttributes}: a directory's go to its marker (made if it had none). */
    void attributes(RelPath path, Entry source, String etag) throws IOException {
        if (source.is(EntryKind.DIRECTORY)) {
            if (!path.isRoot() || !keys.prefix().isEmpty()) {
                marker(path, source);
            }
        } else if (source.is(EntryKind.FILE)) {
            fileAttributes(path, source, etag);
        } else if (source.is(EntryKind.SYMLINK)) {
            link(path, source);
        }
    }

    private PutObjectResponse put(String key, byte[] md5, Map<String, String> metadata, RequestBody body)
            throws IOException {
        try {
            return calls.call(key, () -> calls.client().putObject(request -> request.bucket(calls.bucket()).key(key)
                    .contentType(CONTENT_TYPE).contentMD5(Base64.getEncoder().encodeToString(md5))
                    .metadata(metadata), body));
        } catch (S3Calls.StoreException refused) {
            if (S3Calls.BAD_DIGEST.equals(refused.code())) {
                throw new SourceChangedException("source changed while it was sent");
            }
            throw refused;
        }
    }

    /** The file's content, at most {@code size} bytes, the copy's progress counted. */
    private static byte[] readAll(SourceTree source, RelPath path, long size, Work work) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(Math.max(size, 1), 1 << 20));
        try (SeekableByteChannel channel = source.open(path)) {
            long left = size;
            while (left > 0) {
                work.cancellation().check();
                buffer.clear().limit((int) Math.min(buffer.capacity(), left));
                int read = channel.read(buffer);
                if (read < 0) {
                    break;
                }
                out.write(buffer.array(), 0, read);
                left -= read;
                work.progress().copied(read);
            }
        }
        return out.toByteArray();
    }

    private static byte[] digest(byte[] content) {
        MessageDigest md5 = dirsync.fs.Md5.newDigest();
        return md5.digest(content);
    }
}
