package dirsync.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One dirsync per replica: an OS file lock on a lock file outside the replica, named after the replica's real
 * path (see {@link StateFiles}, which opens and checks the file). The operating system releases the lock with
 * the process, however it ends (kill -9 included), so a stale lock file is harmless: only a held lock counts.
 */
final class ReplicaLock implements AutoCloseable {

    private static final Pattern HOLDER = Pattern.compile("^pid (\\d+)");

    private final FileChannel channel;
    private final FileLock lock;

    private ReplicaLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Thrown when another process (or another command in this JVM) holds the lock. */
    static final class HeldElsewhereException extends Exception {
        private static final long serialVersionUID = 1L;

        HeldElsewhereException(String message) {
            super(message);
        }
    }

    /**
     * Locks the lock file {@code channel} has open (read and write, already found trustworthy), then writes
     * who holds it. Closes the channel if the lock is not taken.
     */
    static ReplicaLock acquire(FileChannel channel, Path lockFile, String replica, String replicaUri)
            throws IOException, HeldElsewhereException {
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
        // For people: who holds it. The lock itself is what counts.
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " replica " + replicaUri
                + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        return new ReplicaLock(channel, lock);
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

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
