package dirsync.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The three paths a run works with, checked before anything is written. The roots themselves are resolved
 * (a source given as a symlink to a directory is that directory); links inside the trees are never followed.
 *
 * @param source  real path of the source directory
 * @param replica real path of the replica directory, or where it will be created
 * @param logFile real path of the log file, or where it will be created
 */
public record Roots(Path source, Path replica, Path logFile) {

    /** A user mistake, with a message fit for one line. */
    public static final class InvalidRootsException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidRootsException(String message) {
            super(message);
        }
    }

    public static Roots validate(Path source, Path replica, Path logFile) throws InvalidRootsException {
        Path realSource = existingDirectory(source);
        Path realReplica = replica(replica);
        if (realSource.equals(realReplica)) {
            throw new InvalidRootsException("source and replica are the same directory: " + quote(realSource));
        }
        if (realReplica.startsWith(realSource)) {
            throw new InvalidRootsException("replica " + quote(replica) + " is inside the source " + quote(source)
                    + ": it would copy itself forever");
        }
        if (realSource.startsWith(realReplica)) {
            throw new InvalidRootsException("source " + quote(source) + " is inside the replica " + quote(replica)
                    + ": the mirror would delete it");
        }
        Roots roots = new Roots(realSource, realReplica, null);
        return new Roots(realSource, realReplica, roots.outsideFile(logFile, "log file"));
    }

    /**
     * Checks a file dirsync writes besides the replica (log, status): not a directory, and outside both roots,
     * where the mirror would delete it or copy it while it changes. Returns its real path.
     */
    public Path outsideFile(Path file, String role) throws InvalidRootsException {
        if (Files.isDirectory(file)) {
            throw new InvalidRootsException(role + " " + quote(file) + " is a directory");
        }
        Path real;
        if (Files.exists(file)) {
            if (!Files.isRegularFile(file)) {
                throw new InvalidRootsException(role + " " + quote(file) + " is not a regular file");
            }
            real = realPath(file, role);
        } else if (Files.isSymbolicLink(file)) {
            throw new InvalidRootsException(role + " " + quote(file) + " is a symbolic link to nothing");
        } else {
            real = realPathOfFuture(file, role);
        }
        return outside(file, real, role);
    }

    /** Checks a directory dirsync writes besides the replica (backups): outside both roots. */
    public Path outsideDirectory(Path dir, String role) throws InvalidRootsException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidRootsException(role + " " + quote(dir) + " exists but is not a directory");
        }
        Path real = Files.exists(dir) ? realPath(dir, role) : realPathOfFuture(dir, role);
        return outside(dir, real, role);
    }

    private Path outside(Path given, Path real, String role) throws InvalidRootsException {
        if (real.startsWith(replica)) {
            throw new InvalidRootsException(role + " " + quote(given) + " is inside the replica " + quote(replica)
                    + ": the mirror would delete it");
        }
        if (real.startsWith(source)) {
            throw new InvalidRootsException(role + " " + quote(given) + " is inside the source " + quote(source)
                    + ": it would be mirrored while it changes");
        }
        return real;
    }

    private static Path existingDirectory(Path source) throws InvalidRootsException {
        if (!Files.exists(source)) {
            throw new InvalidRootsException("source " + quote(source) + " does not exist");
        }
        if (!Files.isDirectory(source)) {
            throw new InvalidRootsException("source " + quote(source) + " is not a directory");
        }
        return realPath(source, "source");
    }

    private static Path replica(Path replica) throws InvalidRootsException {
        if (Files.exists(replica)) {
            if (!Files.isDirectory(replica)) {
                throw new InvalidRootsException("replica " + quote(replica) + " exists but is not a directory");
            }
            return realPath(replica, "replica");
        }
        if (Files.isSymbolicLink(replica)) {
            throw new InvalidRootsException("replica " + quote(replica) + " is a symbolic link to nothing");
        }
        return realPathOfFuture(replica, "replica");
    }

    /**
     * Where a path that does not exist yet will really be: the real path of its nearest existing ancestor
     * with the missing names appended, so that a symlinked parent cannot hide an overlap.
     */
    private static Path realPathOfFuture(Path path, String role) throws InvalidRootsException {
        Path absolute = path.toAbsolutePath();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new InvalidRootsException(role + " " + quote(path) + " has no existing parent directory");
        }
        if (!Files.isDirectory(existing)) {
            throw new InvalidRootsException(role + " " + quote(path) + " cannot be created: "
                    + quote(existing) + " is not a directory");
        }
        Path missing = existing.relativize(absolute);
        return realPath(existing, role).resolve(missing).normalize();
    }

    private static Path realPath(Path path, String role) throws InvalidRootsException {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new InvalidRootsException("cannot resolve " + role + " " + quote(path) + ": " + LogText.reason(e));
        }
    }

    private static String quote(Path path) {
        return "'" + LogText.escape(path) + "'";
    }
}
