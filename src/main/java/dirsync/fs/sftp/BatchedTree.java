package dirsync.fs.sftp;

import dirsync.fs.Cancellation;
import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.ForwardingReplicaTree;
import dirsync.fs.LinkTarget;
import dirsync.fs.Listing;
import dirsync.fs.Md5;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import dirsync.fs.ReplicaTree;
import dirsync.fs.SourceTree;
import dirsync.fs.TreeDeletion;
import dirsync.fs.Work;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.sshd.sftp.client.SftpClient;

/**
 * An {@link SftpTree} whose remote work is done in batches where the server lets us run commands (see
 * {@link ServerCommands}): the whole replica listed by one find at a pass's first listing of its root
 * ({@link RemoteFind}), each directory's listing then served from that snapshot once; and files hashed on the
 * server through one {@link HashStream} a connection, many per md5sum; a directory's own state, where this pass
 * has not changed it, is served from the snapshot too ({@link #examine}); and copies are made durable by one
 * {@code sync -f} for many ({@link GroupInstall}), through one {@link SyncLoop} a connection. Where a command is not
 * offered or fails, the SFTP tree does it as before: READDIR, a file read over SFTP, an fsync@openssh.com a file.
 * Hashes may be asked ahead, without waiting (its {@code hashesAhead} feature), so that the loop's batches take many
 * directories' files at once. The first pass of a connection lets go a find started with the connection
 * ({@link StartAhead}), its shell started meanwhile; later passes start their own.
 * <p>
 * The snapshot is as the replica was when the pass began listing it. The walk lists a directory before it acts in
 * it, and every change made here forgets the listings it makes stale (the parent's; for what replaces or removes
 * an entry, its own subtree's too), so a listing served always holds what this pass has done. Each pass takes its
 * own ({@link #newPass}).
 */
final class BatchedTree extends ForwardingReplicaTree {

    private static final java.util.Set<PosixFilePermission> OWNER_WRITES =
            java.util.EnumSet.of(PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private final SftpTree tree;
    private final RemoteConnection connection;
    private final ServerCommands commands;
    private final SftpNames names;
    private final String rootText;
    private final long treeId;
    private TreeSnapshot snapshot;
    private boolean listedRoot;
    private final ServerHashes hashes;
    /** The find a pass's listing of the root lets go, where one was started ahead; else empty. */
    private final Supplier<Optional<RemoteCommand>> firstFind;
    private final ReplicaFeatures features;
    /** The group commit where the server runs commands; else null. */
    private final GroupInstall group;

    BatchedTree(SftpTree tree, RemoteConnection connection, ServerCommands commands, String rootText,
                String description) {
        this(tree, connection, commands, rootText, description, Optional::empty);
    }

    /** The same, the first pass's find taken from {@code firstFind} where it was started ahead (see StartAhead). */
    BatchedTree(SftpTree tree, RemoteConnection connection, ServerCommands commands, String rootText,
                String description, Supplier<Optional<RemoteCommand>> firstFind) {
        this.firstFind = firstFind;
        this.tree = tree;
        this.connection = connection;
        this.commands = commands;
        this.names = new SftpNames(rootText);
        this.rootText = rootText;
        this.treeId = SftpEntries.treeId(description);
        this.hashes = new ServerHashes(connection, commands.hashStream());
        ReplicaFeatures own = tree.features().withRenames(new SftpRenaming(this::rename));
        if (commands.syncFs()) { // the server runs sync -f: files made durable in groups
            this.group = new GroupInstall(tree.installer(), new RemoteSync(connection::exec,
                    commands.hashStream() ? new SyncLoop(connection::start) : null)); // hashStream: head -c is GNU's
            own = own.withGroupCommit((source, path, expected, work) -> {
                changing(path, true);
                return this.group.installFileAside(source, path, expected, work);
            });
        } else {
            this.group = null;
        }
        this.features = commands.hashStream() ? own.withHashesAhead(this::md5Ahead) : own;
    }

    @Override
    protected ReplicaTree delegate() {
        return tree;
    }

    /** A pass begins: the last one's snapshot is dropped, and this one lists its tree afresh. */
    synchronized void newPass() {
        snapshot = null;
        hashes.newPass();
        listedRoot = false;
        Optional.ofNullable(group).ifPresent(GroupInstall::newPass);
    }

    /** The snapshot to serve {@code dir} from: made by find at the pass's first listing of the root. */
    private synchronized TreeSnapshot snapshotFor(RelPath dir) {
        if (dir.isRoot() && !listedRoot && commands.find()) {
            listedRoot = true;
            try {
                Optional<RemoteCommand> started = firstFind.get();
                RemoteFind.Found found = started.isPresent() ? RemoteFind.list(started.get(), RemoteFind.MAX_BYTES)
                        : RemoteFind.list(connection, rootText, RemoteFind.MAX_BYTES);
                found.hashLoop().ifPresent(hashes::adopt); // the first find's command goes on as the hashing loop
                snapshot = found.snapshot().orElse(null);
            } catch (IOException failed) {
                snapshot = null; // READDIR then, which tells what is wrong
            }
        }
        return snapshot;
    }

    @Override
    public Listing list(RelPath dir) throws IOException {
        TreeSnapshot held = snapshotFor(dir);
        Optional<List<TreeSnapshot.Raw>> listed = held == null ? Optional.empty() : held.take(key(dir));
        if (listed.isEmpty()) {
            return tree.list(dir);
        }
        List<Entry> entries = new ArrayList<>();
        for (TreeSnapshot.Raw raw : listed.get()) {
            Name name = Name.of(raw.name());
            entries.add(SftpEntries.entry(treeId, dir.resolve(name), name, raw.attributes(),
                    () -> LinkTarget.of(raw.linkTarget())));
        }
        entries.sort((a, b) -> a.name().compareTo(b.name()));
        return new Listing(entries, List.of());
    }

    /**
     * A directory this pass has changed nothing in or of since the snapshot was taken is answered from it (the
     * walk asks for each directory's state as it leaves it: one round trip each otherwise); anything else is asked.
     */
    @Override
    public Entry examine(RelPath path) throws IOException {
        Optional<TreeSnapshot.Raw> held = heldDirectory(path);
        if (held.isEmpty()) {
            return tree.examine(path);
        }
        TreeSnapshot.Raw raw = held.get();
        return SftpEntries.entry(treeId, path, path.name(), raw.attributes(), () -> LinkTarget.of(raw.linkTarget()));
    }

    private synchronized Optional<TreeSnapshot.Raw> heldDirectory(RelPath path) {
        return snapshot == null || path.isRoot() ? Optional.empty() : snapshot.takeDirectory(key(path));
    }

    /**
     * Hashed on the server through the hashing loop; read over SFTP where it gives no hash. md5sum follows a link:
     * the file is checked to be a regular one first, by this pass's find listing where it holds the file unchanged
     * (find does not follow links), else by an LSTAT. Either way a link swapped in before md5sum opens it is read.
     */
    @Override
    public byte[] md5(RelPath file, Md5 digest, Cancellation cancellation) throws IOException {
        HashStream loop = hashes.stream();
        if (loop != null) {
            if (!listedFile(file) && !tree.examine(file).is(EntryKind.FILE)) {
                throw new IOException("not a regular file: " + file);
            }
            byte[] hash = hashes.md5(loop, key(file), names.path(file), cancellation);
            if (hash != null) {
                return hash;
            }
        }
        return tree.md5(file, digest, cancellation);
    }

    /** Asked of the hashing loop without waiting where the find listed the regular file; null for others (md5). */
    private CompletableFuture<byte[]> md5Ahead(RelPath file, long size) {
        return listedFile(file) ? hashes.ahead(key(file), names.path(file), size)
                : CompletableFuture.completedFuture(null);
    }

    /**
     * Whether {@code path} is still as {@code listed}: by what the hashing loop's stat said right after md5sum had
     * read it, where it hashed it (no round trip), else examined again.
     */
    @Override
    public boolean unchanged(RelPath path, Entry listed) throws IOException {
        SftpClient.Attributes after = hashes.takeAfter(key(path));
        if (after == null) {
            return tree.unchanged(path, listed);
        }
        return SftpEntries.entry(treeId, path, path.name(), after, () -> LinkTarget.of(new byte[0])).equals(listed);
    }

    private synchronized boolean listedFile(RelPath file) {
        return snapshot != null && snapshot.listedFile(key(file));
    }

    /** Closes the hashing and sync loops (the connection is closing). */
    void close() {
        hashes.close();
        Optional.ofNullable(group).ifPresent(GroupInstall::close);
    }

    private static String key(RelPath path) {
        return path.isRoot() ? "" : SftpNames.wire(path.bytes());
    }

    /** This pass changes {@code path}: the listings that would no longer hold are forgotten. */
    private synchronized void changing(RelPath path, boolean subtree) {
        if (path.isRoot()) {
            return;
        }
        if (snapshot != null) {
            snapshot.changed(key(path), subtree);
        }
        hashes.changing(key(path), subtree);
    }

    @Override
    public Installed installFile(SourceTree source, RelPath path, Entry expected, byte[] expectedMd5, Work work)
            throws IOException {
        changing(path, true);
        return tree.installFile(source, path, expected, expectedMd5, work);
    }

    @Override
    public AsRead installFileAsRead(SourceTree source, RelPath path, Entry expected, Work work) throws IOException {
        changing(path, true);
        return tree.installFileAsRead(source, path, expected, work);
    }

    @Override
    public void installSymlink(RelPath path, Entry expected) throws IOException {
        changing(path, true);
        tree.installSymlink(path, expected);
    }

    @Override
    public Entry.Identity createDirectory(RelPath path) throws IOException {
        changing(path, true);
        return tree.createDirectory(path);
    }

    @Override
    public void setAttributes(RelPath path, Entry source) throws IOException {
        changing(path, false);
        tree.setAttributes(path, source);
    }

    @Override
    public void ensureWritable(RelPath dir, Entry current) throws IOException {
        // The walk asks this of every directory it may change entries in; one the owner can write and enter
        // already is left as it is (RemoteAttributes sends nothing), so its listed state still holds.
        if (!current.permissions().containsAll(OWNER_WRITES)) {
            changing(dir, false);
        }
        tree.ensureWritable(dir, current);
    }

    /** The tree's features, its renames keeping the listings of what they moved under the new name. */
    @Override
    public ReplicaFeatures features() {
        return features;
    }

    private void rename(RelPath from, RelPath to) throws IOException {
        changing(from, false); // both parents' listings
        changing(to, false);
        try {
            tree.features().renames().orElseThrow().rename(from, to);
        } catch (IOException | RuntimeException failed) {
            changing(from, true); // done or not: neither name's listings hold for certain
            changing(to, true);
            throw failed;
        }
        renamed(from, to);
    }

    /** A rename moved {@code from}'s subtree whole: its listings are served under {@code to} (see TreeSnapshot). */
    private synchronized void renamed(RelPath from, RelPath to) {
        if (snapshot != null) {
            snapshot.renamed(key(from), key(to));
        }
    }

    @Override
    public void delete(RelPath path) throws IOException {
        changing(path, true);
        tree.delete(path);
    }

    @Override
    public TreeDeletion deleteTree(RelPath path, Cancellation cancellation) {
        changing(path, true);
        return tree.deleteTree(path, cancellation);
    }
}
