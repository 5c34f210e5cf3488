package dirsync.fs;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A path relative to a tree's root, as a chain of {@link Name}s: independent of any file system provider, and
 * turned into a provider's path only by the tree that reads or writes it (which may cache it, keyed by this
 * value). Immutable. {@link #ROOT} is the root itself.
 */
public final class RelPath {

    public static final RelPath ROOT = new RelPath(null, null);

    private final RelPath parent;
    private final Name name;
    private final int depth;
    private final int hash;

    private RelPath(RelPath parent, Name name) {
        this.parent = parent;
        this.name = name;
        this.depth = parent == null ? 0 : parent.depth + 1;
        this.hash = parent == null ? 0 : 31 * parent.hash + name.hashCode();
    }

    /** The path of the entry {@code child} inside this directory. */
    public RelPath resolve(Name child) {
        return new RelPath(this, child);
    }

    /** Parses "a/b/c" (UTF-8 names; "" and "." are the root): for tests and people, never for names read from a disk. */
    public static RelPath of(String slashSeparated) {
        RelPath path = ROOT;
        for (String part : slashSeparated.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                path = path.resolve(Name.of(part));
            }
        }
        return path;
    }

    public boolean isRoot() {
        return parent == null;
    }

    /** The directory this entry is in; null for the root. */
    public RelPath parent() {
        return parent;
    }

    /** The last name; null for the root. */
    public Name name() {
        return name;
    }

    /** Whether this path is {@code ancestor} or lies below it. */
    public boolean isWithin(RelPath ancestor) {
        RelPath at = this;
        while (at != null && at.depth > ancestor.depth) {
            at = at.parent;
        }
        return ancestor.equals(at);
    }

    public int depth() {
        return depth;
    }

    /** The names from the root down. */
    public List<Name> names() {
        List<Name> names = new ArrayList<>(depth);
        for (RelPath at = this; at.parent != null; at = at.parent) {
            names.add(at.name);
        }
        Collections.reverse(names);
        return names;
    }

    /** The bytes of the path with '/' between names ("" for the root). */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Name part : names()) {
            if (out.size() > 0) {
                out.write('/');
            }
            part.appendTo(out);
        }
        return out.toByteArray();
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof RelPath path) || path.hash != hash || path.depth != depth) {
            return false;
        }
        RelPath a = this;
        RelPath b = path;
        while (a != b) { // two paths often share their parent, and the root always
            if (!a.name.equals(b.name)) {
                return false;
            }
            a = a.parent;
            b = b.parent;
        }
        return true;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** "a/b/c" in UTF-8 where valid, "." for the root: for log lines (which escape it) and glob matching. */
    @Override
    public String toString() {
        if (parent == null) {
            return ".";
        }
        StringBuilder text = new StringBuilder();
        for (Name part : names()) {
            if (text.length() > 0) {
                text.append('/');
            }
            text.append(part.text());
        }
        return text.toString();
    }
}
