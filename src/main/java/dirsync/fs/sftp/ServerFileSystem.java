package dirsync.fs.sftp;

import java.io.IOException;
import java.util.Optional;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.sftp.client.RawSftpClient;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHStatExtensionInfo;
import org.apache.sshd.sftp.client.impl.SftpResponse;
import org.apache.sshd.sftp.client.impl.SftpStatus;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * What a server's file system says of itself (statvfs@openssh.com), asked when a change failed with SFTP v3's
 * generic failure, which carries no reason (OpenSSH answers "Failure" for a read-only file system and a full disk
 * alike): so that such a failure is told in the words a local one would be, and only when it is true.
 */
final class ServerFileSystem {

    static final String STATVFS = "statvfs@openssh.com";
    /** statvfs's ST_RDONLY, as OpenSSH's extension carries it. */
    private static final long READ_ONLY = 1;

    /** Why nothing can be written, as the file system says of itself, in the words a local failure has. */
    enum NoWrite {
        READ_ONLY("Read-only file system"),
        /** No block or no inode left. */
        FULL("No space left on device");

        private final String words;

        NoWrite(String words) {
            this.words = words;
        }

        String words() {
            return words;
        }
    }

    private ServerFileSystem() {
    }

    /**
     * Why nothing can be written where {@code wirePath} is, as the file system of the nearest existing directory
     * above it tells: read-only, or full; empty if it tells neither, or cannot be asked (no statvfs@openssh.com, a
     * connection gone).
     */
    static Optional<NoWrite> whyNoWrite(SftpClient client, String wirePath) {
        if (!(client instanceof RawSftpClient raw) || !client.getServerExtensions().containsKey(STATVFS)) {
            return Optional.empty();
        }
        for (String dir = parentOf(wirePath); dir != null; dir = parentOf(dir)) {
            OpenSSHStatExtensionInfo info;
            try {
                info = statvfs(raw, dir);
            } catch (SftpException missing) {
                continue; // not there (yet): the directory above it tells
            } catch (IOException unknown) {
                return Optional.empty();
            }
            if ((info.f_flag & READ_ONLY) != 0) {
                return Optional.of(NoWrite.READ_ONLY);
            }
            // A file system with no blocks at all (procfs, sysfs) is not full: it holds no files of its own.
            if (info.f_blocks > 0 && info.f_bavail == 0 || info.f_files > 0 && info.f_favail == 0) {
                return Optional.of(NoWrite.FULL);
            }
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static OpenSSHStatExtensionInfo statvfs(RawSftpClient client, String dir) throws IOException {
        Buffer request = RemoteCalls.request(dir.length() + 64);
        request.putString(STATVFS);
        request.putBytes(SftpNames.bytes(dir));
        Buffer reply = client.receive(client.send(SftpConstants.SSH_FXP_EXTENDED, request));
        SftpResponse response = SftpResponse.parse(SftpConstants.SSH_FXP_EXTENDED, reply);
        if (response.getType() == SftpConstants.SSH_FXP_STATUS) {
            SftpStatus status = SftpStatus.parse(response);
            throw new SftpException(status.getStatusCode(), status.getMessage());
        }
        if (response.getType() != SftpConstants.SSH_FXP_EXTENDED_REPLY) {
            throw new IOException("no statvfs reply for " + SftpNames.text(dir));
        }
        return OpenSSHStatExtensionInfo.decode(response.getBuffer());
    }

    /** The directory holding {@code wirePath} ("/" for a top-level name), or null for "/" itself. */
    private static String parentOf(String wirePath) {
        String trimmed = wirePath;
        while (trimmed.length() > 1 && trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        int slash = trimmed.lastIndexOf('/');
        if (trimmed.equals("/") || slash < 0) {
            return null;
        }
        return slash == 0 ? "/" : trimmed.substring(0, slash);
    }
}
