package dirsync.fs.sftp;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.sshd.sftp.client.RawSftpClient;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * One dirsync per remote replica, from any host: a lock file beside the replica's root on the server
 * ({@code .<name>.dirsync.lock} in its parent), held as a lease. The holder rewrites it every third of the lease,
 * which moves its modification time to the server's now; a lock not rewritten for a whole lease was left by a
 * run that died (killed, or cut off from the server) and is taken over. Times are all the server's: the age of
 * the lock is its modification time against that of a file written just now, so no clock need agree with the
 * server's.
 *
 * <p>Taking the lock is a rename that fails if the lock exists (SFTP's plain RENAME), so of two runs that start
 * together one wins. Two runs that both find the same lock stale can both take it over; each rewrite checks that
 * the lock still holds this run's token, so the one that lost learns it at its next rewrite, within a third of
 * the lease, and stops.
 */
public final class RemoteLock implements Closeable {

    /** Another run holds the lock, or took it over from this one. */
    public static final class HeldElsewhereException extends IOException {
        public HeldElsewhereException(String message) {
            super(message);
        }
    }

    private final String path;
    private final String directory;
    private final String token;
    private final byte[] content;
    private volatile SftpClient client;

    private RemoteLock(SftpClient client, String path, String directory, String token, byte[] content) {
        this.client = client;
        this.path = path;
        this.directory = directory;
        this.token = token;
        this.content = content;
    }

    /** Where the lock of the replica at {@code root} (an absolute path on the server, as text) lives. */
    public static String lockPathOf(String root) throws IOException {
        String trimmed = root;
        while (trimmed.length() > 1 && trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        int slash = trimmed.lastIndexOf('/');
        if (slash < 0 || trimmed.equals("/")) {
            throw new IOException("an sftp replica cannot be the server's root directory '/': its lock goes beside it");
        }
        return trimmed.substring(0, slash + 1) + "." + trimmed.substring(slash + 1) + ".dirsync.lock";
    }

    /**
     * Takes the lock of the replica at {@code root}, describing this run as {@code owner} (host, pid, start).
     *
     * @throws HeldElsewhereException if another run holds it and renewed it within {@code lease}
     */
    public static RemoteLock acquire(SftpClient client, String root, String owner, Duration lease)
            throws IOException {
        return acquire(client, root, owner, lease, holder -> false);
    }

    /**
     * The same; {@code holderIsGone} may also declare a fresh lock's holder dead from its owner text (a run on this
     * very host whose process is gone: no need to wait out its lease).
     *
     * @throws ReplicaNotCreatedException if the server refuses to create the lock's directory (the replica's
     *                                    parent) or the lock file in it: a read-only file system, no permission
     */
    public static RemoteLock acquire(SftpClient client, String root, String owner, Duration lease,
                                     java.util.function.Predicate<String> holderIsGone) throws IOException {
        String path = SftpNames.wire(lockPathOf(root).getBytes(StandardCharsets.UTF_8));
        String directory = path.substring(0, path.lastIndexOf('/') + 1);
        byte[] random = new byte[12];
        ThreadLocalRandom.current().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        byte[] content = ("dirsync lock\ntoken " + token + "\nowner " + owner + "\n").getBytes(StandardCharsets.UTF_8);
        RemoteLock lock = new RemoteLock(client, path, directory, token, content);
        lock.take(lease, holderIsGone);
        return lock;
    }

    private void take(Duration lease, java.util.function.Predicate<String> holderIsGone) throws IOException {
        for (int attempt = 0; attempt < 2; attempt++) {
            String candidate = directory + ".dirsync-lock-" + token + ".tmp";
            writeCandidate(candidate);
            long serverNow;
            try {
                client.rename(candidate, path); // SFTP's plain RENAME: fails if the lock exists
                if (holdsToken()) {
                    return;
                }
                throw new HeldElsewhereException("another dirsync took the lock " + SftpNames.text(path)
                        + " at the same moment");
            } catch (IOException exists) {
                if (exists instanceof HeldElsewhereException) {
                    throw exists;
                }
                // The server's clock, from the candidate it has just written: asked only here, where a lock is
                // there to judge (a free lock is taken without this round trip).
                try {
                    serverNow = client.lstat(candidate).getModifyTime().toInstant().getEpochSecond();
                } catch (IOException noCandidate) {
                    exists.addSuppressed(noCandidate);
                    throw exists; // not a lock in the way: the rename failed for a reason of its own
                } finally {
                    removeQuietly(candidate);
                }
            }
            SftpClient.Attributes held;
            String holder;
            try {
                held = client.lstat(path);
                holder = owner(read());
            } catch (IOException gone) {
                continue; // released between the two requests: try again
            }
            long age = serverNow - held.getModifyTime().toInstant().getEpochSecond();
            if (age <= lease.toSeconds() && !holderIsGone.test(holder)) {
                throw new HeldElsewhereException("another dirsync is using this replica (" + holder
                        + ", lock " + SftpNames.text(path) + " renewed " + Math.max(0, age) + " s ago)");
            }
            removeQuietly(path); // stale: left by a run that died; take it over
        }
        throw new HeldElsewhereException("cannot take the lock " + SftpNames.text(path)
                + ": other runs keep taking it");
    }

    /**
     * Writes the candidate lock; where the directory it goes in (the replica's parent) is missing, makes it and its
     * parents first (a first run's replica; the directory is looked for only then, which saves its round trips).
     */
    private void writeCandidate(String candidate) throws IOException {
        try {
            write(candidate, NEW);
            return;
        } catch (IOException e) {
            if (!SftpErrors.missing(e) || directory.length() <= 1) {
                throw refused(e, "the lock file " + SftpNames.text(path));
            }
        }
        String parent = directory.substring(0, directory.length() - 1);
        try {
            RemoteCalls.makeDirectories(client, parent);
        } catch (IOException e) {
            throw refused(e, "directory " + ReplicaNotCreatedException.pathOf(e, SftpNames.text(parent)));
        }
        try {
            write(candidate, NEW);
        } catch (IOException e) {
            throw refused(e, "the lock file " + SftpNames.text(path));
        }
    }

    /** {@code failure} of creating {@code what}: the server's refusal as such, a failed connection as it is. */
    private static IOException refused(IOException failure, String what) {
        return SftpErrors.answered(failure) ? ReplicaNotCreatedException.creating(what, failure) : failure;
    }

    /**
     * Rewrites the lock (the lease starts again), with {@code current} if the connection was made anew.
     *
     * @throws HeldElsewhereException if the lock no longer holds this run's token: another run took it over
     */
    public synchronized void renew(SftpClient current) throws IOException {
        client = current;
        if (!holdsToken()) {
            throw new HeldElsewhereException("the lock " + SftpNames.text(path)
                    + " was taken over by another dirsync while this one could not renew it");
        }
        renewInOneStep();
    }

    /**
     * Writes the new lease aside and renames it over the lock in one step (posix-rename@openssh.com), so that
     * nobody, and no crash, ever finds the lock empty or half written; a server without that extension gets the
     * lock rewritten in place, as before.
     */
    private void renewInOneStep() throws IOException {
        if (!(client instanceof RawSftpClient raw) || !client.getServerExtensions()
                .containsKey(RemoteCalls.POSIX_RENAME)) {
            write(path, IN_PLACE);
            return;
        }
        String fresh = directory + ".dirsync-lock-" + token + ".renewal";
        try {
            write(fresh, ASIDE);
            try {
                RemoteCalls.checkStatus(SftpConstants.SSH_FXP_EXTENDED, raw.receive(raw.send(
                        SftpConstants.SSH_FXP_EXTENDED, RawRequests.posixRename(fresh, path))));
            } catch (IOException e) {
                throw SftpErrors.map(e, path, SftpErrors.Doing.WRITING, client);
            }
        } catch (IOException e) {
            removeQuietly(fresh);
            throw e;
        }
    }

    /** The lock file's path on the server, as text. */
    public String path() {
        return SftpNames.text(path);
    }

    private boolean holdsToken() throws IOException {
        try {
            return new String(read(), StandardCharsets.UTF_8).contains("\ntoken " + token + "\n");
        } catch (NoSuchFileException gone) {
            return false;
        }
    }

    /** A new file: the candidate of a take, which must not exist yet. */
    private static final SftpClient.OpenMode[] NEW = {SftpClient.OpenMode.Write, SftpClient.OpenMode.Create,
        SftpClient.OpenMode.Exclusive};
    /** The lock itself, rewritten in place: it must still exist. */
    private static final SftpClient.OpenMode[] IN_PLACE = {SftpClient.OpenMode.Write, SftpClient.OpenMode.Truncate};
    /** This run's own renewal file, made anew or over one a crashed renewal left. */
    private static final SftpClient.OpenMode[] ASIDE = {SftpClient.OpenMode.Write, SftpClient.OpenMode.Create,
        SftpClient.OpenMode.Truncate};

    private void write(String target, SftpClient.OpenMode[] modes) throws IOException {
        try (OutputStream out = client.write(target, modes)) {
            out.write(content);
        } catch (IOException e) {
            throw SftpErrors.map(e, target, SftpErrors.Doing.WRITING, client);
        }
    }

    /** The lock file's content, as {@link RemotePeek} reads it: an OPEN, one READ and a CLOSE. */
    private byte[] read() throws IOException {
        return RemotePeek.read(client, SftpNames.bytes(path), READ_AT_ONCE)
                .orElseThrow(() -> new NoSuchFileException(SftpNames.text(path)));
    }

    /** Bytes asked for by the READ of the lock file: more than any lock file holds. */
    private static final int READ_AT_ONCE = 8192;

    private static String owner(byte[] content) {
        for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("owner ")) {
                return line.substring("owner ".length());
            }
        }
        return "an unknown owner";
    }

    private void removeQuietly(String target) {
        try {
            client.remove(target);
        } catch (IOException gone) {
            // gone already, or not ours to remove: nothing to do
        }
    }

    /** Removes the lock if it is still this run's. */
    @Override
    public void close() {
        release(java.util.Optional.empty());
    }

    /**
     * Removes the lock if it is still this run's, over {@code current} if present (the connection the run has now),
     * else over the one it was last written with.
     */
    public synchronized void release(java.util.Optional<SftpClient> current) {
        current.ifPresent(open -> client = open);
        try {
            if (holdsToken()) {
                client.remove(path);
            }
        } catch (IOException unreachable) {
            // The lease runs out by itself.
        }
    }
}
