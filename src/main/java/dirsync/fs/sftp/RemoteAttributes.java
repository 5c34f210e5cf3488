package dirsync.fs.sftp;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.RelPath;
import java.io.IOException;
import org.apache.sshd.sftp.client.SftpClient;

/**
 * What an {@link SftpTree} carries of an entry besides its content, and how: the owner and group as
 * {@link RemoteOwnership} lets the session (then the special bits by its rule), the mode and the modification
 * time (compared at whole seconds, all SFTP v3 holds), in one round trip of {@link SetStat} requests.
 */
final class RemoteAttributes {

    private final Channels channels;
    private final SftpNames names;
    /** Who the session is on the server, read at the first need (once per connection). */
    private volatile RemoteOwnership ownership;
    /** Whether the server keeps setuid, setgid and sticky (see {@link RemoteOwnership#of}). */
    private final boolean specialBits;
    /** The times this server is sent. */
    private final WireTimes times;
    /** What of the source's owners the run asks to be carried. */
    private final OwnersCarried carried;

    RemoteAttributes(Channels channels, SftpNames names, boolean openSsh, OwnersCarried carried) {
        this.channels = channels;
        this.names = names;
        this.specialBits = openSsh;
        this.times = WireTimes.of(openSsh);
        this.carried = carried;
    }

    /**
     * A file's or directory's owner, mode and time (lsetstat where offered); a link's time only (Linux keeps no mode
     * on a link). The entry is examined first: a server whose lsetstat follows links (MINA's own does on JDK 25) must
     * not get a mode for what a link points to; and its owner now decides what is given of the source's.
     */
    void set(RelPath path, Entry source) throws IOException {
        String wire = names.path(path);
        long seconds = times.seconds(source.modified());
        if (source.is(EntryKind.SYMLINK)) {
            calls().setAttributes(wire, -1, times.seconds(source.modified()));
            return;
        }
        SftpClient.Attributes now = calls().lstat(wire);
        if (now.isSymbolicLink()) {
            throw new IOException("not setting attributes through a symbolic link: " + path);
        }
        Entry.Owner current = SftpEntries.owner(now);
        Entry.Owner wanted = source.owner().known() ? ownership().wanted(source.owner(), current)
                : Entry.Owner.UNKNOWN;
        SetStat.Change change = SetStat.Change.modeAndTime(
                SftpEntries.mode(source.permissions()) | wanted.specialBits(), seconds);
        if (wanted.known() && (wanted.uid() != current.uid() || wanted.gid() != current.gid())) {
            change = change.withOwner(wanted.uid(), wanted.gid());
        }
        SetStat.apply(calls(), wire, change);
    }

    /**
     * What a file just written under a temporary name gets before it takes its name, so that the name never shows it
     * with another owner or mode: the owner and group where carried, the whole mode, the time.
     */
    SetStat.Change forNewFile(Entry expected) throws IOException {
        int mode = SftpEntries.mode(expected.permissions());
        long seconds = times.seconds(expected.modified());
        RemoteOwnership owners = expected.owner().known() ? ownership() : RemoteOwnership.UNKNOWN;
        return owners.forNew(expected.owner(), mode, seconds);
    }

    /**
     * What a link just made under a temporary name gets before it takes its name, where the server offers
     * lsetstat@openssh.com (which never follows it): its time and, where carried, its owner and group.
     */
    SetStat.Change forNewLink(Entry expected) throws IOException {
        RemoteOwnership owners = expected.owner().known() ? ownership() : RemoteOwnership.UNKNOWN;
        return owners.forNew(expected.owner(), -1, times.seconds(expected.modified()));
    }

    /**
     * Times compare at whole seconds, as SFTP v3 carries them, so that the pass after a copy sees nothing to do; the
     * owner, group and special bits as far as they are carried (see {@link RemoteOwnership}). A link's own time is
     * and owner are
     * carried only where the server offers lsetstat@openssh.com; elsewhere they are not compared.
     */
    boolean carries(Entry source, Entry current) {
        if (source.is(EntryKind.SYMLINK)) {
            return !calls().offers(RemoteCalls.LSETSTAT)
                    || SftpEntries.sameSecond(source.modified(), current.modified()) && ownerCarried(source, current);
        }
        return source.permissions().equals(current.permissions())
                && SftpEntries.sameSecond(source.modified(), current.modified()) && ownerCarried(source, current);
    }

    private boolean ownerCarried(Entry source, Entry current) {
        return source.owner().equals(current.owner()) || ownership().carried(source.owner(), current.owner());
    }

    /** Gives a directory its owner's write and search bits, so that its entries can be changed. */
    void ensureWritable(RelPath dir, Entry current) throws IOException {
        int mode = SftpEntries.mode(current.permissions());
        if ((mode & 0300) != 0300) {
            int special = specialBits ? current.owner().specialBits() : 0;
            calls().setAttributes(names.path(dir), mode | 0300 | special, -1);
        }
    }

    /** Who the session is, read from the server at the first call. */
    RemoteOwnership ownership() {
        RemoteOwnership known = ownership;
        if (known == null) {
            synchronized (this) {
                known = ownership;
                if (known == null) {
                    known = RemoteOwnership.of(calls(), specialBits, carried);
                    ownership = known;
                }
            }
        }
        return known;
    }

    /** This thread's channel. */
    private RemoteCalls calls() {
        return channels.get();
    }
}
