package dirsync.fs;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;

/**
 * The reading half of a tree: everything a pass asks of the side it mirrors from, and of the side it writes
 * to before it writes. Paths are {@link RelPath}s relative to the tree's root; nothing here follows a
 * symbolic link, and nothing here changes the tree. Implementations are safe for use by several threads.
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
     * memory trusts it: by default, examined again and equal in every attribute.
     */
    default boolean unchanged(RelPath path, Entry listed) throws IOException {
        return examine(path).equals(listed);
    }

    /** Opens a regular file for reading, refusing (never following) a symbolic link. */
    SeekableByteChannel open(RelPath file) throws IOException;

    /** The MD5 of a regular file's content, computed with the caller's digest. */
    default byte[] md5(RelPath file, Md5 digest, Cancellation cancellation) throws IOException {
        try (SeekableByteChannel channel = open(file)) {
            return digest.of(channel, cancellation);
        }
    }

    /**
     * The extended attributes of a file or directory in the {@code user} namespace, by name without the
     * {@code user.} prefix, read without following a link; empty where the tree keeps none.
     *
     * @throws ExtendedAttributesUnsupportedException if the file system cannot keep them
     */
    default java.util.SortedMap<String, byte[]> extendedAttributes(RelPath path) throws IOException {
        return java.util.Collections.emptySortedMap();
    }

    /** What this tree can do and keep. */
    Capabilities capabilities();

    /** How log lines and errors name this tree, e.g. its root path. */
    String describe();
}
