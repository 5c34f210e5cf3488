package dirsync.fs.sftp;

import java.io.IOException;
import java.nio.file.FileSystemException;

/**
 * The server refused to create what a replica needs before anything is written into it: a directory on the way to
 * it, or the lock file beside it. The message is the server's answer, then what was being created: "Read-only
 * file system (creating the lock file /srv/.mirror.dirsync.lock)". Not a connection that failed: trying again does
 * not help until someone changes the server's side.
 */
public final class ReplicaNotCreatedException extends IOException {

    private ReplicaNotCreatedException(String message, IOException cause) {
        super(message, cause);
    }

    /** {@code refused}, the server's answer (as {@link SftpErrors#map} words it), to creating {@code what}. */
    static ReplicaNotCreatedException creating(String what, IOException refused) {
        String answer = refused instanceof FileSystemException named && named.getReason() != null
                ? named.getReason() : refused.getMessage();
        return new ReplicaNotCreatedException(answer + " (creating " + what + ")", refused);
    }

    /** The path {@code refused} names (the directory that could not be made), or {@code otherwise}. */
    static String pathOf(IOException refused, String otherwise) {
        return refused instanceof FileSystemException named && named.getFile() != null ? named.getFile() : otherwise;
    }
}
