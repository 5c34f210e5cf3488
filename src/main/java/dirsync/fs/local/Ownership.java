package dirsync.fs.local;

import dirsync.fs.Entry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * What a local tree carries of owners, as {@code cp -a} does: run as root, every entry gets the source's numeric
 * owner and group (unless turned off); otherwise the group, where this user belongs to it, and nothing fails for
 * want of the rest. The setuid and setgid bits are carried only where the copy gets the source's owner and group
 * (a root-owned setuid copy of someone else's file would be a hole: GNU cp's rule); the sticky bit always.
 */
public final class Ownership {

    private static final int PERMISSION_BITS = 0777;

    private final boolean owners;
    private final boolean groups;
    private final int uid;
    /** The groups this process may give a file to; null when it may give any (root). */
    private final Set<Integer> myGroups;

    private Ownership(boolean owners, boolean groups, int uid, Set<Integer> myGroups) {
        this.owners = owners;
        this.groups = groups;
        this.uid = uid;
        this.myGroups = myGroups;
    }

    /**
     * The policy of this process: root carries owners and groups, others their own groups.
     *
     * @param owner carry owners (when root; rsync's --owner, cp -a's default)
     * @param group carry groups (rsync's --group)
     */
    public static Ownership ofThisProcess(boolean owner, boolean group) {
        int uid = -1;
        Set<Integer> mine = new HashSet<>();
        try {
            for (String line : KernelFiles.read(Path.of("/proc/self/status")).split("\n")) {
                String[] fields = line.split("\\s+");
                if (line.startsWith("Uid:") && fields.length > 2) {
                    uid = Integer.parseInt(fields[2]); // the effective uid
                } else if (line.startsWith("Gid:") && fields.length > 2) {
                    mine.add(Integer.parseInt(fields[2]));
                } else if (line.startsWith("Groups:")) {
                    for (int i = 1; i < fields.length; i++) {
                        mine.add(Integer.parseInt(fields[i]));
                    }
                }
            }
        } catch (IOException | RuntimeException unknown) {
            return new Ownership(false, false, -1, Set.of()); // no /proc: carry nothing of owners
        }
        return new Ownership(owner && uid == 0, group, uid, uid == 0 ? null : Set.copyOf(mine));
    }

    /** The owner and special bits that {@code current} should get from {@code source}'s; unknown if either is. */
    Entry.Owner wanted(Entry.Owner source, Entry.Owner current) {
        if (!source.known() || !current.known()) {
            return Entry.Owner.UNKNOWN;
        }
        int targetUid = owners ? source.uid() : current.uid();
        int targetGid = groups && (myGroups == null || myGroups.contains(source.gid())) ? source.gid() : current.gid();
        boolean sameOwners = targetUid == source.uid() && targetGid == source.gid();
        int special = source.specialBits() & Entry.Owner.STICKY;
        if (sameOwners) {
            special |= source.specialBits() & (Entry.Owner.SETUID | Entry.Owner.SETGID);
        }
        return new Entry.Owner(targetUid, targetGid, special);
    }

    /** The whole mode to set: the permission bits and the special bits wanted. */
    static int mode(int permissionBits, Entry.Owner wanted) {
        return (permissionBits & PERMISSION_BITS) | wanted.specialBits();
    }

    /** Whether this process runs as root (then it may give files to anyone). */
    boolean root() {
        return uid == 0;
    }
}
