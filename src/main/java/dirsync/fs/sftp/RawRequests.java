package dirsync.fs.sftp;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * Raw requests that a {@link RequestTrain} sends: on an open file's handle after its writes, FSETSTAT, fsync
 * (OpenSSH's extension) and CLOSE; and posix-rename@openssh.com, with the paths' exact bytes. Each is a buffer with
 * room for the header (see {@link RemoteCalls#request}).
 */
final class RawRequests {

    private RawRequests() {
    }

    /**
     * FSETSTAT: the file's mode and time in one request, the time as atime and mtime together (SFTP v3 has one
     * flag for both), in whole seconds.
     *
     * @param mode    the permission bits
     * @param seconds the modification (and access) time
     */
    static Buffer attributes(SftpClient.Handle handle, int mode, long seconds) {
        byte[] id = handle.getIdentifier();
        Buffer request = RemoteCalls.request(id.length + 32);
        request.putBytes(id);
        putAttributes(request, mode, seconds);
        return request;
    }

    /** An FSETSTAT of the owner and group alone (sent before the mode: a chown clears setuid and setgid). */
    static Buffer owner(SftpClient.Handle handle, SetStat.Change change) {
        byte[] id = handle.getIdentifier();
        Buffer request = RemoteCalls.request(id.length + 24);
        request.putBytes(id);
        request.putInt(SftpConstants.SSH_FILEXFER_ATTR_UIDGID);
        SetStat.putOwner(request, change);
        return request;
    }

    /** What a SETSTAT or FSETSTAT carries: here, the permission bits and the time. */
    static void putAttributes(Buffer request, int mode, long seconds) {
        request.putInt(SftpConstants.SSH_FILEXFER_ATTR_PERMISSIONS | SftpConstants.SSH_FILEXFER_ATTR_ACMODTIME);
        request.putInt(mode);
        request.putUInt(seconds);
        request.putUInt(seconds);
    }

    /** fsync@openssh.com on the handle (an SSH_FXP_EXTENDED request). */
    static Buffer fsync(SftpClient.Handle handle) {
        byte[] id = handle.getIdentifier();
        Buffer request = RemoteCalls.request(RemoteCalls.FSYNC.length() + id.length + 16);
        request.putString(RemoteCalls.FSYNC);
        request.putBytes(id);
        return request;
    }

    static Buffer close(SftpClient.Handle handle) {
        byte[] id = handle.getIdentifier();
        Buffer request = RemoteCalls.request(id.length + 8);
        request.putBytes(id);
        return request;
    }

    /** posix-rename@openssh.com of {@code from} over {@code to} (an SSH_FXP_EXTENDED request). */
    static Buffer posixRename(String from, String to) {
        Buffer request = RemoteCalls.request(from.length() + to.length() + 64);
        request.putString(RemoteCalls.POSIX_RENAME);
        request.putBytes(SftpNames.bytes(from));
        request.putBytes(SftpNames.bytes(to));
        return request;
    }
}
