package dirsync.fs.s3;

import dirsync.fs.Name;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The objects under the prefix, grouped by the directory they are in: what one ListObjectsV2 of the whole prefix
 * (in pages) or of one directory (with the '/' delimiter) returned. A directory's entries are handed out once
 * ({@link #take}) and forgotten, so a second listing of it asks the store again; what a pass changes forgets the
 * listings it makes stale ({@link #changed}).
 * <p>
 * Keys are directory keys relative to the prefix, "" for the root, else ending in '/'; a subtree is a range of them.
 * Where a store holds one name in two forms (a file and a directory, left by a crash or by another tool) one is
 * listed, in the order file, link, directory (the order in which an entry is examined: a file's is one request).
 * <p>
 * Each directory's own state, as its parent lists it, is handed out once too ({@link #examined}), as the SFTP
 * tree's snapshot does: a pass examines a directory when it has finished it, and an object store changes no
 * directory's marker when its contents change, so the state listed (less what the pass changed) is its state.
 */
final class PrefixListing {

    /** What an object (or a common prefix) is in the tree. */
    enum Kind {
        /** A directory with its marker. */
        MARKER,
        /** A directory whose marker, if any, was not listed (a common prefix): its marker is asked for. */
        MAYBE_MARKER,
        /** A directory only deeper keys imply: it has no marker. */
        IMPLIED,
        FILE,
        LINK;

        boolean directory() {
            return this == MARKER || this == MAYBE_MARKER || this == IMPLIED;
        }
    }

    /** One entry as listed: its name, what it is, its object's key (a directory's marker key), size, ETag, time. */
    record Stored(Name name, Kind kind, String key, long size, String etag, Instant lastModified) {
    }

    private final TreeMap<String, Map<Name, Stored>> directories;
    /** Each directory's own entry in its parent, by its relative key. */
    private final TreeMap<String, Stored> ownStates = new TreeMap<>();

    private PrefixListing(TreeMap<String, Map<Name, Stored>> directories, String prefix, Stored root) {
        this.directories = directories;
        if (root != null) {
            ownStates.put("", root);
        }
        for (Map<Name, Stored> entries : directories.values()) {
            for (Stored entry : entries.values()) {
                if (entry.kind() == Kind.MARKER || entry.kind() == Kind.IMPLIED) {
                    ownStates.put(entry.key().substring(prefix.length()), entry);
                }
            }
        }
    }

    /** The entry of directory {@code dir} (its relative key) as its parent's listing showed it, once; else empty. */
    synchronized Optional<Stored> examined(String dir) {
        return Optional.ofNullable(ownStates.remove(dir));
    }

    /** The entries of directory {@code dir} (its relative key), once; empty if not held (any more). */
    synchronized Optional<List<Stored>> take(String dir) {
        Map<Name, Stored> entries = directories.remove(dir);
        return entries == null ? Optional.empty() : Optional.of(sorted(entries));
    }

    /** This pass changes the entry {@code path} (a relative key without a trailing '/'); with its subtree. */
    synchronized void changed(String path, boolean subtree) {
        int slash = path.lastIndexOf('/');
        directories.remove(slash < 0 ? "" : path.substring(0, slash + 1));
        ownStates.remove(path + "/");
        if (subtree) {
            directories.subMap(path + "/", path + "0").clear(); // '0' follows '/': every key under path
            ownStates.subMap(path + "/", path + "0").clear();
        }
    }

    private static List<Stored> sorted(Map<Name, Stored> entries) {
        List<Stored> list = new ArrayList<>(entries.values());
        list.sort((a, b) -> a.name().compareTo(b.name()));
        return list;
    }

    /** Collects objects as a listing returns them. */
    static final class Builder {
        private final String prefix;
        private final TreeMap<String, Map<Name, Stored>> directories = new TreeMap<>();
        private final Map<String, String> etags = new HashMap<>();
        private final java.util.Set<String> links = new java.util.HashSet<>();
        private Stored root;

        /** @param prefix the tree's prefix, which every key added starts with */
        Builder(String prefix) {
            this.prefix = prefix;
            directories.put("", new HashMap<>());
        }

        /** An object, with every directory its key implies; a key that names no entry (a "//") is left out. */
        Builder object(String key, long size, String etag, Instant lastModified) {
            String relative = key.substring(prefix.length());
            if (relative.isEmpty()) {
                root = new Stored(Name.ROOT, Kind.MARKER, key, size, etag, lastModified); // the root's own marker
                return this;
            }
            boolean marker = relative.endsWith("/");
            String[] parts = (marker ? relative.substring(0, relative.length() - 1) : relative).split("/", -1);
            StringBuilder dir = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                boolean last = i == parts.length - 1;
                Kind kind = !last ? Kind.IMPLIED : marker ? Kind.MARKER
                        : parts[i].endsWith(S3Keys.LINK_SUFFIX) ? Kind.LINK : Kind.FILE;
                String part = kind == Kind.LINK
                        ? parts[i].substring(0, parts[i].length() - S3Keys.LINK_SUFFIX.length()) : parts[i];
                Optional<Name> name = name(part);
                if (name.isEmpty()) {
                    return this;
                }
                if (kind == Kind.FILE) {
                    etags.put(key, etag);
                } else if (kind == Kind.LINK) {
                    links.add(key);
                }
                String entryKey = kind.directory() ? prefix + dir + part + "/" : key;
                add(dir.toString(), new Stored(name.get(), kind, entryKey, size, etag, lastModified));
                dir.append(part).append('/');
                if (kind.directory()) {
                    directories.computeIfAbsent(dir.toString(), ignored -> new HashMap<>());
                }
            }
            return this;
        }

        /** A common prefix of a listing with the '/' delimiter: a directory, perhaps with a marker. */
        Builder commonPrefix(String key) {
            String relative = key.substring(prefix.length(), key.length() - 1);
            int slash = relative.lastIndexOf('/');
            name(relative.substring(slash + 1)).ifPresent(name -> add(relative.substring(0, slash + 1),
                    new Stored(name, Kind.MAYBE_MARKER, key, 0, null, Instant.EPOCH)));
            return this;
        }

        private void add(String dir, Stored entry) {
            directories.computeIfAbsent(dir, ignored -> new HashMap<>()).merge(entry.name(), entry,
                    (held, next) -> rank(next.kind()) < rank(held.kind()) ? next : held);
        }

        /** Which of two forms of one name is listed: the lower. */
        private static int rank(Kind kind) {
            return switch (kind) {
                case FILE -> 0;
                case LINK -> 1;
                case MARKER -> 2;
                case MAYBE_MARKER -> 3;
                case IMPLIED -> 4;
            };
        }

        private static Optional<Name> name(String part) {
            try {
                return Optional.of(Name.of(part.getBytes(StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException notAName) {
                return Optional.empty();
            }
        }

        /** The ETag of every file object added, by key (a listed one, even if another form of its name is listed). */
        Map<String, String> etags() {
            return etags;
        }

        /** The key of every link object added. */
        java.util.Set<String> links() {
            return links;
        }

        PrefixListing build() {
            return new PrefixListing(directories, prefix, root);
        }

        /** The entries of the root directory (for a listing of one directory, whose entries are all its). */
        List<Stored> rootEntries() {
            return sorted(directories.get(""));
        }
    }
}
