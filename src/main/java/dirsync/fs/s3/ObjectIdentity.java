package dirsync.fs.s3;

import dirsync.fs.Entry;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;

/**
 * The identity of a file object, which the verified-hash memory may trust: an object store has no inode and no
 * change time, so it is made of what dirsync wrote and every listing tells: the "device" is the tree (a number from
 * how it is named); the "inode" a number from the object's key and ETag; the change time its modification time (the
 * {@code mtime} metadata dirsync wrote), as over SFTP. The ETag is what the store made of the content: for an object
 * written in one part its MD5, for a multipart upload the MD5 of its parts' MD5s, and on stores that encrypt with
 * their own keys a value new at every write. So a pair is trusted only while the object has the ETag, size and time
 * dirsync gave it: other content moves the ETag, and a write of the same content with another time moves the time.
 * (Last-Modified is left out: a PUT's answer does not tell it, and without it a copy is learned as installed, and
 * placed for the moves of the next pass, with no request more.)
 */
final class ObjectIdentity {

    private ObjectIdentity() {
    }

    /** A number for a tree, from how it is named (its URI). */
    static long tree(String description) {
        return fnv(0xcbf29ce484222325L, description.getBytes(StandardCharsets.UTF_8));
    }

    /** The identity of the file object {@code key} with {@code etag} (quoted or not) and time {@code modified}. */
    static Entry.Identity of(long tree, String key, String etag, FileTime modified) {
        if (etag == null) {
            return Entry.Identity.UNKNOWN;
        }
        return new Entry.Identity(tree, inode(key, etag), modified, 1);
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
