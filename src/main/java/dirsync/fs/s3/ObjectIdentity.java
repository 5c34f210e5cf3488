package dirsync.fs.s3;

import dirsync.fs.Entry;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * The identity of a file object, which the verified-hash memory may trust: an object store has no inode and no
 * change time, so it is made of what every listing and HEAD tells. The "device" is the tree (a number from how it
 * is named); the "inode" a number from the object's key and ETag; the change time its Last-Modified, to the second
 * (a listing may tell milliseconds, a HEAD does not). The store sets Last-Modified at every write of the object, a
 * copy onto itself included, and no request can set it back; a write of other content moves the ETag, which for an
 * object written in one part is its content's MD5. With the size and modification time (the {@code mtime} metadata)
 * beside them in the memory's fact, a pair is trusted only while the object is exactly as it was verified: nothing
 * can make another object look like it, short of a write in the same second with the same content.
 */
final class ObjectIdentity {

    private ObjectIdentity() {
    }

    /** A number for a tree, from how it is named (its URI). */
    static long tree(String description) {
        return fnv(0xcbf29ce484222325L, description.getBytes(StandardCharsets.UTF_8));
    }

    /** The identity of the file object {@code key} with {@code etag} (quoted or not) and {@code lastModified}. */
    static Entry.Identity of(long tree, String key, String etag, Instant lastModified) {
        if (etag == null || lastModified == null) {
            return Entry.Identity.UNKNOWN;
        }
        return new Entry.Identity(tree, inode(key, etag), FileTime.from(Instant.ofEpochSecond(
                lastModified.getEpochSecond())), 1);
    }

    /** The "inode" of the object {@code key} with {@code etag}: FNV-1a, 64 bits, of both with a 0 between. */
    static long inode(String key, String etag) {
        long hash = fnv(0xcbf29ce484222325L, key.getBytes(StandardCharsets.UTF_8));
        hash = fnv(hash, new byte[] {0});
        return fnv(hash, ObjectMemory.unquoted(etag).getBytes(StandardCharsets.UTF_8));
    }

    private static long fnv(long start, byte[] bytes) {
        long hash = start;
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
