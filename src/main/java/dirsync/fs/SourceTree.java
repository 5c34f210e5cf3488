package dirsync.fs;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;

/**
 * The reading half of a tree: everything a pass asks of the side it mirrors from, and of the side it writes
 * to before it writes. Paths are {@link RelPath}s relative to the tree's root; nothing here follows a
 * symbolic link, and nothing here changes the tree. Implementations are safe for use by several threads. A
 * decorator extends {@link ForwardingSourceTree}, which forwards every method.
 */
public interface SourceTree {

    /**
     * Lists a directory, each entry's attributes read once, sorted by name. A directory that cannot be listed
     * throws; an entry that cannot be examined is listed as {@link EntryKind#UNREADABLE} with its problem; an
     * entry that vanished between the listing and its examination is left out.
     */
    Listing list(RelPath dir) throws IOException;

    /** Reads one entry's attributes without following a link at its last name ({@link RelPath#ROOT}: the root). */
    Entry examine(RelPath path) throws IOException;

    /**
     * Whether the entry at {@code path} is still in the state {@code listed} describes, as far as the verified-hash
     * memory trusts it: examined again and equal in every attribute, or as cheap a check that says as much (a
     * local tree compares its identity: device, inode, change time).
     */
    boolean unchanged(RelPath path, Entry listed) throws IOException;

    /** Opens a regular file for reading, refusing (never following) a symbolic link. */
    SeekableByteChannel open(RelPath file) throws IOException;

    /**
     * The MD5 of a regular file's content, computed with the caller's digest as it is read ({@link Md5#read}), or
     * where the tree can do better without reading it here (a remote tree hashes a large file on its server).
     */
    byte[] md5(RelPath file, Md5 digest, Cancellation cancellation) throws IOException;

    /**
     * The extended attributes of a file or directory in the {@code user} namespace, by name without the
     * {@code user.} prefix, read without following a link; empty where the tree keeps none.
     *
     * @throws ExtendedAttributesUnsupportedException if the file system cannot keep them
     */
    java.util.SortedMap<String, byte[]> extendedAttributes(RelPath path) throws IOException;

    /** What this tree can hold and promise. */
    Capabilities capabilities();

    /** How log lines and errors name this tree, e.g. its root path. */
    String describe();
}
