package dirsync.fs.s3;

import dirsync.fs.Cancellation;
import dirsync.fs.Capabilities;
import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Listing;
import dirsync.fs.Md5;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import dirsync.fs.ReplicaTree;
import dirsync.fs.SourceTree;
import dirsync.fs.TreeDeletion;
import dirsync.fs.Work;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.Collections;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * A replica under {@code s3://bucket/prefix}, through the AWS SDK's {@link S3Client} (configured, credentials and
 * endpoint included, by the caller). How a tree becomes objects is {@link S3Keys}'s (keys, directory markers, rclone's
 * {@code .rclonelink} links) and {@link ObjectAttributes}'s (mode, time to the nanosecond, owner as metadata).
 * <p>
 * Listing: a listing of the root lists the whole prefix with ListObjectsV2, in pages, and each directory's listing is
 * then served from it once ({@link PrefixListing}); what this tree changes forgets the listings it makes stale, which
 * are then asked of the store one directory at a time. The entries' metadata is read by HEAD, many at once.
 * Content is compared by MD5: a single-part upload's ETag is its MD5, so no file is read back to hash it.
 * <p>
 * Writes: a file goes up in one PUT, or above {@link PartSizes} as a multipart upload ({@link MultipartWrite}).
 * <p>
 * Of the {@link ReplicaFeatures} it offers {@code connection} ({@link StoreReach}: a store that stops answering is
 * lost for the pass, one error), renames of files ({@link ObjectRenames}: a copy on the store, then a delete) and a
 * memory of what the store answered ({@link ObjectMemory}: a no-change pass reads no object's metadata again); no
 * hard links (each name is an object), no backups, no extended attributes. A file's identity, which the hash memory
 * trusts, is its key, ETag and modification time ({@link ObjectIdentity}).
 */
public final class S3Tree implements ReplicaTree {

    private static final int REQUESTS_AT_ONCE = 16;
    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, true, true);

    private final S3Keys keys;
    private final ObjectReads reads;
    private final ObjectWrites writes;
    private final ObjectDeletes deletes;
    private final S3Calls calls;
    private final String description;
    private final ReplicaFeatures features;
    private final TreeListings listings;
    private final IncompleteUploads uploads;
    /** Threads for requests sent beside the caller's ({@link #requestThreads}). */
    private final ExecutorService requests;

    private S3Tree(S3Client client, String bucket, String prefix, String description, PartSizes parts,
                   ObjectMemory memory) {
        this.keys = new S3Keys(prefix);
        StoreReach reach = new StoreReach();
        this.calls = new S3Calls(client, bucket, reach);
        this.requests = requestThreads();
        long tree = ObjectIdentity.tree(description);
        this.reads = new ObjectReads(calls, keys, requests, memory, tree);
        this.listings = new TreeListings(calls, keys, reads, memory, description);
        this.uploads = new IncompleteUploads(calls, keys.prefix());
        this.writes = new ObjectWrites(calls, keys, parts, new MultipartWrite(calls, parts, requests, uploads),
                new MetadataCopy(calls, parts.largestCopy(), uploads), tree);
        this.deletes = new ObjectDeletes(calls, keys);
        this.description = description;
        this.features = ReplicaFeatures.plain(new ReplicaFeatures.Tuning(REQUESTS_AT_ONCE, REQUESTS_AT_ONCE,
                        REQUESTS_AT_ONCE, ReplicaFeatures.TimeGrain.EXACT, "")).withConnection(reach.perPass(uploads))
                .withRenames(new ObjectRenames(calls, keys, reads, listings)).withTreeMemory(memory);
    }

    /**
     * The tree under {@code prefix} (empty: the whole bucket, else ending in '/') of {@code bucket}.
     *
     * @param description how log lines name the replica, e.g. {@code s3://bucket/prefix}
     */
    public static S3Tree over(S3Client client, String bucket, String prefix, String description) {
        return over(client, bucket, prefix, description, PartSizes.DEFAULT);
    }

    /** The same, files larger than {@code parts} allows in one PUT sent as multipart uploads of its parts. */
    public static S3Tree over(S3Client client, String bucket, String prefix, String description, PartSizes parts) {
        return new S3Tree(client, bucket, prefix, description, parts, new ObjectMemory());
    }

    /** The tree with a memory of its own (a test's, with another time to settle). */
    static S3Tree over(S3Client client, String bucket, String prefix, String description, ObjectMemory memory) {
        return new S3Tree(client, bucket, prefix, description, PartSizes.DEFAULT, memory);
    }

    /** Threads for requests made many at once (HEADs of a listing), gone after half a minute unused. */
    private static ExecutorService requestThreads() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(REQUESTS_AT_ONCE, REQUESTS_AT_ONCE, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "dirsync-s3-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    @Override
    public Listing list(RelPath dir) throws IOException {
        return listings.list(dir);
    }

    /** A directory as this pass listed it, where that still holds ({@link PrefixListing#examined}); else asked. */
    @Override
    public Entry examine(RelPath path) throws IOException {
        Entry listed = listings.listedDirectory(path);
        return listed != null ? listed : reads.examine(path);
    }

    /**
     * For the hash memory, whose MD5 of a file here is the ETag its listing showed: a file listed with that ETag (in
     * its identity) is the state that MD5 belongs to, with no request; one listed with another is not. Anything else
     * is examined again.
     */
    @Override
    public boolean unchanged(RelPath path, Entry listed) throws IOException {
        if (listed.is(EntryKind.FILE) && listed.identity().known()) {
            String key = keys.file(path);
            String etag = listings.etag(key);
            if (ObjectReads.etagMd5(etag) != null) {
                return listed.identity().inode() == ObjectIdentity.inode(key, etag);
            }
        }
        return examine(path).equals(listed);
    }

    @Override
    public SeekableByteChannel open(RelPath file) throws IOException {
        ResponseInputStream<GetObjectResponse> content = reads.open(file);
        return new ObjectChannel(content, content.response().contentLength());
    }

    @Override
    public byte[] md5(RelPath file, Md5 digest, Cancellation cancellation) throws IOException {
        return reads.md5(file, listings.etag(keys.file(file)), digest, cancellation);
    }

    /** None: an object store keeps no extended attributes. */
    @Override
    public SortedMap<String, byte[]> extendedAttributes(RelPath path) {
        return Collections.emptySortedMap();
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public ReplicaFeatures features() {
        return features;
    }

    /**
     * The root's marker made if the prefix holds nothing (the bucket's root needs none), after the incomplete uploads
     * under the prefix are aborted (a killed run's, another tool's: {@link IncompleteUploads}).
     */
    @Override
    public Entry prepareRoot() throws IOException {
        // The sweep's requests beside the root's HEAD (neither needs the other's answer); the marker, where there is
        // none, is written only once the sweep has succeeded, as when they were in series.
        Beside<Integer> sweep = Beside.start(requests, uploads::sweep);
        Entry root;
        try {
            root = listings.directory(RelPath.ROOT);
        } finally {
            sweep.await();
        }
        if (root == null) {
            writes.marker(RelPath.ROOT, null);
            root = listings.directory(RelPath.ROOT);
        }
        if (root == null) {
            throw new IOException("the replica's root cannot be made: " + describe());
        }
        listings.prepared(root); // the pass's walk examines the root next: this answer serves it
        return root;
    }

    @Override
    public Installed installFile(SourceTree source, RelPath path, Entry expected, byte[] expectedMd5, Work work)
            throws IOException {
        changing(path, true);
        listings.forgetFile(keys.file(path));
        Installed installed = writes.file(source, path, expected, expectedMd5, work);
        dropLink(path);
        return installed;
    }

    @Override
    public AsRead installFileAsRead(SourceTree source, RelPath path, Entry expected, Work work) throws IOException {
        changing(path, true);
        listings.forgetFile(keys.file(path));
        AsRead read = writes.fileAsRead(source, path, expected, work);
        dropLink(path);
        return read;
    }

    /** A link object left at the name a file now has is deleted. */
    private void dropLink(RelPath path) throws IOException {
        String link = keys.link(path);
        if (listings.forgetLink(link)) {
            deleteObject(link);
        }
    }

    private void deleteObject(String key) throws IOException {
        calls.call(key, () -> calls.client().deleteObject(request -> request.bucket(calls.bucket()).key(key)));
    }

    @Override
    public void installSymlink(RelPath path, Entry expected) throws IOException {
        changing(path, true);
        writes.link(path, expected);
        String file = keys.file(path);
        if (listings.forgetFile(file)) {
            deleteObject(file);
        }
    }

    @Override
    public Entry.Identity createDirectory(RelPath path) throws IOException {
        changing(path, true);
        writes.marker(path, null);
        return Entry.Identity.UNKNOWN; // a marker object is a directory's whole being: no identity of its own
    }

    @Override
    public void setAttributes(RelPath path, Entry source) throws IOException {
        changing(path, false);
        writes.attributes(path, source, source.is(EntryKind.FILE) ? listings.etag(keys.file(path)) : null);
    }

    /** Permissions and time as {@link Entry#sameAttributes}, and the owner where the source's is known. */
    @Override
    public boolean carries(Entry source, Entry current) {
        if (current.name().equals(Name.ROOT) && keys.prefix().isEmpty()) {
            return true; // the bucket's root has no marker to carry them
        }
        return source.sameAttributes(current)
                && (!source.owner().known() || source.owner().equals(current.owner()));
    }

    /** Nothing to do: an object store has no directory permissions that could refuse a change. */
    @Override
    public void ensureWritable(RelPath dir, Entry current) {
    }

    @Override
    public void delete(RelPath path) throws IOException {
        changing(path, true);
        listings.forgetFile(keys.file(path));
        listings.forgetLink(keys.link(path));
        deletes.delete(path);
    }

    @Override
    public TreeDeletion deleteTree(RelPath path, Cancellation cancellation) {
        try {
            changing(path, true);
        } catch (IOException unstorable) {
            return new TreeDeletion(0, 0, java.util.List.of(new TreeDeletion.Failure(path, unstorable)));
        }
        return deletes.deleteTree(path, cancellation);
    }

    @Override
    public long countTree(RelPath path, Cancellation cancellation) {
        return deletes.countTree(path, cancellation);
    }

    /** This pass changes {@code path}: the listings that would no longer hold are forgotten. */
    private void changing(RelPath path, boolean subtree) throws IOException {
        listings.changing(path, subtree);
    }
}
