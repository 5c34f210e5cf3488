package dirsync.fs.s3;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Listing;
import dirsync.fs.RelPath;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The tree's listings, and what they taught it: a listing of the root lists the whole prefix (ListObjectsV2, in
 * pages) and each directory is then served from it once ({@link PrefixListing}); another directory, or one whose
 * listing a change made stale, is listed alone with the '/' delimiter. Every listing tells the ETags of the file
 * objects (a file's MD5, unread) and which link objects exist (to delete when a file takes a link's name, and the
 * other way round).
 */
final class TreeListings {

    private final S3Calls calls;
    private final S3Keys keys;
    private final ObjectReads reads;
    private final String description;
    private final ObjectMemory memory;
    /** The ETags of file objects as listed or written, by key. */
    private final Map<String, String> etags = new ConcurrentHashMap<>();
    /** The keys of link objects as listed. */
    private final Set<String> links = ConcurrentHashMap.newKeySet();
    private PrefixListing listing;
    /**
     * The root as the tree prepared it at the run's start ({@link S3Tree#prepareRoot}), handed out once, to the
     * pass's examine of the root that follows (one HEAD of the root fewer); forgotten at any change.
     */
    private final AtomicReference<Entry> preparedRoot = new AtomicReference<>();

    /** @param memory what the store answered earlier: a listing of the whole prefix keeps what still holds */
    TreeListings(S3Calls calls, S3Keys keys, ObjectReads reads, ObjectMemory memory, String description) {
        this.calls = calls;
        this.keys = keys;
        this.reads = reads;
        this.memory = memory;
        this.description = description;
    }

    Listing list(RelPath dir) throws IOException {
        String dirKey = keys.directory(dir);
        String relative = dirKey.substring(keys.prefix().length());
        PrefixListing held;
        synchronized (this) {
            if (dir.isRoot()) {
                listing = listed(dirKey, false).build();
            }
            held = listing;
        }
        Optional<List<PrefixListing.Stored>> entries = held == null ? Optional.empty() : held.take(relative);
        if (entries.isEmpty()) {
            if (directory(dir) == null) {
                throw new NoSuchFileException(description + "/" + relative);
            }
            entries = Optional.of(listed(dirKey, true).rootEntries());
        }
        return reads.entries(entries.get());
    }

    /** The root as just examined or made at the run's start: the next examine of the root takes it, once. */
    void prepared(Entry root) {
        preparedRoot.set(root);
    }

    /**
     * The directory {@code dir} as this pass's listing of its parent showed it, once, if that still holds and the
     * memory knows its marker as listed (or it has none); the root as {@link #prepared}, once, if nothing changed
     * since; else null, and it is to be examined on the store.
     */
    Entry listedDirectory(RelPath dir) throws IOException {
        if (dir.isRoot()) {
            Entry prepared = preparedRoot.getAndSet(null);
            if (prepared != null) {
                return prepared;
            }
        }
        PrefixListing held;
        synchronized (this) {
            held = listing;
        }
        if (held == null) {
            return null;
        }
        String dirKey = keys.directory(dir);
        return held.examined(dirKey.substring(keys.prefix().length())).map(reads::remembered).orElse(null);
    }

    /** The directory at {@code dir}, or null if there is none (or something else is there). */
    Entry directory(RelPath dir) throws IOException {
        try {
            Entry entry = reads.examine(dir);
            return entry.is(EntryKind.DIRECTORY) ? entry : null;
        } catch (NoSuchFileException missing) {
            return null;
        }
    }

    /** The objects under {@code dirKey}: all of them, or ({@code delimited}) this directory's own. */
    private PrefixListing.Builder listed(String dirKey, boolean delimited) throws IOException {
        PrefixListing.Builder builder = new PrefixListing.Builder(delimited ? dirKey : keys.prefix());
        ObjectMemory.Relisting relisting = delimited ? null : memory.relisted();
        calls.call(dirKey, () -> {
            for (var page : calls.client().listObjectsV2Paginator(request -> request.bucket(calls.bucket())
                    .prefix(dirKey).delimiter(delimited ? "/" : null))) {
                page.contents().stream().filter(object -> !keys.hidden(object.key())).forEach(object -> {
                    builder.object(object.key(), object.size(), object.eTag(), object.lastModified());
                    if (relisting != null) {
                        relisting.object(object.key(), object.eTag(), object.size(), object.lastModified());
                    }
                });
                page.commonPrefixes().stream().filter(common -> !keys.hidden(common.prefix()))
                        .forEach(common -> builder.commonPrefix(common.prefix()));
            }
            return builder;
        });
        if (relisting != null) {
            relisting.complete();
        }
        etags.putAll(builder.etags());
        links.addAll(builder.links());
        return builder;
    }

    /** The ETag of the file object {@code key} as listed, or null. */
    String etag(String key) {
        return etags.get(key);
    }

    /** A key that cannot be (a file named *.rclonelink, too long a key) names no object to forget. */
    private void forget(KeyOf key) {
        try {
            memory.forget(key.get());
        } catch (UnstorableNameException noSuchObject) {
            // nothing there
        }
    }

    @FunctionalInterface
    private interface KeyOf {
        String get() throws UnstorableNameException;
    }

    /** Whether a listing showed the file object {@code key}, which is then forgotten (it is replaced or deleted). */
    boolean forgetFile(String key) {
        return etags.remove(key) != null;
    }

    /** Whether a listing showed the link object {@code key}, which is then forgotten. */
    boolean forgetLink(String key) {
        return links.remove(key);
    }

    /**
     * A change to {@code path} (and, with {@code subtree}, below it): the listings it makes stale are forgotten, and
     * what the memory knew of the objects it changes.
     */
    synchronized void changing(RelPath path, boolean subtree) throws IOException {
        preparedRoot.set(null);
        String dir = keys.directory(path);
        if (!path.isRoot()) {
            forget(() -> keys.file(path));
            forget(() -> keys.link(path));
        }
        if (subtree) {
            memory.forgetUnder(dir);
        } else {
            memory.forget(dir);
        }
        if (listing != null && !path.isRoot()) {
            String dirKey = keys.directory(path);
            listing.changed(dirKey.substring(keys.prefix().length(), dirKey.length() - 1), subtree);
        }
    }
}
