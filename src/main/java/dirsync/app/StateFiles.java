package dirsync.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The files dirsync keeps about a replica outside it, in a shared directory ({@code java.io.tmpdir} by default):
 * the lock file {@code dirsync-<hash>.lock}, which keeps a second dirsync off the replica, the verified-hash
 * memory {@code dirsync-<hash>.pairs}, which a later run starts from, and {@code dirsync-<hash>.unsettled}, the
 * files found changing during their copy pass after pass. The hash is of the replica's real path.
 *
 * <p>The names are predictable and the directory is shared, so anyone may have put something there first. All
 * files are used only if they pass one trust check ({@link #requireTrusted}): a regular file (never a symbolic
 * link, which is not followed either), owned by this user, with exactly one name (not a hard link to a file
 * elsewhere, such as {@code /etc/shadow} when root runs dirsync, which writing the lock would destroy), and not
 * writable by group or others (who could otherwise plant facts that make a pass skip a changed file). In a
 * sticky directory such as {@code /tmp} nobody else can rename or unlink this user's file, so the file that
 * passed the check is the file that was opened.
 */
public final class StateFiles {

    private static final String SYMBOLIC_LINK = "it is a symbolic link, which dirsync never follows";
    private static final FileAttribute<?> LOCK_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));
    private static final FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    /** How many names of its own a run tries for a new file in the shared directory before giving up. */
    private static final int TEMPORARY_NAMES = 100;

    private final String replica;
    private final String replicaUri;
    private final Path lockFile;
    private final Path memoryFile;
    private final Path unsettledFile;

    /**
     * @param directory   the shared directory the files live in
     * @param realReplica the replica's real path (or where it will be created), which names the files
     */
    public StateFiles(Path directory, Path realReplica) {
        this(directory, realReplica.toString(), uriOf(realReplica));
    }

    /**
     * @param directory  the shared directory the files live in
     * @param replica    the replica as messages name it
     * @param replicaUri the replica as a URI (file:///..., sftp://...), whose bytes name the files
     */
    public StateFiles(Path directory, String replica, String replicaUri) {
        this.replica = replica;
        this.replicaUri = replicaUri;
        this.lockFile = fileFor(replicaUri, directory, ".lock");
        this.memoryFile = fileFor(replicaUri, directory, ".pairs");
        this.unsettledFile = fileFor(replicaUri, directory, ".unsettled");
    }

    public Path lockFile() {
        return lockFile;
    }

    public Path memoryFile() {
        return memoryFile;
    }

    public Path unsettledFile() {
        return unsettledFile;
    }

    /** Takes the replica's lock: creates the lock file if needed (not writable by others), checks it, locks it. */
    ReplicaLock lock() throws IOException, ReplicaLock.HeldElsewhereException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        return ReplicaLock.acquire(openTrusted(lockFile, "lock file", options, LOCK_MODE), lockFile, replica,
                replicaUri);
    }

    /**
     * The hash memory an earlier run saved, if there is one.
     *
     * @throws IOException if it is there but fails the trust check (the message says why) or cannot be read
     */
    public Optional<byte[]> readMemory() throws IOException {
        return read(memoryFile, "hash memory file");
    }

    /**
     * The streaks of files found changing pass after pass that an earlier run saved, if there are any.
     *
     * @throws IOException if the file is there but fails the trust check (the message says why) or cannot be read
     */
    public Optional<byte[]> readUnsettled() throws IOException {
        return read(unsettledFile, "record of unsettled files");
    }

    private static Optional<byte[]> read(Path file, String role) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        FileChannel channel;
        try {
            channel = openTrusted(file, role, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException goneSince) {
            return Optional.empty();
        }
        try (channel) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new IOException("it is too large (" + size + " bytes)");
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) size);
            while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
                // read on
            }
            return Optional.of(Arrays.copyOf(bytes.array(), bytes.position()));
        }
    }

    /**
     * Replaces the hash memory atomically: written to a new owner-only file beside it, then renamed over it, so
     * that a reader sees the old memory or the new one, never a part.
     */
    public void writeMemory(byte[] saved) throws IOException {
        replace(memoryFile, saved);
    }

    /** Replaces the streaks of files found changing pass after pass, atomically, as {@link #writeMemory} does. */
    public void writeUnsettled(byte[] saved) throws IOException {
        replace(unsettledFile, saved);
    }

    /** Removes the streaks of files found changing pass after pass, when none is left (a link itself, if planted). */
    public void forgetUnsettled() throws IOException {
        Files.deleteIfExists(unsettledFile);
    }

    /** Replaces {@code file} atomically with an owner-only file of {@code saved}, written new beside it. */
    private static void replace(Path file, byte[] saved) throws IOException {
        Path temp = writeNew(file.getParent(), file.getFileName() + ".", saved, OWNER_ONLY);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Writes {@code content} to a new file in the shared {@code directory}, named {@code <prefix><pid>-<n>.tmp}
     * after this process, and returns its path. Not by Files.createTempFile, whose SecureRandom costs a short run
     * ~40 ms to seed. The name is predictable, so the file is created new (never opened if there, never through a
     * link): a file planted there only moves this run on to the next name. A file that cannot be written in full is
     * deleted.
     */
    static Path writeNew(Path directory, String prefix, byte[] content, FileAttribute<?> mode) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path file = directory.resolve(prefix + ProcessHandle.current().pid() + "-" + attempt + ".tmp");
            FileChannel channel;
            try {
                channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS), mode);
            } catch (FileAlreadyExistsException taken) {
                if (attempt < TEMPORARY_NAMES) {
                    continue;
                }
                throw taken;
            }
            try (channel) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } catch (IOException e) {
                Files.deleteIfExists(file);
                throw e;
            }
            return file;
        }
    }

    /**
     * The one trust check of all these files: a regular file of this user's, with exactly one name, not writable by
     * group or others, judged without following a link.
     *
     * @param role what the file is, for the message: "lock file", "hash memory file", "record of unsettled files"
     * @throws IOException whose message tells the user what is wrong and what to do, if the file fails the check
     */
    static void requireTrusted(Path file, String role) throws IOException {
        Map<String, Object> unix = Files.readAttributes(file, "unix:isSymbolicLink,isRegularFile,uid,nlink,mode",
                LinkOption.NOFOLLOW_LINKS);
        Object me = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        String reason = null;
        if ((Boolean) unix.get("isSymbolicLink")) {
            reason = SYMBOLIC_LINK;
        } else if (!(Boolean) unix.get("isRegularFile")) {
            reason = "it is not a regular file";
        } else if (!unix.get("uid").equals(me)) {
            reason = "it belongs to user id " + unix.get("uid");
        } else if ((Integer) unix.get("nlink") != 1) {
            reason = "it has " + unix.get("nlink") + " names (a hard link to a file elsewhere?)";
        } else if (((Integer) unix.get("mode") & GROUP_OR_OTHERS_WRITE) != 0) {
            reason = "it is writable by group or others";
        }
        if (reason != null) {
            throw new IOException(notOurs(role) + reason);
        }
    }

    /**
     * Opens a state file without following a link, checked before (a FIFO would block the open, a device might
     * act on it) and after (the file that was opened, if it was just created or appeared meanwhile).
     */
    private static FileChannel openTrusted(Path file, String role, Set<OpenOption> options, FileAttribute<?>... mode)
            throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            requireTrusted(file, role);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, options, mode);
        } catch (IOException e) { // ELOOP (a link planted since the check) comes as a plain IOException
            if (Files.isSymbolicLink(file)) {
                throw new IOException(notOurs(role) + SYMBOLIC_LINK, e);
            }
            throw e;
        }
        try {
            requireTrusted(file, role);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    private static String notOurs(String role) {
        return "not dirsync's own " + role + " (remove it, or give the runs -Djava.io.tmpdir=DIR of their own): ";
    }

    /** A file of this replica's in {@code directory}: {@code dirsync-<hash of its URI><suffix>}. */
    private static Path fileFor(String replicaUri, Path directory, String suffix) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(replicaUri.getBytes(StandardCharsets.UTF_8));
            return directory.resolve("dirsync-" + HexFormat.of().formatHex(digest, 0, 8) + suffix);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    /**
     * The replica's exact bytes, whatever the locale: toUri percent-encodes them. It also appends a slash
     * when the directory exists, which must not make the replica before and after its creation two replicas.
     */
    private static String uriOf(Path realReplica) {
        String uri = realReplica.toUri().toString();
        if (uri.endsWith("/") && uri.length() > "file:///".length()) {
            uri = uri.substring(0, uri.length() - 1);
        }
        return uri;
    }
}
