package dirsync.fs.sftp;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * SFTP status codes as the exceptions a local tree throws, where the core tells them apart (a vanished entry is
 * {@link NoSuchFileException}; a refusal {@link AccessDeniedException}), each with the server's own message.
 * <p>
 * A full disk: SFTP v5 and later have {@code SSH_FX_NO_SPACE_ON_FILESYSTEM}; OpenSSH speaks v3, where every
 * failed write(2), ENOSPC included, is the generic {@code SSH_FX_FAILURE}. So a failure while writing or flushing
 * a file is reported as a probable full disk, and says that it is probable.
 */
final class SftpErrors {

    /** What was being done when a status came back: a generic failure means a different thing while writing. */
    enum Doing { READING, WRITING, OTHER }

    private SftpErrors() {
    }

    /** {@code failure} of an operation on {@code wirePath} as the exception a local tree would throw. */
    static IOException map(IOException failure, String wirePath, Doing doing) {
        if (!(failure instanceof SftpException sftp)) {
            return failure; // a broken connection or a protocol error: its own message says it best
        }
        String path = SftpNames.text(wirePath);
        String reason = sftp.getMessage();
        IOException mapped = switch (sftp.getStatus()) {
            case SftpConstants.SSH_FX_NO_SUCH_FILE, SftpConstants.SSH_FX_NO_SUCH_PATH ->
                    new NoSuchFileException(path, null, reason);
            case SftpConstants.SSH_FX_PERMISSION_DENIED, SftpConstants.SSH_FX_WRITE_PROTECT ->
                    new AccessDeniedException(path, null, reason);
            case SftpConstants.SSH_FX_FILE_ALREADY_EXISTS -> new FileAlreadyExistsException(path, null, reason);
            case SftpConstants.SSH_FX_DIR_NOT_EMPTY -> new DirectoryNotEmptyException(path);
            case SftpConstants.SSH_FX_NOT_A_DIRECTORY -> new NotDirectoryException(path);
            case SftpConstants.SSH_FX_NO_SPACE_ON_FILESYSTEM, SftpConstants.SSH_FX_QUOTA_EXCEEDED ->
                    new FileSystemException(path, null, "the remote disk is full (" + reason + ")");
            case SftpConstants.SSH_FX_FAILURE -> doing == Doing.WRITING
                    ? new FileSystemException(path, null, "the server could not write; the remote disk is probably"
                            + " full (SFTP v3 reports a full disk only as a generic failure: " + reason + ")")
                    : new FileSystemException(path, null, reason);
            default -> new FileSystemException(path, null,
                    reason + " (SFTP status " + SftpConstants.getStatusName(sftp.getStatus()) + ")");
        };
        mapped.initCause(failure);
        return mapped;
    }

    /**
     * Whether {@code failure} (as a request threw it, or as {@link #map} made it) is the server's answer, an SFTP
     * status; if not, the request got no answer: the connection failed.
     */
    static boolean answered(IOException failure) {
        return failure instanceof SftpException || failure.getCause() instanceof SftpException;
    }

    /** Whether {@code failure} says the entry is not there. */
    static boolean missing(IOException failure) {
        return failure instanceof NoSuchFileException
                || failure instanceof SftpException sftp && (sftp.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE
                || sftp.getStatus() == SftpConstants.SSH_FX_NO_SUCH_PATH);
    }
}
