package dirsync.app;

import dirsync.sync.LogText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The three paths a run works with, checked before anything is written. The roots themselves are resolved
 * (a source given as a symlink to a directory is that directory); links inside the trees are never followed.
 *
 * @param source       real path of the source directory
 * @param replica      real path of the replica directory, or where it will be created; null for a replica on
 *                     another host (nothing local can be inside it)
 * @param replicaShown the replica as messages quote it
 * @param logFile      real path of the log file, or where it will be created
 */
record Roots(Path source, Path replica, String replicaShown, Path logFile) {

    static Roots validate(Path source, Path replica, Path logFile) throws InvalidSettingsException {
        return validate(source, replica, quote(replica), logFile);
    }

    /**
     * The same, with the replica quoted in messages as {@code replicaShown}: an sftp:// replica found to be a
     * directory of this machine is named as the user wrote it.
     */
    static Roots validate(Path source, Path replica, String replicaShown, Path logFile)
            throws InvalidSettingsException {
        Path realSource = existingDirectory(source);
        Path realReplica = replica(replica, replicaShown);
        if (realSource.equals(realReplica)) {
            throw new InvalidSettingsException("source and replica are the same directory: " + quote(realSource)
                    + (replicaShown.equals(quote(replica)) ? "" : ", given as replica " + replicaShown));
        }
        if (realReplica.startsWith(realSource)) {
            throw new InvalidSettingsException("replica " + replicaShown + " is inside the source " + quote(source)
                    + ": it would copy itself forever");
        }
        if (realSource.startsWith(realReplica)) {
            throw new InvalidSettingsException("source " + quote(source) + " is inside the replica " + replicaShown
                    + ": the mirror would delete it");
        }
        Roots roots = new Roots(realSource, realReplica, replicaShown, null);
        return new Roots(realSource, realReplica, replicaShown, roots.outsideFile(logFile, "log file"));
    }

    /** The source and the log file of a run whose replica is on another host. */
    static Roots validateWithRemoteReplica(Path source, Path logFile) throws InvalidSettingsException {
        Path realSource = existingDirectory(source);
        Roots roots = new Roots(realSource, null, null, null);
        return new Roots(realSource, null, null, roots.outsideFile(logFile, "log file"));
    }

    /**
     * Checks a file dirsync writes besides the replica (log, status): a regular file or none yet, on a file system
     * that holds files (see {@link FileHome}), and outside both roots, where the mirror would delete it or copy it
     * while it changes. Returns its real path.
     */
    Path outsideFile(Path file, String role) throws InvalidSettingsException {
        if (Files.isDirectory(file)) {
            throw new InvalidSettingsException(role + " " + quote(file) + " is a directory");
        }
        Path real;
        if (Files.exists(file)) {
            real = realPath(file, role);
        } else if (Files.isSymbolicLink(file)) {
            throw new InvalidSettingsException(role + " " + quote(file) + " is a symbolic link to nothing");
        } else {
            real = realPathOfFuture(file, role);
        }
        String problem = FileHome.problemWithFile(real);
        if (problem != null) {
            throw new InvalidSettingsException(role + " " + quote(file) + " " + problem);
        }
        return outside(file, real, role);
    }

    /**
     * Checks what dirsync writes besides the trees, other than the log file: the status file (if any; its real path
     * is returned, else null) and the directory of the lock.
     */
    Path besidesTheTrees(Path statusFile, Path lockDirectory) throws InvalidSettingsException {
        Path realStatusFile = statusFile == null ? null : outsideFile(statusFile, "status file");
        outsideDirectory(lockDirectory, "state directory (the lock, java.io.tmpdir)");
        return realStatusFile;
    }

    /**
     * Where the hash memory goes: the user's state directory of {@code places} if it is outside both trees on a file
     * system of files (a user who mirrors the home has it inside the source, which dirsync never writes), else the
     * lock's directory, which {@link #besidesTheTrees} has checked.
     */
    StatePlaces memoryOutsideTheTrees(StatePlaces places) {
        try {
            outsideDirectory(places.memoryDirectory(), "state directory (the hash memory)");
            return places;
        } catch (InvalidSettingsException e) {
            return StatePlaces.in(places.lockDirectory());
        }
    }

    /** Checks a directory dirsync writes besides the replica (backups): on a file system of files, outside both. */
    Path outsideDirectory(Path dir, String role) throws InvalidSettingsException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidSettingsException(role + " " + quote(dir) + " exists but is not a directory");
        }
        Path real = Files.exists(dir) ? realPath(dir, role) : realPathOfFuture(dir, role);
        String problem = FileHome.problemWithFileSystem(real);
        if (problem != null) {
            throw new InvalidSettingsException(role + " " + quote(dir) + " " + problem);
        }
        return outside(dir, real, role);
    }

    /**
     * Checks that a replica that does not exist yet can be created: its nearest existing ancestor (a directory,
     * as {@link #validate} made sure) must let this process create entries in it. This catches a missing
     * permission and a read-only file system before anything is written; what it cannot foresee (a name too
     * long, a file system that refuses new directories, a race) still fails when the replica is created.
     */
    void requireReplicaCreatable(Path givenReplica) throws InvalidSettingsException {
        if (Files.exists(replica)) {
            return;
        }
        Path existing = nearestExisting(replica);
        if (existing != null && !(Files.isWritable(existing) && Files.isExecutable(existing))) {
            throw new InvalidSettingsException("replica " + quote(givenReplica) + " cannot be created: "
                    + quote(existing) + " is not writable");
        }
    }

    private Path outside(Path given, Path real, String role) throws InvalidSettingsException {
        if (replica != null && real.startsWith(replica)) {
            throw new InvalidSettingsException(role + " " + quote(given) + " is inside the replica " + replicaShown
                    + ": the mirror would delete it");
        }
        if (real.startsWith(source)) {
            throw new InvalidSettingsException(role + " " + quote(given) + " is inside the source " + quote(source)
                    + ": it would be mirrored while it changes");
        }
        return real;
    }

    private static Path existingDirectory(Path source) throws InvalidSettingsException {
        if (!Files.exists(source)) {
            throw new InvalidSettingsException("source " + quote(source) + " does not exist");
        }
        if (!Files.isDirectory(source)) {
            throw new InvalidSettingsException("source " + quote(source) + " is not a directory");
        }
        return realPath(source, "source");
    }

    private static Path replica(Path replica, String shown) throws InvalidSettingsException {
        if (Files.exists(replica)) {
            if (!Files.isDirectory(replica)) {
                throw new InvalidSettingsException("replica " + shown + " exists but is not a directory");
            }
            return realPath(replica, "replica");
        }
        if (Files.isSymbolicLink(replica)) {
            throw new InvalidSettingsException("replica " + shown + " is a symbolic link to nothing");
        }
        return realPathOfFuture(replica, "replica");
    }

    /**
     * Where a path that does not exist yet will really be: the real path of its nearest existing ancestor
     * with the missing names appended, so that a symlinked parent cannot hide an overlap.
     */
    private static Path realPathOfFuture(Path path, String role) throws InvalidSettingsException {
        Path absolute = path.toAbsolutePath();
        Path existing = nearestExisting(absolute);
        if (existing == null) {
            throw new InvalidSettingsException(role + " " + quote(path) + " has no existing parent directory");
        }
        if (!Files.isDirectory(existing)) {
            throw new InvalidSettingsException(role + " " + quote(path) + " cannot be created: "
                    + quote(existing) + " is not a directory");
        }
        Path missing = existing.relativize(absolute);
        return realPath(existing, role).resolve(missing).normalize();
    }

    private static Path realPath(Path path, String role) throws InvalidSettingsException {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new InvalidSettingsException("cannot resolve " + role + " " + quote(path) + ": " + LogText.reason(e));
        }
    }

    /** {@code path} itself if it exists (a link counts, unfollowed), else its nearest ancestor that does; or null. */
    static Path nearestExisting(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        return existing;
    }

    static String quote(Path path) {
        return "'" + LogText.escape(path) + "'";
    }
}
