package dirsync.fs.sftp;

import dirsync.fs.Entry;
import dirsync.fs.LinkTarget;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.io.IOException;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.apache.sshd.sftp.client.SftpClient;

/**
 * SFTP attributes (from a READDIR reply or an LSTAT) as an {@link Entry}, read once: the numeric owner and group
 * and the setuid, setgid and sticky bits where the server sends them (SFTP v3's UIDGID flag), as a local tree reads
 * them; what {@link RemoteOwnership} then compares of them. What SFTP v3 cannot tell is left unknown. Times have
 * whole seconds.
 *
 * <p>SFTP has no inode and no change time. A regular file's identity is made of what it has: the tree (as the
 * device), the path (hashed, as the inode) and the modification time (as the change time). The verified-hash
 * memory then trusts a pair whose source file is in the very state it was verified in (inode, change time:
 * nothing can set those back) and whose replica file the server reports at the same path with the same size
 * and modification time. Any write on the server moves the modification time to the time of writing; only a
 * deliberate setting of it back (touch -d, a copy that keeps times) to the second dirsync gave it, with the size
 * unchanged, would hide a change. That is the one thing this trust cannot see; --no-hash-cache hashes every pass.
 */
final class SftpEntries {

    private static final PosixFilePermission[] BITS = PosixFilePermission.values(); // OWNER_READ (0400) first
    private static final int SPECIAL_BITS = Entry.Owner.SETUID | Entry.Owner.SETGID | Entry.Owner.STICKY;

    /** Reads a link's target: one READLINK, only for entries that are links. */
    @FunctionalInterface
    interface LinkReader {
        LinkTarget target() throws IOException;
    }

    private SftpEntries() {
    }

    /**
     * The entry {@code name} at {@code path}, in the tree whose {@link #treeId} is {@code tree}.
     */
    static Entry entry(long tree, RelPath path, Name name, SftpClient.Attributes attributes, LinkReader link)
            throws IOException {
        FileTime modified = attributes.getModifyTime() != null ? attributes.getModifyTime() : FileTime.fromMillis(0);
        Entry entry;
        if (attributes.isSymbolicLink()) {
            entry = Entry.symlink(name, link.target(), modified);
        } else if (attributes.isDirectory()) {
            entry = Entry.directory(name, modified, permissions(attributes.getPermissions()));
        } else if (attributes.isRegularFile()) {
            entry = file(tree, path, name, attributes.getSize(), modified, permissions(attributes.getPermissions()));
        } else {
            entry = Entry.special(name, modified);
        }
        return entry.withOwner(owner(attributes));
    }

    /** The numeric owner and group with the special bits of the mode, where the server sent them; else unknown. */
    static Entry.Owner owner(SftpClient.Attributes attributes) {
        if (!attributes.getFlags().contains(SftpClient.Attribute.UidGid) || attributes.getUserId() < 0
                || attributes.getGroupId() < 0) {
            return Entry.Owner.UNKNOWN;
        }
        int special = attributes.getFlags().contains(SftpClient.Attribute.Perms)
                ? attributes.getPermissions() & SPECIAL_BITS : 0;
        return new Entry.Owner(attributes.getUserId(), attributes.getGroupId(), special);
    }

    private static Entry file(long tree, RelPath path, Name name, long size, FileTime modified,
                              Set<PosixFilePermission> permissions) {
        return Entry.file(name, size, modified, permissions)
                .withIdentity(new Entry.Identity(tree, pathId(path), lastWrite(modified), 1));
    }

    /**
     * The entry a listing gives for the file just installed at {@code path} with {@code size} bytes and
     * {@code expected}'s mode and time (in whole seconds, as SETSTAT gave it): what the hash memory learns it by,
     * without a request more. Should the server keep another time (a file system with a coarser one), the listing
     * shows another state, and the pair is only hashed again.
     */
    static Entry installed(long tree, RelPath path, long size, Entry expected) {
        return file(tree, path, path.name(), size, ofSeconds(seconds(expected.modified())), expected.permissions());
    }

    /**
     * When the file was last written, as far as SFTP tells: its modification time, which any write moves to the
     * server's now. One far in the future (an hour past this machine's clock) was set by hand, not by a write:
     * then the epoch, so that the hash memory does not take the file for one written a moment ago forever.
     */
    static FileTime lastWrite(FileTime modified) {
        return modified.toInstant().isAfter(Instant.now().plus(java.time.Duration.ofHours(1)))
                ? FileTime.fromMillis(0) : modified;
    }

    /** A number for a tree, from how it is named (its URI): the "device" of its files' identities. */
    static long treeId(String description) {
        return fnv(description.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A number for a path within a tree: the "inode" of its file's identity (FNV-1a, 64 bits). */
    static long pathId(RelPath path) {
        return fnv(path.bytes());
    }

    private static long fnv(byte[] bytes) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** The nine permission bits of a mode. */
    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission permission : BITS) {
            if ((mode & (0400 >> permission.ordinal())) != 0) {
                permissions.add(permission);
            }
        }
        return permissions;
    }

    /** The nine bits of a permission set, as a mode. */
    static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= 0400 >> permission.ordinal();
        }
        return mode;
    }

    /**
     * A time in whole seconds since the epoch, rounded down (before 1970 too), as SFTP v3 carries it; what a server
     * can be sent of it, {@link WireTimes}.
     */
    static long seconds(FileTime time) {
        return time.toInstant().getEpochSecond();
    }

    /**
     * Whether two times are the same once carried over SFTP v3. A time the wire cannot hold equals none that a server
     * shows, so it is tried (and fails, named) every pass rather than held silently at the nearest end.
     */
    static boolean sameSecond(FileTime source, FileTime replica) {
        return seconds(source) == seconds(replica);
    }

    static FileTime ofSeconds(long seconds) {
        return FileTime.from(Instant.ofEpochSecond(seconds));
    }
}
