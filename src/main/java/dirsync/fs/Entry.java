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
 * @param identity    device, inode and change time, where the tree knows them
 * @param owner       numeric owner, group and the setuid/setgid/sticky bits, where the tree knows them
 */
public record Entry(
        Name name,
        EntryKind kind,
        long size,
        FileTime modified,
        Set<PosixFilePermission> permissions,
        LinkTarget linkTarget,
        Identity identity,
        Owner owner) {

    private static final FileTime EPOCH = FileTime.fromMillis(0);

    /**
     * Which file this is and when it last changed in any way: device and inode, and the change time (ctime),
     * which every write, chmod or rename moves and no user-space call can set back. With size and modification
     * time, it tells that a file's content cannot have changed since it was last read.
     */
    public record Identity(long device, long inode, FileTime changed, int links) {
        /** For entries made up rather than read from a disk. */
        public static final Identity UNKNOWN = new Identity(-1, -1, EPOCH, 0);

        public Identity(long device, long inode, FileTime changed) {
            this(device, inode, changed, 1);
        }

        /** Whether this identity was read from a disk: it is not {@link #UNKNOWN} (an equal value counts as it). */
        public boolean known() {
            // Field by field rather than through equals: a pass asks this several times for every file it meets.
            return !(device == UNKNOWN.device && inode == UNKNOWN.inode && links == UNKNOWN.links
                    && changed.equals(UNKNOWN.changed));
        }

        /** Whether this is the same file as {@code other}'s (device and inode), in whatever state. */
        public boolean sameFile(Identity other) {
            return known() && other.known() && device == other.device && inode == other.inode;
        }
    }

    /**
     * Who owns an entry, and the mode bits beyond the nine permissions ({@code 04000} setuid, {@code 02000} setgid,
     * {@code 01000} sticky), which only make sense together with the owner.
     */
    public record Owner(int uid, int gid, int specialBits) {
        public static final int SETUID = 04000;
        public static final int SETGID = 02000;
        public static final int STICKY = 01000;
        /** For entries of trees that do not tell owners. */
        public static final Owner UNKNOWN = new Owner(-1, -1, 0);

        public boolean known() {
            return uid >= 0 && gid >= 0;
        }

        // Written out (the same as a record's own): a pass compares the owners of every pair it meets, and the
        // record's generated equals goes through method handles, slow in the short runs of a cron job.
        @Override
        public boolean equals(Object other) {
            return other instanceof Owner owner && uid == owner.uid && gid == owner.gid
                    && specialBits == owner.specialBits;
        }

        @Override
        public int hashCode() {
            return (31 * uid + gid) * 31 + specialBits;
        }
    }

    public Entry(Name name, EntryKind kind, long size, FileTime modified, Set<PosixFilePermission> permissions,
                 LinkTarget linkTarget) {
        this(name, kind, size, modified, permissions, linkTarget, Identity.UNKNOWN, Owner.UNKNOWN);
    }

    public Entry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(modified, "modified");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(owner, "owner");
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
        return new Entry(other, kind, size, modified, permissions, linkTarget, identity, owner);
    }

    public Entry withIdentity(Identity known) {
        return new Entry(name, kind, size, modified, permissions, linkTarget, known, owner);
    }

    public Entry withOwner(Owner known) {
        return new Entry(name, kind, size, modified, permissions, linkTarget, identity, known);
    }

    /** This entry with another modification time (to compare attributes other than the time). */
    public Entry withModified(FileTime time) {
        return new Entry(name, kind, size, time, permissions, linkTarget, identity, owner);
    }

    public boolean is(EntryKind other) {
        return kind == other;
    }

    /** True when permissions and modification time already match {@code other}'s. */
    public boolean sameAttributes(Entry other) {
        return permissions.equals(other.permissions) && modified.equals(other.modified);
    }
}
