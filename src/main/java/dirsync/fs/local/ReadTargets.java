package dirsync.fs.local;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The platform's paths of link targets that no path made from text or a URI can hold (a run of '/': the JDK makes
 * one of it), as read from links. Only a path read from the disk holds such bytes, so the platform's
 * {@link NameCodec} keeps those its trees read, for the tree that makes the same link again: a replica on the same
 * file system as its source, which has just listed it. The most recently used few hundred; safe for several
 * threads.
 */
final class ReadTargets {

    private static final int KEPT = 512;

    private final Map<String, Path> read = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Path> eldest) {
            return size() > KEPT;
        }
    };

    synchronized void keep(byte[] bytes, Path target) {
        read.put(key(bytes), target);
    }

    /** The path read for these bytes, or null. */
    synchronized Path find(byte[] bytes) {
        return read.get(key(bytes));
    }

    private static String key(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1); // one char per byte: equal exactly when they are
    }
}
