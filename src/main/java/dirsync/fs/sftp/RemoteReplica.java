package dirsync.fs.sftp;

import dirsync.fs.Backup;
import dirsync.fs.Cancellation;
import dirsync.fs.Capabilities;
import dirsync.fs.Entry;
import dirsync.fs.Listing;
import dirsync.fs.Md5;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaTree;
import dirsync.fs.SourceTree;
import dirsync.fs.TreeDeletion;
import dirsync.fs.Work;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

/**
 * A replica on another host, as a pass sees it: an {@link SftpTree} over a connection that this tree makes when
 * a pass begins and makes again when the last one was lost (a dropped connection, a restarted server), holding
 * the replica's {@link RemoteLock} all along. A connection lost mid-pass makes it {@link #broken()}, which ends
 * that pass early; the next pass reconnects.
 */
public final class RemoteReplica implements ReplicaTree {

    /** What a run learns when a connection is made: for its log, once per connection. */
    public interface Listener {
        void connected(Connection connection, boolean first);
    }

    /** The current connection and what the server offers on it. */
    public record Connection(RemoteConnection remote, SftpTree tree, boolean serverHashing) {
    }

    /**
     * SFTP channels per connection, and files written at once over them. Measured on loopback writing 50,000
     * small files: 1 channel and 4 writers 46.9 s; 6 and 16: 25.2 s; 8 and 32: 26-30 s (the kernel's fsyncs then
     * take the CPU). Over a real network, with round trips of milliseconds, the writers matter more.
     */
    static final int CHANNELS = 6;
    static final int WRITERS = 16;

    private final SftpLocation where;
    private final Connecting connecting;
    private final Listener listener;
    private volatile Connection current;
    private boolean connectedBefore;

    /** How connections and the lock are made: the connector and, unless a dry run, the lock's terms. */
    public interface Connecting {
        RemoteConnection connect() throws IOException;

        /** Takes or renews the lock over {@code client}; a dry run takes none. */
        void lock(org.apache.sshd.sftp.client.SftpClient client) throws IOException;
    }

    public RemoteReplica(SftpLocation where, Connecting connecting, Listener listener) {
        this.where = where;
        this.connecting = connecting;
        this.listener = listener;
    }

    /** Connects now (the start of a run does, to refuse a bad host key or a held lock at once). */
    public synchronized Connection connect() throws IOException {
        Connection live = current;
        if (live != null && live.remote().isOpen()) {
            return live;
        }
        if (live != null) {
            live.remote().close();
            current = null;
        }
        RemoteConnection remote = connecting.connect();
        try {
            connecting.lock(remote.sftp());
            Optional<RemoteMd5> md5 = RemoteMd5.detect((command, timeout) -> {
                ExecResult result = remote.exec(command, new byte[0], timeout);
                if (result.exitStatus() != 0) {
                    throw new IOException("exit " + result.exitStatus() + ": " + result.stderr().strip());
                }
                return result.stdout();
            });
            SftpTree tree = SftpTree.over(remote.sftpChannels(CHANNELS), where.pathText(), where.toString(), md5,
                    remote::lost);
            Connection made = new Connection(remote, tree, md5.isPresent());
            current = made;
            listener.connected(made, !connectedBefore);
            connectedBefore = true;
            return made;
        } catch (IOException | RuntimeException e) {
            remote.close();
            throw e;
        }
    }

    @Override
    public int concurrentWrites() {
        return WRITERS;
    }

    /** As many files hashed at once as written: each read waits on round trips, not on a core. */
    @Override
    public int concurrentReads() {
        return WRITERS;
    }

    @Override
    public void beginPass() throws IOException {
        connect();
    }

    /**
     * Present once the session or an SFTP channel has closed, or a request failed without an answer (see
     * {@link RemoteConnection#lost}): in both cases before the failures this caused reach the pass.
     */
    @Override
    public Optional<IOException> broken() {
        Connection live = current;
        if (live == null) {
            return Optional.empty();
        }
        return live.remote().whyLost().map(why -> new IOException("the connection to " + live.remote().describe()
                + " was lost: " + why));
    }

    /** The tree of the current connection; a call between passes without one connects. */
    private SftpTree tree() throws IOException {
        Connection live = current;
        return live != null ? live.tree() : connect().tree();
    }

    /** The SFTP client of the current connection, if it is open (for renewing the lock between passes). */
    public Optional<org.apache.sshd.sftp.client.SftpClient> currentClient() {
        Connection live = current;
        return live != null && live.remote().isOpen() ? Optional.of(live.remote().sftp()) : Optional.empty();
    }

    /** Closes the connection (the lock is the caller's to release first). */
    public synchronized void disconnect() {
        Connection live = current;
        current = null;
        if (live != null) {
            live.remote().close();
        }
    }

    @Override
    public Listing list(RelPath dir) throws IOException {
        return tree().list(dir);
    }

    @Override
    public Entry examine(RelPath path) throws IOException {
        return tree().examine(path);
    }

    @Override
    public SeekableByteChannel open(RelPath file) throws IOException {
        return tree().open(file);
    }

    @Override
    public byte[] md5(RelPath file, Md5 digest, Cancellation cancellation) throws IOException {
        return tree().md5(file, digest, cancellation);
    }

    /** What an SFTP tree offers; before the first connection, what any OpenSSH server does. */
    @Override
    public Capabilities capabilities() {
        Connection live = current;
        return live != null ? live.tree().capabilities() : new Capabilities(true, true, true, false, true, true);
    }

    @Override
    public String describe() {
        return where.toString();
    }

    @Override
    public Entry prepareRoot() throws IOException {
        return tree().prepareRoot();
    }

    @Override
    public long installFile(SourceTree source, RelPath path, Entry expected, byte[] expectedMd5, Work work)
            throws IOException {
        return tree().installFile(source, path, expected, expectedMd5, work);
    }

    @Override
    public AsRead installFileAsRead(SourceTree source, RelPath path, Entry expected, Work work) throws IOException {
        return tree().installFileAsRead(source, path, expected, work);
    }

    @Override
    public void installSymlink(RelPath path, Entry expected) throws IOException {
        tree().installSymlink(path, expected);
    }

    @Override
    public void createDirectory(RelPath path) throws IOException {
        tree().createDirectory(path);
    }

    @Override
    public void setAttributes(RelPath path, Entry source) throws IOException {
        tree().setAttributes(path, source);
    }

    @Override
    public boolean carries(Entry source, Entry current) {
        Connection live = this.current;
        return live != null ? live.tree().carries(source, current) : source.sameAttributes(current);
    }

    @Override
    public boolean sameModificationTime(FileTime source, FileTime replica) {
        return SftpEntries.sameSecond(source, replica);
    }

    @Override
    public void ensureWritable(RelPath dir, Entry current) throws IOException {
        tree().ensureWritable(dir, current);
    }

    @Override
    public void delete(RelPath path) throws IOException {
        tree().delete(path);
    }

    @Override
    public TreeDeletion deleteTree(RelPath path, Cancellation cancellation) {
        try {
            return tree().deleteTree(path, cancellation);
        } catch (IOException unreachable) {
            return new TreeDeletion(0, 0, java.util.List.of(new TreeDeletion.Failure(path, unreachable)));
        }
    }

    @Override
    public long countTree(RelPath path, Cancellation cancellation) {
        try {
            return tree().countTree(path, cancellation);
        } catch (IOException unreachable) {
            return 1;
        }
    }

    @Override
    public void moveToBackup(RelPath path, Backup backup, Cancellation cancellation) throws IOException {
        tree().moveToBackup(path, backup, cancellation);
    }

    @Override
    public void keepInBackup(RelPath path, Backup backup) throws IOException {
        tree().keepInBackup(path, backup);
    }
}
