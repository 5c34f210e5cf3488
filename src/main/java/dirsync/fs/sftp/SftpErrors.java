package dirsync.fs.sftp;

import dirsync.fs.OutOfSpaceException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Optional;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * SFTP status codes as the exceptions a local tree throws, where the core tells them apart (a vanished entry is
 * {@link NoSuchFileException}; a refusal {@link AccessDeniedException}), each with the server's own message.
 * <p>
 * A full disk, a read-only file system: SFTP v5 and later have codes for them; OpenSSH speaks v3, where ENOSPC,
 * EROFS and most other errors of a change are the generic {@code SSH_FX_FAILURE}, worded "Failure". Such a
 * failure of a change is told as what the server's file system says of itself, if it says it is read-only or full
 * ({@link ServerFileSystem}), else as a failure the server gave no reason for: never as a guess. A full disk, by
 * either way, is an {@link OutOfSpaceException}, which the core tries again once the other copies have ended.
 */
final class SftpErrors {

    /** What was being done when a status came back: a generic failure of a change (not a read) is looked into. */
    enum Doing { READING, WRITING, OTHER }

    private SftpErrors() {
    }

    /** {@code failure} of an operation on {@code wirePath} as the exception a local tree would throw. */
    static IOException map(IOException failure, String wirePath, Doing doing) {
        return map(failure, wirePath, doing, null);
    }

    /**
     * The same; a generic failure of a change is looked into over {@code client} (if not null): what the server's
     * file system says of itself.
     */
    static IOException map(IOException failure, String wirePath, Doing doing, SftpClient client) {
        if (!(failure instanceof SftpException sftp)) {
            return failure; // a broken connection or a protocol error: its own message says it best
        }
        String path = SftpNames.text(wirePath);
        String reason = sftp.getMessage();
        IOException mapped = switch (sftp.getStatus()) {
            case SftpConstants.SSH_FX_NO_SUCH_FILE, SftpConstants.SSH_FX_NO_SUCH_PATH ->
                    new NoSuchFileException(path, null, reason);
            case SftpConstants.SSH_FX_PERMISSION_DENIED -> new AccessDeniedException(path, null, reason);
            case SftpConstants.SSH_FX_FILE_ALREADY_EXISTS -> new FileAlreadyExistsException(path, null, reason);
            case SftpConstants.SSH_FX_DIR_NOT_EMPTY -> new DirectoryNotEmptyException(path);
            case SftpConstants.SSH_FX_NOT_A_DIRECTORY -> new NotDirectoryException(path);
            case SftpConstants.SSH_FX_NO_SPACE_ON_FILESYSTEM, SftpConstants.SSH_FX_QUOTA_EXCEEDED ->
                    new OutOfSpaceException(path, null, "the remote disk is full (" + reason + ")");
            case SftpConstants.SSH_FX_WRITE_PROTECT -> new FileSystemException(path, null, "Read-only file system");
            case SftpConstants.SSH_FX_FAILURE -> failure(path, reason, wirePath, doing, client);
            default -> new FileSystemException(path, null,
                    reason + " (SFTP status " + SftpConstants.getStatusName(sftp.getStatus()) + ")");
        };
        mapped.initCause(failure);
        return mapped;
    }

    /**
     * A generic failure, in the server's own words if it gave a reason; for a bare "Failure" (OpenSSH) or "General
     * failure" (MINA) of a change, what the server's file system says of itself (a full one is an
     * {@link OutOfSpaceException}); else that it gave no reason.
     */
    private static FileSystemException failure(String path, String reason, String wirePath, Doing doing,
                                               SftpClient client) {
        String words = reason == null ? "" : reason.strip();
        if (!words.isEmpty() && !words.equalsIgnoreCase("Failure") && !words.equalsIgnoreCase("General failure")) {
            return new FileSystemException(path, null, reason);
        }
        if (doing != Doing.READING && client != null) {
            Optional<ServerFileSystem.NoWrite> told = ServerFileSystem.whyNoWrite(client, wirePath);
            if (told.isPresent()) {
                return told.get() == ServerFileSystem.NoWrite.FULL
                        ? new OutOfSpaceException(path, null, told.get().words())
                        : new FileSystemException(path, null, told.get().words());
            }
        }
        return new FileSystemException(path, null,
                "failure (the server gave no reason: SFTP v3 has none for most errors)");
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
