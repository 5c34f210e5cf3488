package dirsync.fs.sftp;

import dirsync.fs.sftp.SftpErrors.Doing;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * SFTP v3 SETSTAT requests with owner, group, the whole mode (setuid, setgid and sticky too) and times, never through
 * a link where the server offers lsetstat@openssh.com. An owner goes in a request of its own, before the mode: a
 * chown clears setuid and setgid on a file (Linux does so for root too), and OpenSSH's server, given both in one
 * request, chmods first and chowns last. The requests for one entry are sent together and their replies awaited
 * together: one round trip.
 */
final class SetStat {

    /**
     * What to set; -1 leaves a field as it is.
     *
     * @param uid     the numeric owner, with {@code gid} (SFTP v3 sets both or neither: where one is -1 and the other
     *                not, it goes as 0xFFFFFFFF, which chown(2) reads as "leave it", and OpenSSH's server passes on)
     * @param gid     the numeric group
     * @param mode    the permission bits with setuid, setgid and sticky ({@code 07777})
     * @param atime   the access time in whole seconds, with {@code mtime} (v3 sets both or neither)
     * @param mtime   the modification time in whole seconds
     */
    record Change(int uid, int gid, int mode, long atime, long mtime) {
        /** Mode and time (atime as mtime, as a plain SETSTAT of dirsync gives them); no owner. */
        static Change modeAndTime(int mode, long seconds) {
            return new Change(-1, -1, mode, seconds, seconds);
        }

        Change withOwner(int newUid, int newGid) {
            return new Change(newUid, newGid, mode, atime, mtime);
        }

        boolean owner() {
            return uid >= 0 || gid >= 0;
        }
    }

    private SetStat() {
    }

    /** Sets {@code change} on {@code path} (a wire path): the owner first, if any, then mode and times. */
    static void apply(RemoteCalls calls, String path, Change change) throws IOException {
        List<Buffer> requests = new ArrayList<>(2);
        if (change.owner()) {
            requests.add(request(calls, path, SftpConstants.SSH_FILEXFER_ATTR_UIDGID, change));
        }
        int rest = (change.mode() >= 0 ? SftpConstants.SSH_FILEXFER_ATTR_PERMISSIONS : 0)
                | (change.mtime() >= 0 ? SftpConstants.SSH_FILEXFER_ATTR_ACMODTIME : 0);
        if (rest != 0) {
            requests.add(request(calls, path, rest, change));
        }
        int type = calls.offers(RemoteCalls.LSETSTAT) ? SftpConstants.SSH_FXP_EXTENDED : SftpConstants.SSH_FXP_SETSTAT;
        try {
            List<Integer> ids = new ArrayList<>(requests.size());
            for (Buffer request : requests) {
                ids.add(calls.client().send(type, request));
            }
            IOException first = null;
            for (int id : ids) {
                try {
                    RemoteCalls.checkStatus(type, calls.client().receive(id));
                } catch (IOException e) {
                    first = first == null ? e : first; // every reply is read, so none is left for another call
                }
            }
            if (first != null) {
                throw first;
            }
        } catch (IOException e) {
            throw calls.failed(e, path, Doing.OTHER);
        }
    }

    private static Buffer request(RemoteCalls calls, String path, int flags, Change change) {
        Buffer request = RemoteCalls.request(path.length() + 64);
        if (calls.offers(RemoteCalls.LSETSTAT)) {
            request.putString(RemoteCalls.LSETSTAT);
        }
        request.putBytes(SftpNames.bytes(path));
        request.putInt(flags);
        if ((flags & SftpConstants.SSH_FILEXFER_ATTR_UIDGID) != 0) {
            putOwner(request, change);
        }
        if ((flags & SftpConstants.SSH_FILEXFER_ATTR_PERMISSIONS) != 0) {
            request.putInt(change.mode() & 07777);
        }
        if ((flags & SftpConstants.SSH_FILEXFER_ATTR_ACMODTIME) != 0) {
            request.putUInt(change.atime());
            request.putUInt(change.mtime());
        }
        return request;
    }

    /**
     * The UIDGID fields of an attributes block, as SFTP v3 orders them: the owner's number, then the group's, each
     * an unsigned 32-bit number. The one writer of them, for a path's SETSTAT and a handle's FSETSTAT alike.
     */
    static void putOwner(Buffer request, Change change) {
        request.putUInt(change.uid() & 0xFFFF_FFFFL);
        request.putUInt(change.gid() & 0xFFFF_FFFFL);
    }
}
