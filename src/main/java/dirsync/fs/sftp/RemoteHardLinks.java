package dirsync.fs.sftp;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import dirsync.fs.sftp.SftpErrors.Doing;
import java.io.IOException;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * Hard links on an SFTP server that offers hardlink@openssh.com (link(2)) and posix-rename@openssh.com, as
 * {@code fs.local.AtomicInstall} makes them: the second name made under a temporary name, then renamed over the
 * target in one step; the temporary name removed in the same round trip (a rename between two names of one file
 * leaves both).
 * <p>
 * SFTP shows no inode, so whether a later name already is the first name's file is checked on the server: the two
 * entries must agree in size, time, mode and owner, and then the first is given an access time that the later one
 * does not have (one in 2038); the later one shows it only if it is the same file. This touches the first file's
 * access time alone (which reads move too; nothing dirsync compares), and its modification time is set to the whole
 * second it already shows (v3 sets the two together). Two different files never pass; a mount that moves the
 * access time at every read (strictatime) may make a link look like two files, which is then linked again.
 */
final class RemoteHardLinks implements ReplicaFeatures.HardLinking {

    static final String HARDLINK = "hardlink@openssh.com";
    /**
     * The access time the check gives: the last second a signed 32-bit time holds (in 2038; a server may read SFTP v3's
     * unsigned field as signed). A read on the server leaves an
     * access time later than the file's modification and change times alone (relatime, Linux's default), so the
     * pass's own hashing of the file does not move it away meanwhile, as it would move one in the past.
     */
    private static final long FAR_FUTURE = Integer.MAX_VALUE;

    private final Channels channels;
    private final SftpNames names;
    /** The times this server is sent: the check puts a file's modification time back. */
    private final WireTimes times;

    RemoteHardLinks(Channels channels, SftpNames names, WireTimes times) {
        this.channels = channels;
        this.names = names;
        this.times = times;
    }

    /** Whether a server with these channels makes hard links (and can put one in place in one step). */
    static boolean offered(RemoteCalls calls) {
        return calls.offers(HARDLINK) && calls.offers(RemoteCalls.POSIX_RENAME);
    }

    @Override
    public void installHardLink(RelPath path, RelPath existing) throws IOException {
        RemoteCalls calls = channels.get();
        String target = names.creating(path);
        String temp = names.temporarySibling(path);
        String from = names.path(existing);
        Buffer link = RemoteCalls.request(from.length() + temp.length() + 64);
        link.putString(HARDLINK);
        link.putBytes(SftpNames.bytes(from));
        link.putBytes(SftpNames.bytes(temp));
        try {
            RemoteCalls.checkStatus(SftpConstants.SSH_FXP_EXTENDED,
                    calls.client().receive(calls.client().send(SftpConstants.SSH_FXP_EXTENDED, link)));
        } catch (IOException e) {
            throw calls.failed(e, target, Doing.OTHER);
        }
        Buffer rename = RemoteCalls.request(temp.length() + target.length() + 64);
        rename.putString(RemoteCalls.POSIX_RENAME);
        rename.putBytes(SftpNames.bytes(temp));
        rename.putBytes(SftpNames.bytes(target));
        Buffer remove = RemoteCalls.request(temp.length() + 16);
        remove.putBytes(SftpNames.bytes(temp));
        try {
            int renamed = calls.client().send(SftpConstants.SSH_FXP_EXTENDED, rename);
            int removed = calls.client().send(SftpConstants.SSH_FXP_REMOVE, remove);
            Buffer renameReply = calls.client().receive(renamed);
            calls.client().receive(removed); // no such file, after a rename that moved it: the usual answer
            RemoteCalls.checkStatus(SftpConstants.SSH_FXP_EXTENDED, renameReply);
        } catch (IOException e) {
            throw calls.failed(e, target, Doing.OTHER);
        }
    }

    /** See the class comment: attributes first, then the access time given to the first and read at the later. */
    @Override
    public boolean sameFile(RelPath first, Entry.Identity firstFile, RelPath laterPath, Entry later)
            throws IOException {
        if (!later.is(EntryKind.FILE)) {
            return false;
        }
        if (first.equals(laterPath)) {
            return true;
        }
        RemoteCalls calls = channels.get();
        String one = names.path(first);
        String two = names.path(laterPath);
        SftpClient.Attributes a = calls.lstat(one);
        SftpClient.Attributes b = calls.lstat(two);
        if (!a.isRegularFile() || !b.isRegularFile() || a.getSize() != b.getSize()
                || a.getPermissions() != b.getPermissions() || a.getModifyTime() == null
                || !a.getModifyTime().equals(b.getModifyTime()) || !SftpEntries.owner(a).equals(SftpEntries.owner(b))) {
            return false;
        }
        long stamp = FAR_FUTURE;
        while (stamp == seconds(a.getAccessTime()) || stamp == seconds(b.getAccessTime())) {
            stamp--;
        }
        long modified = times.seconds(a.getModifyTime());
        SetStat.apply(calls, one, new SetStat.Change(-1, -1, -1, stamp, modified));
        SftpClient.Attributes after = calls.lstat(two);
        return seconds(after.getAccessTime()) == stamp;
    }

    private static long seconds(FileTime time) {
        return Objects.isNull(time) ? -1 : SftpEntries.seconds(time);
    }
}
