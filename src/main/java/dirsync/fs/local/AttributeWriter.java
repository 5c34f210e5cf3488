package dirsync.fs.local;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Gives local entries a source entry's attributes, as far as {@link Ownership} lets this process, never through a link. */
final class AttributeWriter {

    private final Ownership ownership;
    private final boolean unixView;
    private final boolean posixModes;

    AttributeWriter(Ownership ownership, boolean unixView, boolean posixModes) {
        this.ownership = ownership;
        this.unixView = unixView;
        this.posixModes = posixModes;
    }

    /** Whether permission bits are written (the provider has a POSIX view). */
    boolean posixModes() {
        return posixModes;
    }

    /** Owner and group first (a chown clears setuid and setgid), then the whole mode, then the time. */
    void set(Path path, Entry source) throws IOException {
        Entry.Owner wanted = giveOwner(path, source);
        if (wanted.known()) {
            Files.setAttribute(path, "unix:mode", Ownership.mode(bits(source.permissions()), wanted), LocalTree.NOFOLLOW);
        } else if (posixModes) {
            Files.getFileAttributeView(path, PosixFileAttributeView.class, LocalTree.NOFOLLOW).setPermissions(source.permissions());
        }
        Files.getFileAttributeView(path, BasicFileAttributeView.class, LocalTree.NOFOLLOW).setTimes(source.modified(), null, null);
    }

    /** Gives {@code path} (a file, directory or link, never followed) the owner it should get; returns it. */
    Entry.Owner giveOwner(Path path, Entry source) throws IOException {
        if (!unixView || !source.owner().known()) {
            return Entry.Owner.UNKNOWN;
        }
        Map<String, Object> now = Files.readAttributes(path, "unix:uid,gid,mode", LocalTree.NOFOLLOW);
        Entry.Owner current = new Entry.Owner((Integer) now.get("uid"), (Integer) now.get("gid"),
                (Integer) now.get("mode") & 07000);
        Entry.Owner wanted = ownership.wanted(source.owner(), current);
        if (wanted.uid() != current.uid()) {
            Files.setAttribute(path, "unix:uid", wanted.uid(), LocalTree.NOFOLLOW);
        }
        if (wanted.gid() != current.gid()) {
            Files.setAttribute(path, "unix:gid", wanted.gid(), LocalTree.NOFOLLOW);
        }
        return wanted;
    }

    boolean carried(Entry source, Entry current) {
        if (source.is(EntryKind.SYMLINK)) {
            // A link's own time can be set to the microsecond only here (lutimes): compare it so.
            return micros(source.modified()) == micros(current.modified()) && ownerCarried(source, current);
        }
        if (!source.sameAttributes(current)) {
            return false;
        }
        return ownerCarried(source, current);
    }

    private boolean ownerCarried(Entry source, Entry current) {
        if (source.owner().equals(current.owner())) {
            return true; // the same owner, group and special bits: whatever the policy, nothing to give
        }
        Entry.Owner wanted = ownership.wanted(source.owner(), current.owner());
        return !wanted.known() || wanted.equals(current.owner());
    }

    private static long micros(FileTime time) {
        return time.to(TimeUnit.MICROSECONDS);
    }

    private static int bits(Set<PosixFilePermission> permissions) {
        int bits = 0;
        for (PosixFilePermission permission : permissions) {
            bits |= 0400 >> permission.ordinal(); // OWNER_READ (0400) ... OTHERS_EXECUTE (0001), in that order
        }
        return bits;
    }

    /** {@code now} with owner write and execute added, or null if it has them already. */
    static Set<PosixFilePermission> ownerWritable(Set<PosixFilePermission> now) {
        if (now.contains(PosixFilePermission.OWNER_WRITE) && now.contains(PosixFilePermission.OWNER_EXECUTE)) {
            return null;
        }
        Set<PosixFilePermission> writable = new HashSet<>(now);
        writable.add(PosixFilePermission.OWNER_WRITE);
        writable.add(PosixFilePermission.OWNER_EXECUTE);
        return writable;
    }
}
