package dirsync.sync;

import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a pass covers: the whole tree (a full pass), or some directories, each either alone (its own entries, and
 * any subdirectory the replica does not have yet) or with everything below it. Directories are ordered by their
 * names' bytes, so an ancestor comes before what it holds; a directory below a whole-tree directory is left out,
 * since that one covers it.
 */
public final class PassScope {

    /** Orders paths name by name as unsigned bytes: a directory before its contents, siblings in byte order. */
    static final Comparator<RelPath> TREE_ORDER = PassScope::compare;

    private static final PassScope EVERYTHING = new PassScope(Map.of(RelPath.ROOT, true));

    /** The directories, each with true if everything below it is covered too. */
    private final Map<RelPath, Boolean> directories;

    private PassScope(Map<RelPath, Boolean> directories) {
        this.directories = directories;
    }

    /** The whole tree. */
    public static PassScope everything() {
        return EVERYTHING;
    }

    /** A scope gathered directory by directory. */
    public static Builder builder() {
        return new Builder();
    }

    public boolean isEverything() {
        return Boolean.TRUE.equals(directories.get(RelPath.ROOT));
    }

    /** How many directories it names (1 for the whole tree). */
    public int size() {
        return directories.size();
    }

    /** The directories in tree order, each with whether its whole subtree is covered. */
    List<Root> roots() {
        List<Root> roots = new ArrayList<>(directories.size());
        directories.forEach((path, subtree) -> roots.add(new Root(path, subtree)));
        return roots;
    }

    /** One directory of a scope. */
    record Root(RelPath path, boolean subtree) {
    }

    @Override
    public String toString() {
        return isEverything() ? "everything" : directories.toString();
    }

    /** Gathers directories; not safe for several threads (the caller guards it). */
    public static final class Builder {
        private final TreeMap<RelPath, Boolean> directories = new TreeMap<>(TREE_ORDER);

        private Builder() {
        }

        /** The directory's own entries (and what it gains) changed. */
        public Builder directory(RelPath dir) {
            directories.merge(dir, false, Boolean::logicalOr);
            return this;
        }

        /** Anything in or below the directory may have changed. */
        public Builder subtree(RelPath dir) {
            directories.put(dir, true);
            return this;
        }

        public boolean isEmpty() {
            return directories.isEmpty();
        }

        /** How many directories it names so far (a directory below a whole subtree counted too). */
        public int size() {
            return directories.size();
        }

        /** The scope, with every directory below a whole-subtree directory left out. */
        public PassScope build() {
            TreeMap<RelPath, Boolean> kept = new TreeMap<>(TREE_ORDER);
            RelPath coveringSubtree = null;
            for (Map.Entry<RelPath, Boolean> entry : directories.entrySet()) {
                RelPath dir = entry.getKey();
                if (coveringSubtree != null && dir.isWithin(coveringSubtree)) {
                    continue;
                }
                kept.put(dir, entry.getValue());
                if (entry.getValue()) {
                    coveringSubtree = dir;
                }
            }
            if (Boolean.TRUE.equals(kept.get(RelPath.ROOT))) {
                return EVERYTHING;
            }
            return new PassScope(Collections.unmodifiableMap(kept));
        }
    }

    private static int compare(RelPath a, RelPath b) {
        List<Name> left = a.names();
        List<Name> right = b.names();
        int common = Math.min(left.size(), right.size());
        for (int i = 0; i < common; i++) {
            int order = left.get(i).compareTo(right.get(i));
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(left.size(), right.size());
    }
}
