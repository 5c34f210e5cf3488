package dirsync.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The files dirsync keeps about a replica outside it ({@link StatePlaces} says where): the lock file
 * {@code dirsync-<hash>.lock}, which keeps a second dirsync off the replica and is removed when the run ends
 * ({@link ReplicaLock}), the verified-hash memory {@code dirsync-<hash>.pairs}, which a later run starts from, and
 * {@code dirsync-<hash>.unsettled}, the files found changing during their copy pass after pass. The hash is of the
 * replica's real path. Every file is used only if it passes one trust check ({@link TrustedFiles}). The memory
 * of a replica that no run has saved for 30 days is removed ({@link #pruneUnused}).
 */
public final class StateFiles {

    private static final FileAttribute<?> LOCK_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));
    private static final FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<?> OWNER_ONLY_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    /** The memory of a replica no run has saved for this long is removed from the user's state directory. */
    static final Duration UNUSED = Duration.ofDays(30);
    /** A memory file, or a temporary one of a writer that died: {@code dirsync-<hash>.pairs.<pid>-<n>.tmp}. */
    private static final Pattern MEMORY_NAME =
            Pattern.compile("dirsync-[0-9a-f]{16}\\.(pairs|unsettled|objects)(\\.[0-9]+-[0-9]+\\.tmp)?");

    private final StatePlaces places;
    private final String replica;
    private final String replicaUri;
    private final Path lockFile;
    private final Path memoryFile;
    private final Path treeMemoryFile;
    private final Path unsettledFile;

    /**
     * @param directory   the directory all the files live in
     * @param realReplica the replica's real path (or where it will be created), which names the files
     */
    public StateFiles(Path directory, Path realReplica) {
        this(StatePlaces.in(directory), realReplica);
    }

    /**
     * @param places      where the files live
     * @param realReplica the replica's real path (or where it will be created), which names the files
     */
    public StateFiles(StatePlaces places, Path realReplica) {
        this(places, realReplica.toString(), uriOf(realReplica));
    }

    /**
     * @param places     where the files live
     * @param replica    the replica as messages name it
     * @param replicaUri the replica as a URI (file:///..., sftp://...), whose bytes name the files
     */
    public StateFiles(StatePlaces places, String replica, String replicaUri) {
        this.places = places;
        this.replica = replica;
        this.replicaUri = replicaUri;
        this.lockFile = fileFor(replicaUri, places.lockDirectory(), ".lock");
        this.memoryFile = fileFor(replicaUri, places.memoryDirectory(), ".pairs");
        this.treeMemoryFile = fileFor(replicaUri, places.memoryDirectory(), ".objects");
        this.unsettledFile = fileFor(replicaUri, places.memoryDirectory(), ".unsettled");
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

    /** What the replica tree remembers of itself ({@code ReplicaFeatures.TreeMemory}: an object store's metadata). */
    public Path treeMemoryFile() {
        return treeMemoryFile;
    }

    /**
     * Takes the replica's lock: creates the lock file if needed (not writable by others), checks it, locks it, and
     * makes sure the name still names the file it locked; closing the lock removes the file. A file that fails the
     * trust check but is held (another user's run) is refused as held.
     */
    ReplicaLock lock() throws IOException, ReplicaLock.HeldElsewhereException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        try {
            return ReplicaLock.acquire(() -> TrustedFiles.openTrusted(lockFile, "lock file",
                    TrustedFiles.LOCK_ADVICE, options, LOCK_MODE), lockFile, replica, replicaUri);
        } catch (IOException refused) {
            ReplicaLock.refuseIfHeld(lockFile, replica); // another user's run on the replica: exit 3, not 2
            throw refused;
        }
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
     * What the replica tree remembered of itself in an earlier run, if anything.
     *
     * @throws IOException if it is there but fails the trust check (the message says why) or cannot be read
     */
    public Optional<byte[]> readTreeMemory() throws IOException {
        return read(treeMemoryFile, "replica memory file");
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
            channel = TrustedFiles.openTrusted(file, role, TrustedFiles.MEMORY_ADVICE,
                    Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
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
     * that a reader sees the old memory or the new one, never a part. A missing directory is made, owner-only.
     */
    public void writeMemory(byte[] saved) throws IOException {
        replace(memoryFile, saved);
    }

    /** Replaces what the replica tree remembers of itself, atomically, as {@link #writeMemory} does. */
    public void writeTreeMemory(byte[] saved) throws IOException {
        replace(treeMemoryFile, saved);
    }

    /** Replaces the streaks of files found changing pass after pass, atomically, as {@link #writeMemory} does. */
    public void writeUnsettled(byte[] saved) throws IOException {
        replace(unsettledFile, saved);
    }

    /** Removes the streaks of files found changing pass after pass, when none is left (a link itself, if planted). */
    public void forgetUnsettled() throws IOException {
        Files.deleteIfExists(unsettledFile);
    }

    /**
     * Removes from the user's state directory the memory files (and temporary files of writers that died) of
     * replicas that no run has saved for {@link #UNUSED}, as of {@code now}: replicas given up, renamed or moved,
     * whose memory nothing would ever read. Only this user's files that pass the trust check; nothing in a shared
     * directory (when the memory is kept with the lock, in {@code /tmp}, the system cleans it).
     *
     * @return how many files were removed
     */
    int pruneUnused(Instant now) throws IOException {
        if (places.memoryDirectory().equals(places.lockDirectory())
                || !Files.isDirectory(places.memoryDirectory(), LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        FileTime before = FileTime.from(now.minus(UNUSED));
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(places.memoryDirectory(),
                file -> MEMORY_NAME.matcher(file.getFileName().toString()).matches())) {
            for (Path file : files) {
                if (isUnused(file, before)) {
                    removed += Files.deleteIfExists(file) ? 1 : 0;
                }
            }
        }
        return removed;
    }

    private static boolean isUnused(Path file, FileTime before) {
        try {
            TrustedFiles.requireTrusted(file, "memory file", TrustedFiles.MEMORY_ADVICE);
            return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).compareTo(before) < 0;
        } catch (IOException notOursOrGone) {
            return false;
        }
    }

    /** Replaces {@code file} atomically with an owner-only file of {@code saved}, written new beside it. */
    private static void replace(Path file, byte[] saved) throws IOException {
        Path directory = file.getParent();
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, OWNER_ONLY_DIRECTORY);
        }
        Path temp = TrustedFiles.writeNew(directory, file.getFileName() + ".", saved, OWNER_ONLY);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** A file of this replica's in {@code directory}: {@code dirsync-<hash of its URI><suffix>}. */
    private static Path fileFor(String replicaUri, Path directory, String suffix) {
        byte[] digest = Sha256.of(replicaUri.getBytes(StandardCharsets.UTF_8));
        return directory.resolve("dirsync-" + HexFormat.of().formatHex(digest, 0, 8) + suffix);
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
