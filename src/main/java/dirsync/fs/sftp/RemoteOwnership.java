package dirsync.fs.sftp;

import dirsync.fs.Entry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * What an {@link SftpTree} carries of owners, by the local rule ({@code fs.local.Ownership}, as {@code cp -a}): where
 * the SFTP session runs as root on the server, every entry gets the source's numeric owner and group; otherwise the
 * group, where the session's user belongs to it. The setuid and setgid bits are carried only where the entry gets
 * the source's owner and group, the sticky bit always; and only to a server known to keep them (OpenSSH's), else
 * none is sent or compared. {@code --no-owner} and {@code --no-group} ({@link OwnersCarried}) turn the owner or the
 * group off, as they do locally: the entry keeps what the server gave it.
 * <p>
 * Who the session is: the server's {@code /proc/self/status} read over SFTP, which is the process serving this
 * SFTP session (OpenSSH's sftp-server or internal-sftp runs as the user who logged in): its effective uid, gid and
 * supplementary groups, as the local rule reads this process's. A server where that file cannot be read (not
 * Linux, a chroot without {@code /proc}, a server whose paths are not the host's, as MINA's with a virtual root)
 * leaves the session unknown: then nothing of owners or special bits is compared or set, as before.
 */
final class RemoteOwnership {

    /** Nothing of owners is carried. */
    static final RemoteOwnership UNKNOWN = new RemoteOwnership(false, -1, Set.of(), false, OwnersCarried.BOTH);

    static final String STATUS = "/proc/self/status";
    private static final int MAX_STATUS = 1 << 16;

    private final boolean known;
    private final int uid;
    private final Set<Integer> groups;
    /** Whether the server keeps setuid, setgid and sticky as it is given them; if not, they are not compared. */
    private final boolean specialBits;
    /** What the run asks to be carried at all. */
    private final OwnersCarried carried;

    private RemoteOwnership(boolean known, int uid, Set<Integer> groups, boolean specialBits, OwnersCarried carried) {
        this.known = known;
        this.uid = uid;
        this.groups = groups;
        this.specialBits = specialBits;
        this.carried = carried;
    }

    /**
     * The session's account, as its server process's status tells it; {@link #UNKNOWN} where it cannot be read.
     *
     * @param specialBits whether the server keeps the special bits it is given (OpenSSH's sftp-server chmods with
     *                    {@code mode & 07777}; MINA's keeps the nine permission bits alone)
     * @param carried     what of owners the run asks to be carried
     */
    static RemoteOwnership of(RemoteCalls calls, boolean specialBits, OwnersCarried carried) {
        try (InputStream in = calls.read(STATUS)) {
            return parse(readAtMost(in), specialBits).carrying(carried);
        } catch (IOException | RuntimeException unreadable) {
            return UNKNOWN;
        }
    }

    /** This account, with only {@code what} of the source's owners carried. */
    RemoteOwnership carrying(OwnersCarried what) {
        return known ? new RemoteOwnership(true, uid, groups, specialBits, what) : UNKNOWN;
    }

    /** The account a {@code /proc/PID/status} text describes, or {@link #UNKNOWN} if it names no uid. */
    static RemoteOwnership parse(String status, boolean specialBits) {
        int uid = -1;
        Set<Integer> mine = new HashSet<>();
        for (String line : status.split("\n")) {
            String[] fields = line.trim().split("\\s+");
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
        return uid < 0 ? UNKNOWN : new RemoteOwnership(true, uid, Set.copyOf(mine), specialBits, OwnersCarried.BOTH);
    }

    private static String readAtMost(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n > 0 && out.size() < MAX_STATUS; n = in.read(buffer)) {
            out.write(buffer, 0, n);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Whether the session runs as root on the server (then owners are carried). */
    boolean root() {
        return known && uid == 0;
    }

    /** Whether anything of owners is carried: the session's account is known. */
    boolean known() {
        return known;
    }

    /** The owner and special bits {@code current} should get from {@code source}'s; unknown if either is, or the session. */
    Entry.Owner wanted(Entry.Owner source, Entry.Owner current) {
        if (!known || !source.known() || !current.known()) {
            return Entry.Owner.UNKNOWN;
        }
        int targetUid = givesOwner() ? source.uid() : current.uid();
        int targetGid = givesGroup(source) ? source.gid() : current.gid();
        boolean sameOwners = targetUid == source.uid() && targetGid == source.gid();
        return new Entry.Owner(targetUid, targetGid, special(source, sameOwners));
    }

    /**
     * What a file this session has just created gets of {@code source}'s owner, with {@code mode} (the nine bits)
     * and the time: the owner and group where they are carried (the group alone, as a non-root user, with this
     * user's uid; the owner alone, as root with {@code --no-group}, leaving the group as the server made it), the
     * special bits by the rule. The new file's group is not known (a setgid directory gives its own): setuid and
     * setgid are given only where the group is given too.
     */
    SetStat.Change forNew(Entry.Owner source, int mode, long seconds) {
        if (!known || !source.known()) {
            return SetStat.Change.modeAndTime(mode, seconds);
        }
        boolean group = givesGroup(source);
        int targetUid = givesOwner() ? source.uid() : uid;
        boolean sameOwners = group && targetUid == source.uid();
        SetStat.Change change = SetStat.Change.modeAndTime(mode | special(source, sameOwners), seconds);
        if (group) {
            return change.withOwner(targetUid, source.gid());
        }
        return givesOwner() && targetUid != uid ? change.withOwner(targetUid, -1) : change;
    }

    /** Whether entries get the source's owner: asked for, and the session is root. */
    private boolean givesOwner() {
        return carried.owners() && root();
    }

    /** Whether an entry gets {@code source}'s group: asked for, and root or a member of it. */
    private boolean givesGroup(Entry.Owner source) {
        return carried.groups() && (root() || groups.contains(source.gid()));
    }

    /** The special bits to give: sticky always, setuid and setgid with the source's owners; none if not kept. */
    private int special(Entry.Owner source, boolean sameOwners) {
        if (!specialBits) {
            return 0;
        }
        int special = source.specialBits() & Entry.Owner.STICKY;
        if (sameOwners) {
            special |= source.specialBits() & (Entry.Owner.SETUID | Entry.Owner.SETGID);
        }
        return special;
    }

    /** Whether {@code current} has what it should get of {@code source}'s owner and special bits. */
    boolean carried(Entry.Owner source, Entry.Owner current) {
        if (source.equals(current)) {
            return true;
        }
        Entry.Owner wanted = wanted(source, current);
        if (!wanted.known()) {
            return true;
        }
        return wanted.uid() == current.uid() && wanted.gid() == current.gid()
                && (!specialBits || wanted.specialBits() == current.specialBits());
    }
}
