package dirsync.it;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.RelPath;
import dirsync.fs.SourceTree;
import dirsync.fs.Md5;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tree described entry by entry through the seam ({@link SourceTree}), whatever holds it: a local directory, or
 * objects in a bucket read back by a fresh object tree. Each entry in one line: its kind, permissions, modification
 * time, and a file's size and the MD5 of its content read whole, a link's target. Two trees are the same mirror when
 * their descriptions are equal.
 */
final class TreesThroughSeam {

    private TreesThroughSeam() {
    }

    /** Every entry of {@code tree} (the root as "."), described, sorted by path. */
    static Map<String, String> describe(SourceTree tree) {
        Map<String, String> entries = new TreeMap<>();
        try {
            walk(tree, RelPath.ROOT, ".", tree.examine(RelPath.ROOT), entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    private static void walk(SourceTree tree, RelPath path, String key, Entry entry, Map<String, String> entries)
            throws IOException {
        entries.put(key, line(tree, path, entry));
        if (entry.is(EntryKind.DIRECTORY)) {
            for (Entry child : tree.list(path).entries()) {
                walk(tree, path.resolve(child.name()), key.equals(".") ? child.name().text()
                        : key + "/" + child.name().text(), child, entries);
            }
        }
    }

    private static String line(SourceTree tree, RelPath path, Entry entry) throws IOException {
        String attributes = PosixFilePermissions.toString(entry.permissions()) + " mtime=" + entry.modified();
        return switch (entry.kind()) {
            case SYMLINK -> "symlink -> " + entry.linkTarget();
            case DIRECTORY -> "directory " + attributes;
            case FILE -> "file " + attributes + " size=" + entry.size() + " md5=" + md5(tree, path);
            default -> "special";
        };
    }

    private static String md5(SourceTree tree, RelPath path) throws IOException {
        MessageDigest digest = Md5.newDigest();
        try (SeekableByteChannel channel = tree.open(path); InputStream in = Channels.newInputStream(channel)) {
            digest.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
