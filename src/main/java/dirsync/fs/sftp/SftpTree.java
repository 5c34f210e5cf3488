package dirsync.fs.sftp;

import dirsync.fs.Cancellation;
import dirsync.fs.Capabilities;
import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Listing;
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
 * What it carries: content, permissions and modification times in whole seconds (all SFTP v3 holds); links with
 * their exact target; owners, groups and setuid/setgid/sticky as {@link RemoteOwnership} lets the session. Not
 * carried: extended attributes, sub-second times. Files have an identity made of their path, size and modification
 * time (there is no inode or change time over SFTP): see {@link SftpEntries} for what the verified-hash memory then
 * trusts. Of the {@link ReplicaFeatures} it offers renames (SFTP's plain RENAME, which never replaces what the new
 * name holds) and, where the server offers hardlink@openssh.com, hard links ({@link RemoteHardLinks}); no backups or
 * extended attributes.
 * <p>
 * Names are bytes (see {@link SftpNames}): this tree sets the client's name charset to ISO-8859-1, and creates a name
 * that is not UTF-8 where {@link NameBytesProbe} finds that the server keeps bytes.
 */
public final class SftpTree implements ReplicaTree {

    private final SftpNames names;
    private final Channels channels;
    private final Capabilities capabilities;
    private final RemoteInstall install;
    private final RemoteDeleter deleter;
    private final RemoteReads reads;
    private final RemoteAttributes attributes;
    private final String description;
    /** The "device" of this tree's file identities (see {@link SftpEntries}). */
    private final long treeId;

    /** Renames; times in whole seconds (all SFTP v3 carries), for comparisons by time alone. */
    private final ReplicaFeatures features;

    private SftpTree(List<FullAccessSftpClient> clients, String root, String description,
                     java.util.Optional<RemoteMd5> serverMd5, Consumer<IOException> lost, OwnersCarried owners) {
        List<RemoteCalls> calls = new ArrayList<>();
        for (FullAccessSftpClient client : clients) {
            client.setNameDecodingCharset(StandardCharsets.ISO_8859_1);
            calls.add(new RemoteCalls(client, lost));
        }
        this.channels = new Channels(calls);
        this.names = new SftpNames(root, new NameBytesProbe(channels, new SftpNames(root).path(RelPath.ROOT)));
        this.capabilities = new Capabilities(true, true, channels.first().offers(RemoteCalls.POSIX_RENAME), true,
                channels.first().offers(RemoteCalls.FSYNC));
        this.treeId = SftpEntries.treeId(description);
        this.attributes = new RemoteAttributes(channels, names, openSsh(clients.get(0)), owners);
        this.install = new RemoteInstall(channels, names, treeId, attributes);
        this.deleter = new RemoteDeleter(channels, names);
        this.reads = new RemoteReads(channels, names, treeId, serverMd5);
        ReplicaFeatures offered = ReplicaFeatures.plain(
                ReplicaFeatures.Tuning.local(4).withTimeGrain(SftpEntries::sameSecond))
                .withRenames(new SftpRenaming((from, to) -> calls().rename(names.path(from), names.path(to))));
        this.features = RemoteHardLinks.offered(channels.first())
                ? offered.withHardLinks(new RemoteHardLinks(channels, names,
                        WireTimes.of(openSsh(clients.get(0))))) : offered;
        this.description = description;
    }

    /**
     * Whether the server is OpenSSH's (its version string), whose sftp-server gives chmod {@code mode & 07777}: the
     * special bits are carried there only.
     */
    private static boolean openSsh(SftpClient client) {
        String version = client.getClientSession() == null ? null : client.getClientSession().getServerVersion();
        return version != null && version.startsWith("SSH-2.0-OpenSSH_");
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
        return over(client, root, description, OwnersCarried.BOTH);
    }

    /** The same, carrying only {@code owners} of the source's owners. */
    public static SftpTree over(SftpClient client, String root, String description, OwnersCarried owners) {
        return over(List.of(client), root, description, java.util.Optional.empty(), failure -> { }, owners);
    }

    /**
     * The same over several SFTP channels of one connection, each thread of a pass keeping to one (see
     * {@link Channels}), hashing large files on the server with {@code serverMd5} if present (see
     * {@link RemoteMd5#detect}), and telling {@code lost} of every request that failed without an answer from the
     * server (the connection is gone) before that failure is thrown, and carrying {@code owners} of the source's
     * owners where the session may.
     */
    public static SftpTree over(List<SftpClient> clients, String root, String description,
                                java.util.Optional<RemoteMd5> serverMd5, Consumer<IOException> lost,
                                OwnersCarried owners) {
        List<FullAccessSftpClient> full = new ArrayList<>();
        for (SftpClient client : clients) {
            if (!(client instanceof FullAccessSftpClient raw)) {
                throw new IllegalArgumentException("an SftpTree needs a client that sends raw requests (MINA's"
                        + " DefaultSftpClient), not " + client.getClass().getName());
            }
            full.add(raw);
        }
        return new SftpTree(full, root, description, serverMd5, lost, owners);
    }

    /** How files are put on the server: for a group commit, which writes them aside and renames them later. */
    RemoteInstall installer() {
        return install;
    }

    /** Whether files are hashed on the server (md5sum) rather than read over SFTP. */
    public boolean hashesOnServer() {
        return reads.hashesOnServer();
    }

    @Override
    public Listing list(RelPath dir) throws IOException {
        return reads.list(dir);
    }

    @Override
    public Entry examine(RelPath path) throws IOException {
        return reads.examine(path);
    }

    @Override
    public SeekableByteChannel open(RelPath file) throws IOException {
        return reads.open(file);
    }

    @Override
    public byte[] md5(RelPath file, dirsync.fs.Md5 digest, dirsync.fs.Cancellation cancellation) throws IOException {
        return reads.md5(this, file, digest, cancellation);
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
        Entry entry;
        try {
            entry = examine(RelPath.ROOT); // one round trip where it is there, as on every run but the first
        } catch (NoSuchFileException missing) {
            calls().makeDirectories(names.path(RelPath.ROOT));
            entry = examine(RelPath.ROOT);
        }
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
    public Entry.Identity createDirectory(RelPath path) throws IOException {
        calls().mkdir(names.creating(path));
        return Entry.Identity.UNKNOWN; // SFTP shows no inode: nothing to ask the server
    }

    @Override
    public void setAttributes(RelPath path, Entry source) throws IOException {
        attributes.set(path, source);
    }

    @Override
    public boolean carries(Entry source, Entry current) {
        return attributes.carries(source, current);
    }

    @Override
    public void ensureWritable(RelPath dir, Entry current) throws IOException {
        attributes.ensureWritable(dir, current);
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
