package dirsync.fs.s3;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * What the store answered about objects, kept so that a later listing that shows an object unchanged needs no HEAD
 * (nor a link's GET): ListObjectsV2 tells an object's key, size, ETag and Last-Modified, but not the user metadata
 * that holds its mode, time and owner.
 * <p>
 * An answer is remembered with the ETag, size and Last-Modified it came with, and trusted only while a listing shows
 * all three the same (Last-Modified to the second, the grain a store keeps). The store sets Last-Modified at every
 * write of the object, a copy onto itself (new metadata) included, and no request can set it back; a write's new
 * content moves the ETag too. What this could miss is a write in the same second as the one remembered, with the
 * same size and ETag: so an answer is remembered only if the store gave it (its {@code Date}) at least
 * {@link #SETTLED} after the object's Last-Modified; and what the tree itself writes or deletes is forgotten at once
 * ({@link #forget}). An object written by this run is then read once more by a later pass, and from then on not at
 * all while it stays as it is.
 * <p>
 * A listing of the whole prefix ({@link #relisted}) keeps only what still holds of the objects it shows: the memory
 * follows the tree. The app keeps its bytes between runs ({@link ObjectMemoryBytes}). Thread-safe: the tree's request
 * threads learn at once.
 */
final class ObjectMemory implements dirsync.fs.ReplicaFeatures.TreeMemory {

    /** How long after its Last-Modified an answer about an object must have been given to be remembered. */
    static final Duration SETTLED = Duration.ofSeconds(2);

    /** The metadata that entries are made of: the rest of an object's metadata is not kept. */
    private static final java.util.Set<String> KEPT = java.util.Set.of(ObjectAttributes.MTIME,
            ObjectAttributes.MODE, ObjectAttributes.UID, ObjectAttributes.GID, ObjectReads.MD5_METADATA);

    /**
     * One object as the store described it: its ETag (unquoted), size, Last-Modified as answered, the metadata kept,
     * and for a link object its content (the target); null for other objects.
     */
    record Known(String etag, long size, Instant lastModified, Map<String, String> metadata, byte[] content) {

        /**
         * Whether a listing's ETag, size and Last-Modified are this object's. An empty object's ETag may be untold
         * (empty here: some stores send none for a directory marker), and is not needed: its content is known.
         */
        boolean matches(String listedEtag, long listedSize, Instant listedModified) {
            return size == listedSize && (etag.equals(String.valueOf(unquoted(listedEtag))) || etag.isEmpty() && size == 0)
                    && lastModified.getEpochSecond() == listedModified.getEpochSecond();
        }
    }

    private final Duration settled;
    private volatile ConcurrentSkipListMap<String, Known> known = new ConcurrentSkipListMap<>();

    ObjectMemory() {
        this(SETTLED);
    }

    /** With another time to settle (a test's: zero, or an hour). */
    ObjectMemory(Duration settled) {
        this.settled = settled;
    }

    /**
     * What the store answered at {@code answered} (its {@code Date}; null if it sent none) about the object
     * {@code key}: remembered if settled, else forgotten (an older answer no longer holds).
     */
    void learn(String key, String etag, long size, Instant lastModified, Map<String, String> metadata, byte[] content,
               Instant answered) {
        if (etag == null && size != 0 || lastModified == null || answered == null
                || answered.isBefore(lastModified.plus(settled))) {
            known.remove(key);
            return;
        }
        Map<String, String> kept = new HashMap<>();
        metadata.forEach((name, value) -> {
            if (KEPT.contains(name)) {
                kept.put(name, value);
            }
        });
        known.put(key, new Known(etag == null ? "" : unquoted(etag), size, lastModified, Map.copyOf(kept), content));
    }

    /** What is remembered of the object {@code key} as a listing shows it, or null if nothing that still holds. */
    Known recall(String key, String etag, long size, Instant lastModified) {
        Known held = known.get(key);
        return held != null && lastModified != null && held.matches(etag, size, lastModified) ? held : null;
    }

    /** What is remembered of the object {@code key} with {@code etag} (as a listing showed it), or null. */
    Known held(String key, String etag) {
        Known held = known.get(key);
        return held != null && etag != null && held.etag().equals(unquoted(etag)) ? held : null;
    }

    /** The tree writes or deletes the object {@code key}: what was known of it is forgotten. */
    void forget(String key) {
        known.remove(key);
    }

    /** The tree writes or deletes objects under {@code prefix} (a directory's key): what was known is forgotten. */
    void forgetUnder(String prefix) {
        if (prefix.isEmpty()) {
            known.clear();
        } else {
            known.subMap(prefix, prefix.substring(0, prefix.length() - 1) + "0").clear(); // '0' follows '/'
        }
    }

    /** Collects a listing of the whole prefix, and then keeps only what still holds of the objects it showed. */
    Relisting relisted() {
        return new Relisting();
    }

    /** The objects of one listing of the whole prefix, in its pages. */
    final class Relisting {
        private final ConcurrentSkipListMap<String, Known> still = new ConcurrentSkipListMap<>();

        void object(String key, String etag, long size, Instant lastModified) {
            Known held = recall(key, etag, size, lastModified);
            if (held != null) {
                still.put(key, held);
            }
        }

        /** The listing is complete: what it did not show, or showed changed, is forgotten. */
        void complete() {
            known = still;
        }
    }

    int size() {
        return known.size();
    }

    /** Every object remembered, for {@link ObjectMemoryBytes}. */
    Map<String, Known> all() {
        return Map.copyOf(known);
    }

    /** Starts from what an earlier run remembered (in place of anything held). */
    void restore(Map<String, Known> saved) {
        known = new ConcurrentSkipListMap<>(saved);
    }

    @Override
    public byte[] exportMemory() {
        return ObjectMemoryBytes.of(all());
    }

    @Override
    public boolean importMemory(byte[] saved) {
        java.util.Optional<Map<String, Known>> objects = ObjectMemoryBytes.from(saved);
        objects.ifPresent(this::restore);
        return objects.isPresent();
    }

    /** An ETag without the quotes a store puts around it. */
    static String unquoted(String etag) {
        return etag != null && etag.length() > 1 && etag.startsWith("\"") && etag.endsWith("\"")
                ? etag.substring(1, etag.length() - 1) : etag;
    }
}
