package dirsync.fs.local;

import dirsync.fs.ExtendedAttributeValues;
import dirsync.fs.ExtendedAttributesUnsupportedException;
import dirsync.fs.RelPath;
import dirsync.fs.SourceTree;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The {@code user.*} extended attributes of local files and directories, through
 * {@link UserDefinedFileAttributeView}, never following a link. ACLs and {@code security.*} are out of Java's
 * reach.
 */
final class ExtendedAttributes {

    private ExtendedAttributes() {
    }

    static SortedMap<String, byte[]> read(Path path, String where) throws IOException {
        UserDefinedFileAttributeView view = view(path, where);
        SortedMap<String, byte[]> attributes = new TreeMap<>();
        try {
            for (String name : view.list()) {
                ByteBuffer value = ByteBuffer.allocate(view.size(name));
                view.read(name, value);
                attributes.put(name, Arrays.copyOf(value.array(), value.position()));
            }
        } catch (FileSystemException e) {
            throw unsupportedOr(e, where);
        }
        return attributes;
    }

    /**
     * Gives a copy just made (which has none) the attributes of its source. Where either side keeps none this is
     * skipped: the pass warns once when it meets a directory (every pass finishes at least the root).
     */
    static void ofCopy(SourceTree source, RelPath rel, Path copy, String where) throws IOException {
        try {
            writeFresh(copy, source.extendedAttributes(rel), where);
        } catch (ExtendedAttributesUnsupportedException unsupported) {
            // reported by the pass
        }
    }

    /** Gives a file just made (which has none) the attributes {@code wanted}. */
    static void writeFresh(Path path, SortedMap<String, byte[]> wanted, String where) throws IOException {
        if (wanted.isEmpty()) {
            return;
        }
        UserDefinedFileAttributeView view = view(path, where);
        try {
            for (Map.Entry<String, byte[]> attribute : wanted.entrySet()) {
                view.write(attribute.getKey(), ByteBuffer.wrap(attribute.getValue()));
            }
        } catch (FileSystemException e) {
            throw unsupportedOr(e, where);
        }
    }

    /** Makes {@code path}'s attributes exactly {@code wanted}; returns whether anything changed. */
    static boolean write(Path path, SortedMap<String, byte[]> wanted, String where) throws IOException {
        SortedMap<String, byte[]> current = read(path, where);
        if (ExtendedAttributeValues.same(current, wanted)) {
            return false;
        }
        UserDefinedFileAttributeView view = view(path, where);
        try {
            for (String name : current.keySet()) {
                if (!wanted.containsKey(name)) {
                    view.delete(name);
                }
            }
            for (Map.Entry<String, byte[]> attribute : wanted.entrySet()) {
                if (!Arrays.equals(current.get(attribute.getKey()), attribute.getValue())) {
                    view.write(attribute.getKey(), ByteBuffer.wrap(attribute.getValue()));
                }
            }
        } catch (FileSystemException e) {
            throw unsupportedOr(e, where);
        }
        return true;
    }

    private static UserDefinedFileAttributeView view(Path path, String where) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(path, UserDefinedFileAttributeView.class,
                LocalTree.NOFOLLOW);
        if (view == null) {
            throw new ExtendedAttributesUnsupportedException(where, null);
        }
        return view;
    }

    /** ENOTSUP ("Operation not supported") means the file system keeps none; anything else is an error. */
    private static IOException unsupportedOr(FileSystemException e, String where) {
        String reason = e.getReason() == null ? "" : e.getReason();
        if (reason.contains("not supported")) {
            return new ExtendedAttributesUnsupportedException(where, e);
        }
        return e;
    }
}
