package dirsync.fs;

import java.nio.file.FileSystemException;

/**
 * A change that found no room: the file system has no block or no inode left, or the user's quota is used up
 * (ENOSPC, EDQUOT, or what a server says of its disk). Trees throw it so that the core can tell a full disk
 * without reading a message, whose words depend on the platform and on the language of its locale. It reads as
 * the failure it stands for: the same file, other file and reason.
 */
public class OutOfSpaceException extends FileSystemException {

    private static final long serialVersionUID = 1L;

    public OutOfSpaceException(String file, String other, String reason) {
        super(file, other, reason);
    }

    /** {@code failure}, a lack of space that came as another exception, as this one: same words, and as its cause. */
    public static OutOfSpaceException from(Exception failure) {
        OutOfSpaceException typed = failure instanceof FileSystemException fse
                ? new OutOfSpaceException(fse.getFile(), fse.getOtherFile(), fse.getReason())
                : new OutOfSpaceException(null, null, failure.getMessage());
        typed.initCause(failure);
        return typed;
    }
}
