package dirsync.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One dirsync per replica: an OS file lock on a lock file outside the replica, named after the replica's real
 * path (see {@link StateFiles}, which opens and checks the file). The operating system releases the lock with
 * the process, however it ends (kill -9 included), so a lock file left behind is harmless: only a held lock counts.
 *
 * <p>The holder removes the file when it ends, still holding the lock, which opens a race that the taker closes:
 * run B opens the file while A holds it; A removes it and releases; B locks the file that has no name any more;
 * C creates a new file under the name and locks that. So after locking, a run checks that the name still names
 * the file it locked ({@link OpenFiles}); if not, it lets go and starts again with what the name names now.
 */
final class ReplicaLock implements AutoCloseable {

    private static final Pattern HOLDER = Pattern.compile("^pid (\\d+)");
    private static final Set<PosixFilePermission> READABLE_BY_ALL = PosixFilePermissions.fromString("rw-r--r--");
    /** How often a run starts again after the file it locked lost its name, before it gives up. */
    private static final int ATTEMPTS = 100;

    private final FileChannel channel;
    private final FileLock lock;
    private final Path lockFile;
    /** The device and inode of the locked file, which its name named when it was locked. */
    private final Object locked;

    private ReplicaLock(FileChannel channel, FileLock lock, Path lockFile, Object locked) {
        this.channel = channel;
        this.lock = lock;
        this.lockFile = lockFile;
        this.locked = locked;
    }

    /** Thrown when another process (or another command in this JVM) holds the lock. */
    static final class HeldElsewhereException extends Exception {
        private static final long serialVersionUID = 1L;

        HeldElsewhereException(String message) {
            super(message);
        }
    }

    /** Opens the lock file (read and write), found trustworthy. */
    @FunctionalInterface
    interface Opening {
        FileChannel open() throws IOException;
    }

    /**
     * Opens the lock file with {@code opening} and locks it; if the name no longer names the file locked by then,
     * lets go and starts again. Then writes who holds it. Closes the channel if the lock is not taken.
     */
    static ReplicaLock acquire(Opening opening, Path lockFile, String replica, String replicaUri)
            throws IOException, HeldElsewhereException {
        for (int attempt = 1; ; attempt++) {
            FileChannel channel = opening.open();
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                lock = null;
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                String holder = describeHolder(channel);
                channel.close();
                throw new HeldElsewhereException("another dirsync is already running on replica '" + replica
                        + "'" + holder + " (lock file " + lockFile + ")");
            }
            Optional<Object> named;
            try {
                named = OpenFiles.keyIfNamed(channel, lockFile);
            } catch (IOException e) {
                letGo(channel, lock);
                throw e;
            }
            if (named.isPresent()) {
                return held(channel, lock, lockFile, named.get(), replicaUri);
            }
            letGo(channel, lock); // its holder removed it as this run opened it: the name is another file's now
            if (attempt == ATTEMPTS) {
                throw new IOException("the lock file was replaced " + ATTEMPTS + " times while it was being locked");
            }
        }
    }

    /**
     * For a lock file that failed the trust check: if it is a regular file that a run holds (another user's, whose
     * file this user may not use), that run keeps this one off, as a lock of this user's would. Otherwise returns,
     * and the file's refusal stands.
     */
    static void refuseIfHeld(Path lockFile, String replica) throws HeldElsewhereException {
        try {
            Map<String, Object> unix = Files.readAttributes(lockFile, "unix:isRegularFile,uid,nlink",
                    LinkOption.NOFOLLOW_LINKS);
            if (!(Boolean) unix.get("isRegularFile") || (Integer) unix.get("nlink") != 1) {
                return; // never opened: a FIFO would block the open
            }
            refuseIfHeld(lockFile, replica, unix.get("uid"));
        } catch (IOException cannotTell) {
            // gone, not readable: the refusal stands
        }
    }

    private static void refuseIfHeld(Path lockFile, String replica, Object owner)
            throws IOException, HeldElsewhereException {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            FileLock shared;
            try {
                shared = channel.tryLock(0, Long.MAX_VALUE, true);
            } catch (OverlappingFileLockException sameJvm) {
                shared = null;
            }
            if (shared == null) {
                throw new HeldElsewhereException("another dirsync is already running on replica '" + replica + "'"
                        + describeHolder(channel) + " (lock file " + lockFile + ", of user id " + owner + ")");
            }
            shared.release();
        }
    }

    /** Writes who holds the lock, for people: the lock itself is what counts. */
    private static ReplicaLock held(FileChannel channel, FileLock lock, Path lockFile, Object locked,
            String replicaUri) throws IOException {
        try {
            // Readable by all whatever the umask, so that another user's run can tell that it is held.
            Files.setPosixFilePermissions(lockFile, READABLE_BY_ALL);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " replica " + replicaUri
                    + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        } catch (IOException e) {
            letGo(channel, lock);
            throw e;
        }
        return new ReplicaLock(channel, lock, lockFile, locked);
    }

    private static void letGo(FileChannel channel, FileLock lock) throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    private static String describeHolder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            channel.read(buffer, 0);
            Matcher pid = HOLDER.matcher(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
            return pid.find() ? " as process " + pid.group(1) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Removes the lock file, while the lock is still held and only if its name still names the file locked, then
     * releases the lock.
     */
    @Override
    public void close() throws IOException {
        try {
            if (OpenFiles.keyOf(lockFile).filter(locked::equals).isPresent()) {
                Files.deleteIfExists(lockFile);
            }
        } finally {
            letGo(channel, lock);
        }
    }
}
