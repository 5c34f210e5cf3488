package dirsync.cli;

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
import java.util.Map;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One dirsync per replica: an OS file lock on a lock file outside the replica, named after the replica's real
 * path. The operating system releases the lock with the process, however it ends (kill -9 included), so a
 * stale lock file is harmless: only a held lock counts.
 *
 * <p>The lock file lives in a shared directory ({@code /tmp}) under a predictable name, so anyone may have put
 * something there first. It is opened without following a link, and it is locked and written only if it is a
 * plain file of this user's with no other name: never a link, and never a hard link to a file elsewhere (such
 * as {@code /etc/shadow} when root runs dirsync), which the truncation below would otherwise destroy.
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

    /** The lock file for a replica: in {@code directory}, named by a hash of the replica's real path. */
    static Path lockFileFor(Path realReplica, Path directory) {
        return fileFor(realReplica, directory, ".lock");
    }

    /** A file of this replica's in {@code directory}: {@code dirsync-<hash of its real path><suffix>}. */
    static Path fileFor(Path realReplica, Path directory, String suffix) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity(realReplica));
            return directory.resolve("dirsync-" + HexFormat.of().formatHex(digest, 0, 8) + suffix);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    /**
     * The replica's exact bytes, whatever the locale: toUri percent-encodes them. It also appends a slash
     * when the directory exists, which must not make the replica before and after its creation two replicas.
     */
    private static byte[] identity(Path realReplica) {
        String uri = realReplica.toUri().toString();
        if (uri.endsWith("/") && uri.length() > "file:///".length()) {
            uri = uri.substring(0, uri.length() - 1);
        }
        return uri.getBytes(StandardCharsets.US_ASCII);
    }

    static ReplicaLock acquire(Path lockFile, Path realReplica) throws IOException, HeldElsewhereException {
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) { // ELOOP comes as a plain IOException
            if (Files.isSymbolicLink(lockFile)) {
                throw new IOException(NOT_OURS + "it is a symbolic link, which dirsync never follows", e);
            }
            throw e;
        }
        FileLock lock;
        try {
            requireOwnPlainFile(lockFile);
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
            throw new HeldElsewhereException("another dirsync is already running on replica '" + realReplica
                    + "'" + holder + " (lock file " + lockFile + ")");
        }
        // For people: who holds it. The lock itself is what counts.
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " replica " + realReplica.toUri()
                + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        return new ReplicaLock(channel, lock);
    }

    private static final String NOT_OURS = "not dirsync's own lock file (remove it, or give the runs "
            + "-Djava.io.tmpdir=DIR of their own): ";

    /**
     * Refuses a lock file that is not a regular file of this user's with exactly one name. In a sticky directory
     * nobody else can rename or unlink this user's file, so what is checked here is what was opened.
     */
    private static void requireOwnPlainFile(Path lockFile) throws IOException {
        Map<String, Object> unix = Files.readAttributes(lockFile, "unix:isRegularFile,uid,nlink",
                LinkOption.NOFOLLOW_LINKS);
        Object me = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (!(Boolean) unix.get("isRegularFile")) {
            throw new IOException(NOT_OURS + "it is not a regular file");
        }
        if (!unix.get("uid").equals(me)) {
            throw new IOException(NOT_OURS + "it belongs to user id " + unix.get("uid"));
        }
        if ((Integer) unix.get("nlink") != 1) {
            throw new IOException(NOT_OURS + "it has " + unix.get("nlink") + " names (a hard link to a file elsewhere?)");
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

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
