package dirsync.fs.sftp;

import dirsync.fs.Cancellation;
import dirsync.fs.Capabilities;
import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Listing;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import dirsync.fs.ReplicaTree;
import dirsync.fs.SourceTree;
import dirsync.fs.TreeDeletion;
import dirsync.fs.Work;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.function.Consumer;
import org.apache.sshd.sftp.client.FullAccessSftpClient;
import org.apache.sshd.sftp.client.SftpClient;

/**
 * A replica under an absolute directory on an SFTP server, through MINA's {@link SftpClient} (not its NIO
 * provider, whose move is not atomic, whose force does nothing and which reads attributes one round trip per
 * entry). It is handed an open client: connecting, authenticating and reconnecting are the caller's business.
 * <p>
 * What it carries: content, permissions (the nine bits) and modification times in whole seconds, which is all
 * SFTP v3 holds; links with their exact target. Not carried: owners and groups, setuid/setgid/sticky, extended
 * attributes, hard links (each name is copied), sub-second times. Files have an identity made of their path,
 * size and modification time (there is no inode or change time over SFTP): see {@link SftpEntries} for what
 * the verified-hash memory then trusts. Of the {@link ReplicaFeatures} it offers renames (SFTP's plain RENAME,
 * which never replaces what the new name holds), and no hard links, backups or extended attributes.
 * <p>
 * Names are bytes (see {@link SftpNames}): this tree sets the client's name charset to ISO-8859-1.
 */
public final class SftpTree implements ReplicaTree {

    private final SftpNames names;
    private final Channels channels;
    private final Capabilities capabilities;
    private final RemoteInstall install;
    private final RemoteDeleter deleter;
    private final String description;
    /** The "device" of this tree's file identities (see {@link SftpEntries}). */
    private final long treeId;

    /** md5sum on the server, if it has one that works; else files are read over SFTP to hash them. */
    private final java.util.Optional<RemoteMd5> serverMd5;

    /** Renames; times in whole seconds (all SFTP v3 carries), for comparisons by time alone. */
    private final ReplicaFeatures features;

    private SftpTree(List<FullAccessSftpClient> clients, String root, String description,
                     java.util.Optional<RemoteMd5> serverMd5, Consumer<IOException> lost) {
        this.serverMd5 = serverMd5;
        List<RemoteCalls> calls = new ArrayList<>();
        for (FullAccessSftpClient client : clients) {
            client.setNameDecodingCharset(StandardCharsets.ISO_8859_1);
            calls.add(new RemoteCalls(client, lost));
        }
        this.channels = new Channels(calls);
        this.names = new SftpNames(root);
        this.capabilities = new Capabilities(true, true, channels.first().offers(RemoteCalls.POSIX_RENAME), true,
                channels.first().offers(RemoteCalls.FSYNC));
        this.treeId = SftpEntries.treeId(description);
        this.install = new RemoteInstall(channels, names, treeId);
        this.deleter = new RemoteDeleter(channels, names);
        this.features = ReplicaFeatures.plain(ReplicaFeatures.Tuning.local(4).withTimeGrain(SftpEntries::sameSecond))
                .withRenames(new SftpRenaming((from, to) -> calls().rename(names.path(from), names.path(to))));
        this.description = description;
    }

    /** This thread's SFTP channel. */
    private RemoteCalls calls() {
        return channels.get();
    }

    /**
     * The tree under {@code root} (an absolute path on the server, as text) over an open client.
     *
     * @param description how log lines name the replica, e.g. {@code sftp://backup@host/srv/mirror}
     */
    public static SftpTree over(SftpClient client, String root, String description) {
        return over(List.of(client), root, description, java.util.Optional.empty(), failure -> { });
    }

    /**
     * The same over several SFTP channels of one connection, each thread of a pass keeping to one (see
     * {@link Channels}), hashing large files on the server with {@code serverMd5} if present (see
     * {@link RemoteMd5#detect}), and telling {@code lost} of every request that failed without an answer from the
     * server (the connection is gone) before that failure is thrown.
     */
    public static SftpTree over(List<SftpClient> clients, String root, String description,
                                java.util.Optional<RemoteMd5> serverMd5, Consumer<IOException> lost) {
        List<FullAccessSftpClient> full = new ArrayList<>();
        for (SftpClient client : clients) {
            if (!(client instanceof FullAccessSftpClient raw)) {
                throw new IllegalArgumentException("an SftpTree needs a client that sends raw requests (MINA's"
                        + " DefaultSftpClient), not " + client.getClass().getName());
            }
            full.add(raw);
        }
        return new SftpTree(full, root, description, serverMd5, lost);
    }

    /** Whether files are hashed on the server (md5sum) rather than read over SFTP. */
    public boolean hashesOnServer() {
        return serverMd5.isPresent();
    }

    @Override
    public Listing list(RelPath dir) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<Listing.Problem> problems = new ArrayList<>();
        for (SftpClient.DirEntry child : calls().readDir(names.path(dir))) {
            Name name = SftpNames.name(child.getFilename());
            RelPath path = dir.resolve(name);
            try {
                entries.add(SftpEntries.entry(treeId, path, name, child.getAttributes(), () -> target(path)));
            } catch (NoSuchFileException vanished) {
                // A link gone between READDIR and READLINK: not part of this listing.
            } catch (IOException e) {
                entries.add(Entry.unreadable(name));
                problems.add(new Listing.Problem(name, e));
            }
        }
        entries.sort((a, b) -> a.name().compareTo(b.name()));
        return new Listing(entries, problems);
    }

    private dirsync.fs.LinkTarget target(RelPath link) throws IOException {
        return SftpNames.target(calls().readLink(names.path(link)));
    }

    @Override
    public Entry examine(RelPath path) throws IOException {
        SftpClient.Attributes attributes = calls().lstat(names.path(path));
        return SftpEntries.entry(treeId, path, path.isRoot() ? Name.ROOT : path.name(), attributes,
                () -> target(path));
    }

    /**
     * Opens a remote file for reading. SFTP's OPEN follows links, so the entry is examined first and a link is
     * refused; a swap in the round trip between the two is not detectable over SFTP.
     */
    @Override
    public SeekableByteChannel open(RelPath file) throws IOException {
        String path = names.path(file);
        SftpClient.Attributes attributes = calls().lstat(path);
        if (!attributes.isRegularFile()) {
            throw new IOException("not a regular file: " + file);
        }
        return new RemoteReadChannel(calls().read(path), attributes.getSize(), calls(), path);
    }

    /**
     * A file this large or larger is hashed on the server: a command costs about as much as reading a few
     * megabytes over the connection (a channel, a process; measured on loopback: ~90 ms), a read costs its bytes.
     */
    static final long HASH_ON_SERVER_FROM = 16L << 20;

    /** Large files on the server with md5sum where it has one (they do not cross the network), the rest read. */
    @Override
    public byte[] md5(RelPath file, dirsync.fs.Md5 digest, dirsync.fs.Cancellation cancellation) throws IOException {
        if (serverMd5.isPresent()) {
            String path = names.path(file);
            SftpClient.Attributes attributes = calls().lstat(path);
            if (!attributes.isRegularFile()) {
                throw new IOException("not a regular file: " + file);
            }
            byte[] hash = attributes.getSize() >= HASH_ON_SERVER_FROM ? serverMd5.get().md5(path) : null;
            if (hash != null) {
                return hash;
            }
        }
        return digest.read(this, file, cancellation);
    }

    /** Examined again: SFTP has no cheaper check. */
    @Override
    public boolean unchanged(RelPath path, Entry listed) throws IOException {
        return examine(path).equals(listed);
    }

    /** None: SFTP v3 carries no extended attributes. */
    @Override
    public SortedMap<String, byte[]> extendedAttributes(RelPath path) {
        return Collections.emptySortedMap();
    }

    @Override
    public ReplicaFeatures features() {
        return features;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public String describe() {
        return description;
    }

    /** Creates the root with its missing parents (mkdir -p); refuses a root that is not a directory (or is a link). */
    @Override
    public Entry prepareRoot() throws IOException {
        String root = names.path(RelPath.ROOT);
        try {
            calls().lstat(root);
        } catch (NoSuchFileException missing) {
            calls().makeDirectories(root);
        }
        Entry entry = examine(RelPath.ROOT);
        if (!entry.is(EntryKind.DIRECTORY)) {
            throw new IOException("not a directory: " + names.rootText());
        }
        return entry;
    }

    @Override
    public Installed installFile(SourceTree source, RelPath path, Entry expected, byte[] expectedMd5, Work work)
            throws IOException {
        return install.file(source, path, expected, expectedMd5, work);
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
    public void createDirectory(RelPath path) throws IOException {
        calls().mkdir(names.creating(path));
    }

    /**
     * A file's or directory's mode and time in one SETSTAT (lsetstat where offered); a link's time only (Linux keeps
     * no mode on a link). The entry is examined first: a server whose lsetstat follows links (MINA's own does on
     * JDK 25) must not get a mode for what a link points to.
     */
    @Override
    public void setAttributes(RelPath path, Entry source) throws IOException {
        String wire = names.path(path);
        boolean link = source.is(EntryKind.SYMLINK);
        if (!link && calls().lstat(wire).isSymbolicLink()) {
            throw new IOException("not setting attributes through a symbolic link: " + path);
        }
        calls().setAttributes(wire, link ? -1 : SftpEntries.mode(source.permissions()),
                SftpEntries.seconds(source.modified()));
    }

    /**
     * Times compare at whole seconds, as SFTP v3 carries them, so that the pass after a copy sees nothing to do. A
     * link's own time is carried only where the server offers lsetstat@openssh.com; elsewhere it is not compared.
     */
    @Override
    public boolean carries(Entry source, Entry current) {
        if (source.is(EntryKind.SYMLINK)) {
            return !calls().offers(RemoteCalls.LSETSTAT)
                    || SftpEntries.sameSecond(source.modified(), current.modified());
        }
        return source.permissions().equals(current.permissions())
                && SftpEntries.sameSecond(source.modified(), current.modified());
    }

    @Override
    public void ensureWritable(RelPath dir, Entry current) throws IOException {
        int mode = SftpEntries.mode(current.permissions());
        if ((mode & 0300) != 0300) {
            calls().setAttributes(names.path(dir), mode | 0300, -1);
        }
    }

    @Override
    public void delete(RelPath path) throws IOException {
        calls().remove(names.path(path));
    }

    @Override
    public TreeDeletion deleteTree(RelPath path, Cancellation cancellation) {
        return deleter.deleteTree(path, cancellation);
    }

    @Override
    public long countTree(RelPath path, Cancellation cancellation) {
        return deleter.countTree(path, cancellation);
    }
}
