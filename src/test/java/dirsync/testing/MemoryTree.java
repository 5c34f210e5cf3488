package dirsync.testing;

import dirsync.fs.Backup;
import dirsync.fs.Cancellation;
import dirsync.fs.Capabilities;
import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.LinkTarget;
import dirsync.fs.Listing;
import dirsync.fs.Md5;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import dirsync.fs.ReplicaTree;
import dirsync.fs.SourceChangedException;
import dirsync.fs.SourceTree;
import dirsync.fs.TreeDeletion;
import dirsync.fs.Work;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A replica held in memory: directories, regular files and symbolic links under one root, each name kept as
 * its bytes in a {@link TreeMap} so that listings come out in {@link Name}'s unsigned byte order. It keeps the
 * promises of {@link ReplicaTree} the way a local directory does for a user who is not root: nothing follows a
 * link, files are verified before they take their name, a change of a directory's entries moves its
 * modification time and needs the owner's write permission on it ({@link #ensureWritable} grants it), and
 * what a pass backs up lands in a separate map that tests can inspect ({@link #backups()}). Its features: backups,
 * and a connection per pass that tests can refuse or break ({@link #reachable}, {@link #loseConnectionAfterInstalls}).
 *
 * <p>One lock guards the whole tree: the pass, its lister, hashing and copying threads all call in at once.
 * A file's content is never changed once stored (a new array replaces it), so readers share it outside the lock.
 *
 * <p>The test conveniences ({@link #file}, {@link #dir}, {@link #link}, {@link #mtime}, {@link #mode}) change the
 * tree like a shell would, parents created as needed and no permission checked, and {@link #snapshot()}
 * describes it exactly as {@link Trees#snapshot} describes a directory on disk.
 */
public final class MemoryTree implements ReplicaTree, ReplicaFeatures.BackupKeeping, ReplicaFeatures.PassConnection,
        ReplicaFeatures.Renaming {

    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, false, false);
    private static final int CHUNK = 64 * 1024;

    private final Object lock = new Object();
    /** The root directory, or null while it does not exist. Guarded by {@link #lock}, as is everything below it. */
    private Dir root;
    /** What passes moved or copied to a backup, by the backup's pass directory + "/" + the entry's path. */
    private final Map<String, Node> backups = new TreeMap<>();

    /** Like a remote tree's connection: whether beginPass can connect, and what broke it mid-pass. */
    private volatile boolean reachable = true;
    private volatile IOException lost;
    private final java.util.concurrent.atomic.AtomicInteger installsBeforeLoss =
            new java.util.concurrent.atomic.AtomicInteger(-1);
    /** Paths whose next installs find no space left, and how many more times. */
    private final Map<String, Integer> fullFor = new java.util.concurrent.ConcurrentHashMap<>();

    private volatile ReplicaFeatures features = featuresTuned(ReplicaFeatures.Tuning.local(4));

    private MemoryTree(boolean withRoot) {
        this.root = withRoot ? new Dir(DIRECTORY_MODE, now()) : null;
    }

    /** A tree whose root is an empty directory. */
    public static MemoryTree empty() {
        return new MemoryTree(true);
    }

    /** A tree whose root does not exist yet ({@link #prepareRoot()} creates it). */
    public static MemoryTree withoutRoot() {
        return new MemoryTree(false);
    }

    // ---------------------------------------------------------------------------------------------------------
    // A connection, as a remote tree has one

    private ReplicaFeatures featuresTuned(ReplicaFeatures.Tuning tuning) {
        return ReplicaFeatures.plain(tuning).withBackups(this).withConnection(this).withRenames(this);
    }

    /**
     * Asks the pass to create and finish {@code n} directories at once, on helper threads, as a remote tree does
     * (a local one: 1, on the pass thread).
     */
    public MemoryTree directoryChangesAtOnce(int n) {
        ReplicaFeatures.Tuning local = ReplicaFeatures.Tuning.local(4);
        features = featuresTuned(new ReplicaFeatures.Tuning(local.concurrentWrites(), local.concurrentReads(), n,
                local.timeGrain(), local.reportPrefix()));
        return this;
    }

    /**
     * Asks the pass to let its comparisons whose hashes are still under way trail behind the walk, as a remote tree
     * does (a local one: no).
     */
    public MemoryTree comparisonsTrailing() {
        features = featuresTuned(ReplicaFeatures.Tuning.local(4).withComparisonsTrailing());
        return this;
    }

    /**
     * Offers hashes asked ahead, as a remote tree that hashes on its server does: each answered on a thread of its
     * own, and every third with none (the pass then hashes that file with {@link #md5}).
     */
    public MemoryTree hashesAhead() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        features = features.withHashesAhead((file, size) -> java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            if (asked.incrementAndGet() % 3 == 0) {
                return null;
            }
            try {
                return md5(file, new Md5(new dirsync.fs.Progress()), Cancellation.NEVER);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
        return this;
    }

    /**
     * Offers hashes asked ahead that are never answered, as a server busy with a long batch; {@code asked} is set
     * once the first is asked.
     */
    public MemoryTree hashesAheadNeverAnswered(java.util.concurrent.atomic.AtomicBoolean asked) {
        features = features.withHashesAhead((file, size) -> {
            asked.set(true);
            return new java.util.concurrent.CompletableFuture<>();
        });
        return this;
    }

    /**
     * One change of the tree held back until another begins, a minute at most (a pass that waits for the held one
     * before it begins the other would otherwise never end); {@code released} tells which ended the wait.
     */
    private record Gate(String held, String until, java.util.concurrent.CountDownLatch reached,
                        java.util.concurrent.atomic.AtomicBoolean released) {

        static Gate of(String held, String until) {
            return new Gate(held, until, new java.util.concurrent.CountDownLatch(1),
                    new java.util.concurrent.atomic.AtomicBoolean());
        }

        /** The change of {@code path} begins: the held one goes on, if it waits for this one. */
        void reached(String path) {
            if (until.equals(path)) {
                reached.countDown();
            }
        }

        /** Waits, if the change of {@code path} is the one held, for the one it waits for. */
        void waitIfHeld(String path) throws java.io.InterruptedIOException {
            if (!held.equals(path)) {
                return;
            }
            try {
                released.set(reached.await(1, java.util.concurrent.TimeUnit.MINUTES));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("held change of " + path);
            }
        }
    }

    private volatile Gate heldHash;
    private volatile Gate heldDeletion;

    /** The hash of {@code file} waits until the pass begins installing {@code until} (see {@link Gate}). */
    public MemoryTree holdHashUntilInstalled(String file, String until) {
        heldHash = Gate.of(file, until);
        return this;
    }

    /** Whether the hash held by {@link #holdHashUntilInstalled} was let go by the install it waited for. */
    public boolean heldHashReleasedByInstall() {
        return heldHash.released().get();
    }

    /** The deletion of the file {@code file} waits until the pass begins deleting {@code until} (see {@link Gate}). */
    public MemoryTree holdDeletionUntilDeleted(String file, String until) {
        heldDeletion = Gate.of(file, until);
        return this;
    }

    /** Whether the deletion held by {@link #holdDeletionUntilDeleted} was let go by the one it waited for. */
    public boolean heldDeletionReleased() {
        return heldDeletion.released().get();
    }

    /** From now on beginPass cannot connect (false) or can again (true). */
    public MemoryTree reachable(boolean on) {
        reachable = on;
        return this;
    }

    /** The next {@code times} installs of the file at {@code path} fail as on a full disk (ENOSPC). */
    public MemoryTree noSpaceFor(String path, int times) {
        fullFor.put(path, times);
        return this;
    }

    /** The connection is lost when the pass tries to install its {@code n+1}-th file. */
    public MemoryTree loseConnectionAfterInstalls(int n) {
        installsBeforeLoss.set(n);
        return this;
    }

    @Override
    public void beginPass() throws IOException {
        if (!reachable) {
            throw new java.net.ConnectException("Connection refused");
        }
        lost = null;
    }

    @Override
    public java.util.Optional<IOException> broken() {
        return java.util.Optional.ofNullable(lost);
    }

    private void connected() throws IOException {
        IOException cause = lost;
        if (cause != null) {
            throw new IOException("connection lost", cause);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The reading half

    @Override
    public Listing list(RelPath dir) throws IOException {
        connected();
        synchronized (lock) {
            Dir directory = directory(dir);
            List<Entry> entries = new ArrayList<>(directory.children.size());
            directory.children.forEach((name, node) -> entries.add(node.entry(name)));
            return new Listing(entries, List.of());
        }
    }

    @Override
    public Entry examine(RelPath path) throws IOException {
        connected();
        synchronized (lock) {
            return find(path).entry(path.isRoot() ? Name.ROOT : path.name());
        }
    }

    @Override
    public SeekableByteChannel open(RelPath file) throws IOException {
        byte[] content;
        synchronized (lock) {
            Node node = find(file);
            if (node instanceof Link) {
                throw new FileSystemException(where(file), null, "is a symbolic link, which is never followed");
            }
            if (node instanceof Dir) {
                throw new FileSystemException(where(file), null, "Is a directory");
            }
            content = ((FileNode) node).content;
        }
        return new ContentChannel(content);
    }

    @Override
    public boolean unchanged(RelPath path, Entry listed) throws IOException {
        return examine(path).equals(listed);
    }

    @Override
    public byte[] md5(RelPath file, Md5 digest, Cancellation cancellation) throws IOException {
        Gate gate = heldHash;
        if (gate != null) {
            gate.waitIfHeld(file.toString());
        }
        return digest.read(this, file, cancellation);
    }

    /** None: this tree keeps no extended attributes. */
    @Override
    public java.util.SortedMap<String, byte[]> extendedAttributes(RelPath path) {
        return java.util.Collections.emptySortedMap();
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public ReplicaFeatures features() {
        return features;
    }

    @Override
    public boolean carries(Entry source, Entry current) {
        return source.sameAttributes(current);
    }

    @Override
    public String describe() {
        return "memory:";
    }

    // ---------------------------------------------------------------------------------------------------------
    // The changes

    @Override
    public Entry prepareRoot() throws IOException {
        synchronized (lock) {
            if (root == null) {
                root = new Dir(DIRECTORY_MODE, now());
            }
            return root.entry(Name.ROOT);
        }
    }

    @Override
    public Installed installFile(SourceTree source, RelPath path, Entry expected, byte[] expectedMd5, Work work)
            throws IOException {
        connected();
        Gate gate = heldHash;
        if (gate != null) {
            gate.reached(path.toString());
        }
        if (fullFor.computeIfPresent(path.toString(), (full, left) -> left - 1) != null
                && fullFor.get(path.toString()) >= 0) {
            throw new dirsync.fs.OutOfSpaceException(path.toString(), null, "no room left in memory"); // a type, no words
        }
        if (installsBeforeLoss.getAndDecrement() == 0) {
            lost = new java.net.SocketException("Connection reset by peer");
            connected();
        }
        // The same checks as a local replica's atomic install, the source read outside the lock.
        Entry before = source.examine(path);
        if (!before.is(EntryKind.FILE) || before.size() != expected.size()
                || !before.modified().equals(expected.modified())) {
            throw new SourceChangedException("source changed since it was listed");
        }
        byte[] copy;
        try (SeekableByteChannel in = source.open(path)) {
            copy = readAll(in, expected.size(), work);
        }
        if (!sameState(source.examine(path), before) || copy.length != before.size()) {
            throw new SourceChangedException("source changed while it was copied");
        }
        if (expectedMd5 != null
                && !Arrays.equals(work.md5().of(new ContentChannel(copy), work.cancellation()), expectedMd5)) {
            throw new SourceChangedException("copy does not match the source's MD5");
        }
        synchronized (lock) {
            Dir parent = parentOf(path);
            requireWritable(parent, path);
            replaceNonDirectory(parent, path, new FileNode(copy, expected.permissions(), expected.modified()));
        }
        return new Installed(copy.length, before, null); // no identities here: nothing for the hash memory
    }

    /** What a local replica's copy as read does: at most the size the source has as it begins, whatever it does. */
    @Override
    public AsRead installFileAsRead(SourceTree source, RelPath path, Entry expected, Work work) throws IOException {
        connected();
        Entry before = SourceChangedException.requireRegularFile(source, path);
        byte[] copy;
        try (SeekableByteChannel in = source.open(path)) {
            copy = readAll(in, before.size(), work);
        }
        copy = Arrays.copyOf(copy, (int) Math.min(copy.length, before.size()));
        boolean changed = !sameState(source.examine(path), before) || copy.length != before.size();
        synchronized (lock) {
            Dir parent = parentOf(path);
            requireWritable(parent, path);
            replaceNonDirectory(parent, path, new FileNode(copy, expected.permissions(), expected.modified()));
        }
        return new AsRead(copy.length, changed);
    }

    /** Size, time and identity: what tells a file's content apart without reading it. */
    private static boolean sameState(Entry now, Entry before) {
        return now.is(EntryKind.FILE) && now.size() == before.size() && now.modified().equals(before.modified())
                && now.identity().equals(before.identity());
    }

    private static byte[] readAll(SeekableByteChannel in, long expectedSize, Work work) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(expectedSize, 16), 1 << 20));
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        while (true) {
            work.cancellation().check();
            buffer.clear();
            int read = in.read(buffer);
            if (read < 0) {
                return out.toByteArray();
            }
            out.write(buffer.array(), 0, read);
            work.progress().copied(read);
        }
    }

    @Override
    public void installSymlink(RelPath path, Entry expected) throws IOException {
        if (!expected.is(EntryKind.SYMLINK)) {
            throw new IllegalArgumentException("not a symbolic link: " + expected);
        }
        synchronized (lock) {
            Dir parent = parentOf(path);
            requireWritable(parent, path);
            replaceNonDirectory(parent, path, new Link(expected.linkTarget(), expected.modified()));
        }
    }

    /** Puts {@code node} at {@code path} in one step, in place of whatever non-directory is there. */
    private static void replaceNonDirectory(Dir parent, RelPath path, Node node) throws IOException {
        if (parent.children.get(path.name()) instanceof Dir) {
            throw new FileSystemException(where(path), null, "Is a directory");
        }
        parent.children.put(path.name(), node);
        parent.touch();
    }

    @Override
    public Entry.Identity createDirectory(RelPath path) throws IOException {
        synchronized (lock) {
            if (path.isRoot()) {
                if (root != null) {
                    throw new FileAlreadyExistsException(where(path));
                }
                root = new Dir(DIRECTORY_MODE, now());
                return Entry.Identity.UNKNOWN;
            }
            Dir parent = parentOf(path);
            if (parent.children.containsKey(path.name())) {
                throw new FileAlreadyExistsException(where(path));
            }
            requireWritable(parent, path);
            parent.children.put(path.name(), new Dir(DIRECTORY_MODE, now()));
            parent.touch();
            return Entry.Identity.UNKNOWN;
        }
    }

    @Override
    public void setAttributes(RelPath path, Entry source) throws IOException {
        synchronized (lock) {
            Node node = find(path);
            if (node instanceof Link) {
                throw new FileSystemException(where(path), null, "a symbolic link has no permissions to set");
            }
            node.permissions = Set.copyOf(source.permissions());
            node.modified = source.modified();
        }
    }

    @Override
    public void ensureWritable(RelPath dir, Entry current) throws IOException {
        synchronized (lock) {
            Dir directory = directory(dir);
            Set<PosixFilePermission> writable = new HashSet<>(directory.permissions);
            writable.add(PosixFilePermission.OWNER_WRITE);
            writable.add(PosixFilePermission.OWNER_EXECUTE);
            directory.permissions = Set.copyOf(writable);
        }
    }

    @Override
    public void rename(RelPath from, RelPath to) throws IOException {
        synchronized (lock) {
            Node node = find(from);
            Dir target = parentOf(to);
            if (target.children.containsKey(to.name())) {
                throw new FileAlreadyExistsException(where(to));
            }
            Dir source = parentOf(from);
            requireWritable(source, from);
            requireWritable(target, to);
            source.children.remove(from.name());
            target.children.put(to.name(), node);
            source.touch();
            target.touch();
        }
    }

    @Override
    public void delete(RelPath path) throws IOException {
        Gate gate = heldDeletion;
        if (gate != null) {
            gate.reached(path.toString());
            gate.waitIfHeld(path.toString());
        }
        synchronized (lock) {
            if (find(path) instanceof Dir) {
                throw new FileSystemException(where(path), null, "Is a directory: delete removes none");
            }
            Dir parent = parentOf(path);
            requireWritable(parent, path);
            parent.children.remove(path.name());
            parent.touch();
        }
    }

    @Override
    public TreeDeletion deleteTree(RelPath path, Cancellation cancellation) {
        synchronized (lock) {
            long[] counts = new long[2]; // non-directories, directories
            try {
                Node node;
                try {
                    node = find(path);
                } catch (NoSuchFileException gone) {
                    return new TreeDeletion(0, 0, List.of());
                }
                if (path.isRoot()) {
                    throw new FileSystemException(where(path), null, "the root is never deleted");
                }
                Dir parent = parentOf(path);
                requireWritable(parent, path);
                if (cancellation.isRequested()) {
                    return new TreeDeletion(0, 0, List.of());
                }
                if (node instanceof Dir dir) {
                    if (!emptyBottomUp(dir, cancellation, counts) || cancellation.isRequested()) {
                        return new TreeDeletion(counts[0], counts[1], List.of());
                    }
                    counts[1]++;
                } else {
                    counts[0]++;
                }
                parent.children.remove(path.name());
                parent.touch();
                return new TreeDeletion(counts[0], counts[1], List.of());
            } catch (IOException e) {
                return new TreeDeletion(counts[0], counts[1], List.of(new TreeDeletion.Failure(path, e)));
            }
        }
    }

    /** Removes everything inside {@code dir}, deepest first; false if a stop request ended it early. */
    private static boolean emptyBottomUp(Dir dir, Cancellation cancellation, long[] counts) {
        Iterator<Node> children = dir.children.values().iterator();
        while (children.hasNext()) {
            if (cancellation.isRequested()) {
                return false;
            }
            Node child = children.next();
            if (child instanceof Dir sub) {
                if (!emptyBottomUp(sub, cancellation, counts)) {
                    return false;
                }
                counts[1]++;
            } else {
                counts[0]++;
            }
            children.remove();
            dir.touch();
        }
        return true;
    }

    @Override
    public long countTree(RelPath path, Cancellation cancellation) {
        synchronized (lock) {
            try {
                return count(find(path), cancellation);
            } catch (IOException unreadable) {
                return 1;
            }
        }
    }

    private static long count(Node node, Cancellation cancellation) {
        if (!(node instanceof Dir dir)) {
            return 1;
        }
        cancellation.check();
        long total = 1;
        for (Node child : dir.children.values()) {
            total += count(child, cancellation);
        }
        return total;
    }

    @Override
    public void moveToBackup(RelPath path, Backup backup, Cancellation cancellation) throws IOException {
        synchronized (lock) {
            Node node = find(path);
            if (path.isRoot()) {
                throw new FileSystemException(where(path), null, "the root is never moved");
            }
            Dir parent = parentOf(path);
            requireWritable(parent, path);
            putInBackup(backupKey(backup, path), node);
            parent.children.remove(path.name());
            parent.touch();
        }
    }

    @Override
    public void keepInBackup(RelPath path, Backup backup) throws IOException {
        synchronized (lock) {
            Node node = find(path);
            if (node instanceof Dir) {
                throw new FileSystemException(where(path), null, "only files and links are kept before a replacement");
            }
            String key = backupKey(backup, path);
            if (backups.containsKey(key)) {
                throw new FileAlreadyExistsException(key); // as a local tree's link or copy into the backup refuses
            }
            putInBackup(key, node.copy());
        }
    }

    /** Like a rename into the backup: replaces a non-directory there, never a directory. */
    private void putInBackup(String key, Node node) throws IOException {
        if (backups.get(key) instanceof Dir) {
            throw new FileAlreadyExistsException(key);
        }
        backups.put(key, node);
    }

    private static String backupKey(Backup backup, RelPath path) {
        String dir = backup.passDirectory().toString();
        return path.isRoot() ? dir : dir + "/" + path;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Finding entries (callers hold the lock)

    private Node find(RelPath path) throws IOException {
        if (root == null) {
            throw new NoSuchFileException(where(path));
        }
        Node at = root;
        for (Name name : path.names()) {
            if (!(at instanceof Dir dir)) {
                throw new FileSystemException(where(path), null, "Not a directory");
            }
            at = dir.children.get(name);
            if (at == null) {
                throw new NoSuchFileException(where(path));
            }
        }
        return at;
    }

    private Dir directory(RelPath path) throws IOException {
        if (find(path) instanceof Dir dir) {
            return dir;
        }
        throw new NotDirectoryException(where(path));
    }

    /** The directory that holds {@code path} (NoSuchFileException if it does not exist). */
    private Dir parentOf(RelPath path) throws IOException {
        if (path.isRoot()) {
            throw new FileSystemException(where(path), null, "the root has no parent here");
        }
        return directory(path.parent());
    }

    /** A directory's entries change only with its owner's write permission, as for any user but root. */
    private static void requireWritable(Dir parent, RelPath path) throws IOException {
        if (!parent.permissions.contains(PosixFilePermission.OWNER_WRITE)) {
            throw new AccessDeniedException(where(path), null, "its directory is not writable");
        }
    }

    private static String where(RelPath path) {
        return "memory:" + path;
    }

    private static FileTime now() {
        return FileTime.from(Instant.now());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Test conveniences: no permission checks, parents made as needed, times moved as a file system moves them

    /** Writes a file (its parents created as needed): a new one rw-r--r--, an existing one keeps its mode. */
    public MemoryTree file(String path, String content) {
        return file(RelPath.of(path), content.getBytes(StandardCharsets.UTF_8));
    }

    public MemoryTree file(String path, byte[] content) {
        return file(RelPath.of(path), content);
    }

    /** As {@link #file(String, String)} for any path, such as one whose names are not UTF-8. */
    public MemoryTree file(RelPath path, byte[] content) {
        synchronized (lock) {
            Dir parent = makeDirectories(parentOfConvenience(path));
            Node existing = parent.children.get(path.name());
            if (existing instanceof Dir || existing instanceof Link) {
                throw new IllegalStateException(where(path) + " exists and is not a regular file");
            }
            Set<PosixFilePermission> mode = existing == null ? FILE_MODE : existing.permissions;
            parent.children.put(path.name(), new FileNode(content.clone(), mode, now()));
            if (existing == null) {
                parent.touch();
            }
        }
        return this;
    }

    /** Creates a directory and its parents, rwxr-xr-x each. */
    public MemoryTree dir(String path) {
        return dir(RelPath.of(path));
    }

    public MemoryTree dir(RelPath path) {
        synchronized (lock) {
            makeDirectories(path);
        }
        return this;
    }

    /** Creates a symbolic link holding {@code target} (its parents created as needed). */
    public MemoryTree link(String path, String target) {
        return link(RelPath.of(path), LinkTarget.of(target));
    }

    public MemoryTree link(RelPath path, LinkTarget target) {
        synchronized (lock) {
            Dir parent = makeDirectories(parentOfConvenience(path));
            if (parent.children.containsKey(path.name())) {
                throw new IllegalStateException(where(path) + " exists");
            }
            parent.children.put(path.name(), new Link(target, now()));
            parent.touch();
        }
        return this;
    }

    /** Sets an entry's own modification time ("." for the root). */
    public MemoryTree mtime(String path, Instant time) {
        return mtime(RelPath.of(path), time);
    }

    public MemoryTree mtime(RelPath path, Instant time) {
        synchronized (lock) {
            existing(path).modified = FileTime.from(time);
        }
        return this;
    }

    /** Sets the permissions of a file or directory, e.g. "rwxr-x---" ("." for the root). */
    public MemoryTree mode(String path, String permissions) {
        return mode(RelPath.of(path), permissions);
    }

    public MemoryTree mode(RelPath path, String permissions) {
        synchronized (lock) {
            Node node = existing(path);
            if (node instanceof Link) {
                throw new IllegalArgumentException(where(path) + " is a symbolic link");
            }
            node.permissions = Set.copyOf(PosixFilePermissions.fromString(permissions));
        }
        return this;
    }

    /**
     * Every entry (the root as ".") described in one line exactly as {@link Trees#describe} describes an entry on
     * disk, keyed by its path as {@link Trees#snapshot} keys it; empty if the root does not exist.
     */
    public Map<String, String> snapshot() {
        synchronized (lock) {
            Map<String, String> entries = new TreeMap<>();
            if (root != null) {
                entries.put(".", root.describe());
                root.children.forEach((name, node) -> describeTree(entries, name.text(), node));
            }
            return entries;
        }
    }

    /**
     * What passes put in backups, each entry (and everything inside a directory moved there) described as in
     * {@link #snapshot()}, keyed by {@code <Backup.passDirectory()>/<path>}.
     */
    public Map<String, String> backups() {
        synchronized (lock) {
            Map<String, String> entries = new TreeMap<>();
            backups.forEach((key, node) -> describeTree(entries, key, node));
            return entries;
        }
    }

    private static void describeTree(Map<String, String> entries, String key, Node node) {
        entries.put(key, node.describe());
        if (node instanceof Dir dir) {
            dir.children.forEach((name, child) -> describeTree(entries, key + "/" + name.text(), child));
        }
    }

    private static RelPath parentOfConvenience(RelPath path) {
        if (path.isRoot()) {
            throw new IllegalArgumentException("the root is a directory");
        }
        return path.parent();
    }

    private Node existing(RelPath path) {
        try {
            return find(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory {@code path}, created with any missing parent (the root too). */
    private Dir makeDirectories(RelPath path) {
        if (root == null) {
            root = new Dir(DIRECTORY_MODE, now());
        }
        Dir at = root;
        for (Name name : path.names()) {
            Node child = at.children.get(name);
            if (child == null) {
                Dir created = new Dir(DIRECTORY_MODE, now());
                at.children.put(name, created);
                at.touch();
                at = created;
            } else if (child instanceof Dir dir) {
                at = dir;
            } else {
                throw new IllegalStateException(where(path) + ": " + name + " exists and is not a directory");
            }
        }
        return at;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The tree's nodes

    private abstract static class Node {
        Set<PosixFilePermission> permissions;
        FileTime modified;

        Node(Set<PosixFilePermission> permissions, FileTime modified) {
            this.permissions = Set.copyOf(permissions);
            this.modified = modified;
        }

        /** The entry as {@code list} and {@code examine} report it (identity unknown). */
        abstract Entry entry(Name name);

        /** A copy as independent as a hard link's absence requires (content arrays are never changed). */
        abstract Node copy();

        /** One line, in the form of {@link Trees#describe}. */
        abstract String describe();

        String mode() {
            return PosixFilePermissions.toString(permissions);
        }
    }

    private static final class Dir extends Node {
        final TreeMap<Name, Node> children = new TreeMap<>();

        Dir(Set<PosixFilePermission> permissions, FileTime modified) {
            super(permissions, modified);
        }

        /** Its entries changed: as on a disk, its modification time moves. */
        void touch() {
            modified = now();
        }

        @Override
        Entry entry(Name name) {
            return Entry.directory(name, modified, permissions);
        }

        @Override
        Node copy() {
            Dir copy = new Dir(permissions, modified);
            children.forEach((name, child) -> copy.children.put(name, child.copy()));
            return copy;
        }

        @Override
        String describe() {
            return "directory " + mode() + " mtime=" + modified;
        }
    }

    private static final class FileNode extends Node {
        final byte[] content;

        FileNode(byte[] content, Set<PosixFilePermission> permissions, FileTime modified) {
            super(permissions, modified);
            this.content = content;
        }

        @Override
        Entry entry(Name name) {
            return Entry.file(name, content.length, modified, permissions);
        }

        @Override
        Node copy() {
            return new FileNode(content, permissions, modified);
        }

        @Override
        String describe() {
            return "file " + mode() + " mtime=" + modified + " size=" + content.length + " md5=" + md5Hex(content);
        }

        private static String md5Hex(byte[] content) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final class Link extends Node {
        final LinkTarget target;

        Link(LinkTarget target, FileTime modified) {
            super(Set.of(), modified);
            this.target = target;
        }

        @Override
        Entry entry(Name name) {
            return Entry.symlink(name, target, modified);
        }

        @Override
        Node copy() {
            return new Link(target, modified);
        }

        @Override
        String describe() {
            return "symlink -> " + target;
        }
    }

    /** Reads a stored content array: a channel that cannot write. */
    private static final class ContentChannel implements SeekableByteChannel {
        private final byte[] content;
        private long position;
        private boolean open = true;

        ContentChannel(byte[] content) {
            this.content = content;
        }

        @Override
        public synchronized int read(ByteBuffer dst) throws IOException {
            ensureOpen();
            if (position >= content.length) {
                return -1;
            }
            int count = (int) Math.min(dst.remaining(), content.length - position);
            dst.put(content, (int) position, count);
            position += count;
            return count;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new NonWritableChannelException();
        }

        @Override
        public synchronized long position() throws IOException {
            ensureOpen();
            return position;
        }

        @Override
        public synchronized SeekableByteChannel position(long newPosition) throws IOException {
            ensureOpen();
            if (newPosition < 0) {
                throw new IllegalArgumentException("negative position: " + newPosition);
            }
            position = newPosition;
            return this;
        }

        @Override
        public synchronized long size() throws IOException {
            ensureOpen();
            return content.length;
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new NonWritableChannelException();
        }

        @Override
        public synchronized boolean isOpen() {
            return open;
        }

        @Override
        public synchronized void close() {
            open = false;
        }

        private void ensureOpen() throws IOException {
            if (!open) {
                throw new ClosedChannelException();
            }
        }
    }
}
