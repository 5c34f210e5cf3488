package dirsync.fs.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads translations out of a GNU gettext message catalog (a {@code .mo} file): a header, then a table of the
 * original strings and a table of their translations, each entry a length and an offset. Only UTF-8 catalogs
 * (what the C library installs) read right.
 */
final class MessageCatalog {

    private static final int MAGIC = 0x950412de;
    /** Larger than any catalog of the C library: a file that is not one is not read whole. */
    private static final long MAX_SIZE = 8 << 20;

    private MessageCatalog() {
    }

    /** The translations of {@code wanted} that {@code file} has; empty if it has none, or is not a catalog. */
    static Map<String, String> lookUp(Path file, Set<String> wanted) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_SIZE) {
            return Map.of();
        }
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer catalog = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 20) {
            return Map.of();
        }
        if (catalog.getInt(0) == Integer.reverseBytes(MAGIC)) {
            catalog.order(ByteOrder.BIG_ENDIAN);
        } else if (catalog.getInt(0) != MAGIC) {
            return Map.of();
        }
        int count = catalog.getInt(8);
        int originals = catalog.getInt(12);
        int translations = catalog.getInt(16);
        Map<String, String> found = new HashMap<>();
        try {
            for (int i = 0; i < count && found.size() < wanted.size(); i++) {
                String original = string(catalog, originals + 8 * i);
                if (wanted.contains(original)) {
                    found.put(original, string(catalog, translations + 8 * i));
                }
            }
        } catch (IndexOutOfBoundsException damaged) {
            return Map.of();
        }
        return found;
    }

    /** The string whose table entry (its length, then its offset) is at {@code entry}. */
    private static String string(ByteBuffer catalog, int entry) {
        int length = catalog.getInt(entry);
        int offset = catalog.getInt(entry + 4);
        if (length < 0 || offset < 0 || offset > catalog.limit() - length) {
            throw new IndexOutOfBoundsException("entry at " + entry);
        }
        return new String(catalog.array(), offset, length, StandardCharsets.UTF_8);
    }
}
