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
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * The writing side of the object tree. A PUT makes an object appear whole, so a file is never built aside: it is
 * sent once, with its MD5 as Content-MD5, and the store refuses a body that does not have it. The MD5 is of a read
 * of the source that began and ended with the source in one state (size, times, identity), so a file that changes
 * while it is read is never installed: either that check fails before the PUT, or the bytes sent differ from the
 * bytes hashed and the store refuses them ({@code BadDigest}).
 */
final class ObjectWrites {

    /** Files up to this size are read once, into memory, and sent from there; larger ones are read twice. */
    private static final int IN_MEMORY = 8 << 20;
    private static final String CONTENT_TYPE = "application/octet-stream";

    private final S3Calls calls;
    private final S3Keys keys;
    private final long tree;

    /** @param tree the number of this tree in its file objects' identities ({@link ObjectIdentity#tree}) */
    ObjectWrites(S3Calls calls, S3Keys keys, long tree) {
        this.calls = calls;
        this.keys = keys;
        this.tree = tree;
    }

    /** See {@link ReplicaTree#installFile}. */
    ReplicaTree.Installed file(SourceTree source, RelPath path, Entry expected, byte[] expectedMd5, Work work)
            throws IOException {
        String key = keys.file(path);
        Entry before = SourceChangedException.requireAsListed(source, path, expected);
        RequestBody body;
        byte[] md5;
        if (before.size() <= IN_MEMORY) {
            byte[] content = readAll(source, path, before.size(), work);
            md5 = digest(content);
            body = RequestBody.fromBytes(content);
        } else {
            md5 = expectedMd5 != null ? expectedMd5 : work.md5().read(source, path, work.cancellation());
            body = RequestBody.fromContentProvider(() -> stream(source, path), before.size(), CONTENT_TYPE);
            work.progress().copied(before.size());
        }
        if (expectedMd5 != null && !Arrays.equals(md5, expectedMd5)) {
            throw new SourceChangedException("source changed since it was hashed");
        }
        SourceChangedException.requireUnchangedSince(source, path, before, before.size());
        PutObjectResponse sent = put(key, md5, ObjectAttributes.of(expected.withOwner(before.owner())), body);
        Entry installed = Entry.file(path.name(), before.size(), expected.modified(), expected.permissions())
                .withIdentity(ObjectIdentity.of(tree, key, sent.eTag(), expected.modified()));
        return new ReplicaTree.Installed(before.size(), before, installed);
    }

    /** See {@link ReplicaTree#installFileAsRead}: what is read, at most the size at the start, hashed as read. */
    ReplicaTree.AsRead fileAsRead(SourceTree source, RelPath path, Entry expected, Work work) throws IOException {
        String key = keys.file(path);
        Entry before = SourceChangedException.requireRegularFile(source, path);
        if (before.size() > IN_MEMORY) {
            throw new IOException("a file that never settles is copied as read only up to " + (IN_MEMORY >> 20)
                    + " MiB over an object store (multipart uploads are not built yet): " + path);
        }
        byte[] content = readAll(source, path, before.size(), work);
        put(key, digest(content), ObjectAttributes.of(expected.withOwner(before.owner())), RequestBody.fromBytes(content));
        return new ReplicaTree.AsRead(content.length,
                !SourceChangedException.unchangedSince(source, path, before, content.length));
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

    /** A file's metadata replaced: the object copied onto itself on the store, its content untouched. */
    void fileAttributes(RelPath path, Entry source) throws IOException {
        String key = keys.file(path);
        calls.call(key, () -> calls.client().copyObject(request -> request.sourceBucket(calls.bucket())
                .sourceKey(key).destinationBucket(calls.bucket()).destinationKey(key)
                .metadataDirective(MetadataDirective.REPLACE).contentType(CONTENT_TYPE)
                .metadata(ObjectAttributes.of(source))));
    }

    /** See {@link ReplicaTree#setAttributes}: a directory's go to its marker (made if it had none). */
    void attributes(RelPath path, Entry source) throws IOException {
        if (source.is(EntryKind.DIRECTORY)) {
            if (!path.isRoot() || !keys.prefix().isEmpty()) {
                marker(path, source);
            }
        } else if (source.is(EntryKind.FILE)) {
            fileAttributes(path, source);
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

    private static InputStream stream(SourceTree source, RelPath path) {
        try {
            return Channels.newInputStream(source.open(path));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The file's content, at most {@code size} bytes, the copy's progress counted. */
    private static byte[] readAll(SourceTree source, RelPath path, long size, Work work) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(size, IN_MEMORY));
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
