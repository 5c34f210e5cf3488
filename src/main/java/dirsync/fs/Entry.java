package dirsync.fs;

import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Objects;
import java.util.Set;

/**
 * One directory entry with the attributes read once, without following links.
 *
 * @param name        the entry's own name (its bytes: Linux names are bytes, not Strings)
 * @param kind        what it is
 * @param size        size in bytes (meaningful for files)
 * @param modified    last-modified time
 * @param permissions POSIX permission bits; empty for symlinks and unreadable entries
 * @param linkTarget  the link's target for symlinks, otherwise null
 */
public record Entry(
        Name name,
        EntryKind kind,
        long size,
        FileTime modified,
        Set<PosixFilePermission> permissions,
        LinkTarget linkTarget,
        Identity identity) {

    private static final FileTime EPOCH = FileTime.fromMillis(0);

    /**
     * Which file this is and when it last changed in any way: device and inode, and the change time (ctime),
     * which every write, chmod or rename moves and no user-space call can set back. With size and modification
     * time, it tells that a file's content cannot have changed since it was last read.
     */
    public record Identity(long device, long inode, FileTime changed) {
        /** For entries made up rather than read from a disk. */
        public static final Identity UNKNOWN = new Identity(-1, -1, EPOCH);

        public boolean known() {
            return !equals(UNKNOWN);
        }
    }

    public Entry(Name name, EntryKind kind, long size, FileTime modified, Set<PosixFilePermission> permissions,
                 LinkTarget linkTarget) {
        this(name, kind, size, modified, permissions, linkTarget, Identity.UNKNOWN);
    }

    public Entry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(modified, "modified");
        Objects.requireNonNull(identity, "identity");
        permissions = Set.copyOf(permissions);
        if ((kind == EntryKind.SYMLINK) != (linkTarget != null)) {
            throw new IllegalArgumentException("a link target goes with symlinks, and only with them: " + name);
        }
    }

    public static Entry directory(Name name, FileTime modified, Set<PosixFilePermission> permissions) {
        return new Entry(name, EntryKind.DIRECTORY, 0, modified, permissions, null);
    }

    public static Entry file(Name name, long size, FileTime modified, Set<PosixFilePermission> permissions) {
        return new Entry(name, EntryKind.FILE, size, modified, permissions, null);
    }

    public static Entry symlink(Name name, LinkTarget target, FileTime modified) {
        return new Entry(name, EntryKind.SYMLINK, 0, modified, Set.of(), target);
    }

    public static Entry special(Name name, FileTime modified) {
        return new Entry(name, EntryKind.SPECIAL, 0, modified, Set.of(), null);
    }

    public static Entry unreadable(Name name) {
        return new Entry(name, EntryKind.UNREADABLE, 0, EPOCH, Set.of(), null);
    }

    /** The same entry under another name (the root of a tree is listed under its own name). */
    public Entry named(Name other) {
        return new Entry(other, kind, size, modified, permissions, linkTarget, identity);
    }

    public Entry withIdentity(Identity known) {
        return new Entry(name, kind, size, modified, permissions, linkTarget, known);
    }

    public boolean is(EntryKind other) {
        return kind == other;
    }

    /** True when permissions and modification time already match {@code other}'s. */
    public boolean sameAttributes(Entry other) {
        return permissions.equals(other.permissions) && modified.equals(other.modified);
    }
}
