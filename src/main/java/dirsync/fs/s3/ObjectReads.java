package dirsync.fs.s3;

import dirsync.fs.Cancellation;
import dirsync.fs.Entry;
import dirsync.fs.LinkTarget;
import dirsync.fs.Listing;
import dirsync.fs.Md5;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Response;

/**
 * The reading side of the object tree: each listed object made an {@link Entry} (a file's or a marker's metadata by
 * HEAD, a link's target by GET, many at once on the tree's request threads), one entry examined by its keys, a
 * file's MD5 and content.
 */
final class ObjectReads {

    /** rclone's key for the MD5 of an object whose ETag is not one (a multipart upload): base64. */
    static final String MD5_METADATA = "md5chksum";

    private final S3Calls calls;
    private final S3Keys keys;
    private final ExecutorService requests;
    private final ObjectMemory memory;
    private final long tree;

    /**
     * @param memory what the store answered earlier, trusted while a listing shows the object unchanged
     * @param tree   the number of this tree in its file objects' identities ({@link ObjectIdentity#tree})
     */
    ObjectReads(S3Calls calls, S3Keys keys, ExecutorService requests, ObjectMemory memory, long tree) {
        this.calls = calls;
        this.keys = keys;
        this.requests = requests;
        this.memory = memory;
        this.tree = tree;
    }

    /**
     * The entries of a directory's listed objects, sorted as listed; those gone meanwhile left out. An object the
     * memory knows as listed costs no request; the others are read many at once.
     */
    Listing entries(List<PrefixListing.Stored> listed) throws IOException {
        List<Future<Entry>> pending = new ArrayList<>(listed.size());
        Entry[] known = new Entry[listed.size()];
        for (int i = 0; i < listed.size(); i++) {
            PrefixListing.Stored stored = listed.get(i);
            known[i] = remembered(stored);
            Callable<Entry> read = () -> entry(stored);
            pending.add(known[i] != null || stored.kind() == PrefixListing.Kind.IMPLIED ? null
                    : requests.submit(read));
        }
        List<Entry> entries = new ArrayList<>(listed.size());
        List<Listing.Problem> problems = new ArrayList<>();
        for (int i = 0; i < listed.size(); i++) {
            PrefixListing.Stored stored = listed.get(i);
            try {
                Entry entry = known[i] != null ? known[i] : pending.get(i) == null ? entry(stored)
                        : pending.get(i).get();
                if (entry != null) {
                    entries.add(entry);
                }
            } catch (ExecutionException failed) {
                IOException cause = failed.getCause() instanceof IOException io ? io
                        : new IOException(stored.key() + ": " + failed.getCause(), failed.getCause());
                problems.add(new Listing.Problem(stored.name(), cause));
                entries.add(Entry.unreadable(stored.name()));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while listing", interrupted);
            }
        }
        return new Listing(entries, problems);
    }

    /** One listed object as an entry; null if it is gone. */
    private Entry entry(PrefixListing.Stored stored) throws IOException {
        Name name = stored.name();
        try {
            return switch (stored.kind()) {
                case IMPLIED -> ObjectAttributes.directory(name, Instant.EPOCH, Map.of());
                case MARKER -> marker(name, stored.key());
                case MAYBE_MARKER -> markerOrImplied(name, stored.key());
                case FILE -> file(name, stored.key());
                case LINK -> link(name, stored.key());
            };
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    /** The entry the memory makes of a listed object as listed, without a request; null if it knows none. */
    Entry remembered(PrefixListing.Stored stored) {
        PrefixListing.Kind kind = stored.kind();
        if (kind == PrefixListing.Kind.IMPLIED) {
            return ObjectAttributes.directory(stored.name(), Instant.EPOCH, Map.of());
        }
        if (kind != PrefixListing.Kind.FILE && kind != PrefixListing.Kind.MARKER && kind != PrefixListing.Kind.LINK) {
            return null;
        }
        ObjectMemory.Known known = memory.recall(stored.key(), stored.etag(), stored.size(), stored.lastModified());
        if (known == null) {
            return null;
        }
        Name name = stored.name();
        return switch (kind) {
            case FILE -> fileEntry(name, stored.key(), known.size(), known.etag(), known.lastModified(),
                    known.metadata());
            case MARKER -> ObjectAttributes.directory(name, known.lastModified(), known.metadata());
            default -> known.content() == null || known.content().length == 0 ? null
                    : ObjectAttributes.link(name, LinkTarget.of(known.content()), known.lastModified(),
                    known.metadata());
        };
    }

    private Entry fileEntry(Name name, String key, long size, String etag, Instant lastModified,
                            Map<String, String> metadata) {
        Entry file = ObjectAttributes.file(name, size, lastModified, metadata);
        return file.withIdentity(ObjectIdentity.of(tree, key, etag, file.modified()));
    }

    /** The entry at {@code path}, in the order a listing prefers its forms: file, link, directory. */
    Entry examine(RelPath path) throws IOException {
        Name name = path.isRoot() ? Name.ROOT : path.name();
        String dir = keys.directory(path);
        if (path.isRoot() && dir.isEmpty()) {
            calls.call("", () -> calls.client().headBucket(request -> request.bucket(calls.bucket())));
            return ObjectAttributes.directory(name, Instant.EPOCH, Map.of());
        }
        if (!path.isRoot()) {
            try {
                return file(name, keys.file(path));
            } catch (NoSuchFileException | UnstorableNameException notAFile) {
                // a link, a directory, or nothing
            }
            try {
                return link(name, keys.link(path));
            } catch (NoSuchFileException notALink) {
                // a directory, or nothing
            }
        }
        Entry directory = markerOrImplied(name, dir);
        if (directory == null) {
            throw new NoSuchFileException(dir);
        }
        return directory;
    }

    private Entry markerOrImplied(Name name, String dirKey) throws IOException {
        try {
            return marker(name, dirKey);
        } catch (NoSuchFileException noMarker) {
            boolean anything = calls.call(dirKey, () -> calls.client().listObjectsV2(request -> request
                    .bucket(calls.bucket()).prefix(dirKey).maxKeys(1))).keyCount() > 0;
            return anything ? ObjectAttributes.directory(name, Instant.EPOCH, Map.of()) : null;
        }
    }

    private Entry marker(Name name, String key) throws IOException {
        HeadObjectResponse head = head(key);
        memory.learn(key, head.eTag(), head.contentLength(), head.lastModified(), head.metadata(), null,
                answered(head));
        return ObjectAttributes.directory(name, head.lastModified(), head.metadata());
    }

    private Entry file(Name name, String key) throws IOException {
        HeadObjectResponse head = head(key);
        memory.learn(key, head.eTag(), head.contentLength(), head.lastModified(), head.metadata(), null,
                answered(head));
        return fileEntry(name, key, head.contentLength(), head.eTag(), head.lastModified(), head.metadata());
    }

    /** When the store gave {@code response}, by its {@code Date} header; null if it sent none it can read. */
    private static Instant answered(S3Response response) {
        return response.sdkHttpResponse().firstMatchingHeader("Date").map(date -> {
            try {
                return java.time.ZonedDateTime.parse(date, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
            } catch (java.time.format.DateTimeParseException notADate) {
                return null;
            }
        }).orElse(null);
    }

    private Entry link(Name name, String key) throws IOException {
        ResponseBytes<GetObjectResponse> object = calls.call(key, () -> calls.client().getObjectAsBytes(request ->
                request.bucket(calls.bucket()).key(key)));
        GetObjectResponse response = object.response();
        byte[] target = object.asByteArrayUnsafe();
        if (target.length == 0) {
            throw new IOException(key + ": an empty link object holds no target");
        }
        memory.learn(key, response.eTag(), target.length, response.lastModified(), response.metadata(),
                target.clone(), answered(response));
        return ObjectAttributes.link(name, LinkTarget.of(target), response.lastModified(), response.metadata());
    }

    private HeadObjectResponse head(String key) throws IOException {
        return calls.call(key, () -> calls.client().headObject(request -> request.bucket(calls.bucket()).key(key)));
    }

    /**
     * The MD5 of a file object: its ETag where that is one (a single-part upload's, {@code etag} as listed, or asked
     * for if null), else rclone's {@code md5chksum} metadata, else its content read through {@code digest}.
     */
    byte[] md5(RelPath file, String etag, Md5 digest, Cancellation cancellation) throws IOException {
        String key = keys.file(file);
        byte[] fromEtag = etagMd5(etag);
        if (fromEtag != null) {
            return fromEtag;
        }
        ObjectMemory.Known known = memory.held(key, etag);
        String stored;
        if (known != null) {
            stored = known.metadata().get(MD5_METADATA);
        } else {
            HeadObjectResponse head = head(key);
            fromEtag = etagMd5(head.eTag());
            if (fromEtag != null) {
                return fromEtag;
            }
            stored = head.metadata().get(MD5_METADATA);
        }
        if (stored != null) {
            try {
                byte[] md5 = Base64.getDecoder().decode(stored.trim());
                if (md5.length == 16) {
                    return md5;
                }
            } catch (IllegalArgumentException notBase64) {
                // read it
            }
        }
        try (InputStream content = open(file)) {
            return digest.of(Channels.newChannel(content), cancellation);
        }
    }

    /** The MD5 an ETag is: 32 hex digits, quoted or not (a multipart ETag has a "-N" and is none). */
    static byte[] etagMd5(String etag) {
        if (etag == null) {
            return null;
        }
        String bare = etag.startsWith("\"") && etag.endsWith("\"") && etag.length() > 1
                ? etag.substring(1, etag.length() - 1) : etag;
        if (bare.length() != 32) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(bare);
        } catch (IllegalArgumentException notHex) {
            return null;
        }
    }

    /** The content of the file at {@code file}. */
    ResponseInputStream<GetObjectResponse> open(RelPath file) throws IOException {
        String key = keys.file(file);
        return calls.call(key, () -> calls.client().getObject(request -> request.bucket(calls.bucket()).key(key)));
    }
}
