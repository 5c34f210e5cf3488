package dirsync.fs.local;

import dirsync.fs.Backup;
import dirsync.fs.Cancellation;
import dirsync.fs.Capabilities;
import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
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
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;

/**
 * A tree under a directory of any {@link java.nio.file.FileSystem} provider: the platform's own file system in
 * production, jimfs in tests. The core's {@link RelPath}s become the provider's paths here and only here. Every
 * attribute read is one read without following links; with the provider's "unix" view it also yields the
 * identity (device, inode, change time) the verified-hash memory trusts. Its {@link ReplicaFeatures}: hard links,
 * backups, files made durable together (by one shared sync where the platform allows), and extended attributes
 * where they are asked for.
 */
public final class LocalTree implements ReplicaTree, ReplicaFeatures.HardLinking, ReplicaFeatures.BackupKeeping,
        ReplicaFeatures.GroupCommit, ReplicaFeatures.ExtendedAttributeCarrying, ReplicaFeatures.Renaming {

    static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path root;
    private final LocalPaths paths;
    private final EntryReader reader;
    private final Capabilities capabilities;
    private final AttributeWriter attributes;
    private final boolean extendedAttributes;
    private final ReplicaFeatures features;
    private final AtomicInstall install;
    private final TreeDeleter deleter;
    private final BackupMover backups;

    private LocalTree(Path root, Ownership ownership, boolean extendedAttributes, Durability durability) {
        this.root = root;
        this.paths = new LocalPaths(root);
        this.extendedAttributes = extendedAttributes;
        FileSystem fs = root.getFileSystem();
        Set<String> views = fs.supportedFileAttributeViews();
        // Only the platform's "unix" view has the type in the mode and a ctime every write moves: identities.
        boolean unixView = fs == FileSystems.getDefault() && views.contains("unix");
        this.reader = new EntryReader(paths, unixView);
        boolean posix = views.contains("posix");
        this.capabilities = new Capabilities(true, posix, true, unixView, true);
        this.attributes = new AttributeWriter(ownership, unixView, posix);
        this.install = new AtomicInstall(paths, reader, attributes, extendedAttributes, durability);
        this.deleter = new TreeDeleter(paths, posix);
        this.backups = new BackupMover(deleter);
        // As many writers as the way files reach the disk (its Durability) makes best use of.
        ReplicaFeatures offered = ReplicaFeatures.plain(ReplicaFeatures.Tuning.local(install.filesAtOnce()))
                .withHardLinks(this).withBackups(this).withGroupCommit(this).withRenames(this);
        this.features = extendedAttributes ? offered.withExtendedAttributes(this) : offered;
    }

    /** The tree under {@code root} (which need not exist yet, for a replica), carrying what cp -a carries. */
    public static LocalTree at(Path root) {
        return at(root, Ownership.ofThisProcess(true, true), true);
    }

    /**
     * The tree under {@code root}, carrying owners and groups as {@code ownership} allows, and the {@code user.*}
     * extended attributes if {@code extendedAttributes}.
     */
    public static LocalTree at(Path root, Ownership ownership, boolean extendedAttributes) {
        boolean platform = root.getFileSystem() == FileSystems.getDefault();
        return new LocalTree(root, ownership, extendedAttributes,
                platform ? GroupSync.forThisSystem() : Durability.EACH_FILE);
    }

    /** The provider's path of {@code rel}. */
    private Path path(RelPath rel) {
        return paths.of(rel);
    }

    /** Where this tree's entries are on its provider, for a watch over its directories. */
    LocalPaths paths() {
        return paths;
    }

    @Override
    public Listing list(RelPath dir) throws IOException {
        return reader.list(dir);
    }

    @Override
    public Entry examine(RelPath rel) throws IOException {
        return reader.examine(path(rel), rel.isRoot() ? Name.ROOT : rel.name());
    }

    @Override
    public boolean unchanged(RelPath rel, Entry listed) throws IOException {
        return reader.unchanged(path(rel), listed);
    }

    @Override
    public SeekableByteChannel open(RelPath file) throws IOException {
        return FileChannel.open(path(file), StandardOpenOption.READ, NOFOLLOW);
    }

    @Override
    public byte[] md5(RelPath file, Md5 digest, Cancellation cancellation) throws IOException {
        return digest.read(this, file, cancellation);
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public String describe() {
        return root.toString();
    }

    @Override
    public ReplicaFeatures features() {
        return features;
    }

    @Override
    public Entry prepareRoot() throws IOException {
        if (!Files.exists(root, NOFOLLOW)) {
            Files.createDirectories(root);
        }
        Entry entry = examine(RelPath.ROOT);
        if (!entry.is(EntryKind.DIRECTORY)) {
            throw new IOException("not a directory");
        }
        return entry;
    }

    @Override
    public Installed installFile(SourceTree source, RelPath path, Entry expected, byte[] expectedMd5, Work work)
            throws IOException {
        return install.file(source, path, expected, expectedMd5, work);
    }

    @Override
    public CompletableFuture<Installed> installFileAside(SourceTree source, RelPath path, Entry expected,
                                                         Work work) throws IOException {
        return install.fileAside(source, path, expected, null, work);
    }

    @Override
    public AsRead installFileAsRead(SourceTree source, RelPath path, Entry expected, Work work) throws IOException {
        return install.fileAsRead(source, path, expected, work);
    }

    @Override
    public void installSymlink(RelPath path, Entry expected) throws IOException {
        install.symlink(path, expected);
    }

    @Override
    public void installHardLink(RelPath path, RelPath existing) throws IOException {
        install.hardLink(path, existing);
    }

    /**
     * One rename(2) within the tree (ATOMIC_MOVE: never a copy, which a mount point inside the tree would otherwise
     * bring). rename(2) would replace a file or an empty directory at {@code to}, so an entry there is refused first;
     * the replica is this program's alone, and the pass has just listed {@code to} as missing.
     */
    @Override
    public void rename(RelPath from, RelPath to) throws IOException {
        Path target = path(to);
        if (Files.exists(target, NOFOLLOW)) {
            throw new FileAlreadyExistsException(to.toString());
        }
        Files.move(path(from), target, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public Entry.Identity createDirectory(RelPath path) throws IOException {
        Files.createDirectory(path(path));
        return examine(path).identity();
    }

    @Override
    public void setAttributes(RelPath rel, Entry source) throws IOException {
        attributes.set(path(rel), source);
    }

    @Override
    public boolean carries(Entry source, Entry current) {
        return attributes.carried(source, current);
    }

    @Override
    public SortedMap<String, byte[]> extendedAttributes(RelPath path) throws IOException {
        return ExtendedAttributes.read(path(path), describe());
    }

    @Override
    public boolean carryExtendedAttributes(SourceTree source, RelPath path) throws IOException {
        return extendedAttributes && ExtendedAttributes.write(path(path), source.extendedAttributes(path), describe());
    }

    @Override
    public void ensureWritable(RelPath dir, Entry current) throws IOException {
        Set<PosixFilePermission> writable = AttributeWriter.ownerWritable(current.permissions());
        if (writable != null && capabilities.posixModes()) {
            Files.getFileAttributeView(path(dir), PosixFileAttributeView.class, NOFOLLOW).setPermissions(writable);
        }
    }

    @Override
    public void delete(RelPath path) throws IOException {
        Files.delete(path(path));
    }

    @Override
    public TreeDeletion deleteTree(RelPath path, Cancellation cancellation) {
        return deleter.deleteTree(path(path), path, cancellation);
    }

    @Override
    public long countTree(RelPath path, Cancellation cancellation) {
        return deleter.countTree(path(path), cancellation);
    }

    @Override
    public void moveToBackup(RelPath path, Backup backup, Cancellation cancellation) throws IOException {
        backups.move(path(path), path, backupPath(backup, path), cancellation);
    }

    @Override
    public void keepInBackup(RelPath path, Backup backup) throws IOException {
        backups.keep(path(path), backupPath(backup, path));
    }

    /** The entry's place under the pass's backup directory (which is on the platform's file system). */
    private Path backupPath(Backup backup, RelPath path) {
        return paths.under(backup.passDirectory(), path);
    }
}
