package dirsync.fs.sftp;

import dirsync.fs.Capabilities;
import dirsync.fs.Entry;
import dirsync.fs.ForwardingReplicaTree;
import dirsync.fs.ReplicaFeatures;
import dirsync.fs.ReplicaTree;
import dirsync.fs.RelPath;
import dirsync.fs.SourceTree;
import dirsync.fs.Work;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A replica on another host, as a pass sees it: an {@link SftpTree} over a connection that this tree makes when
 * a pass begins and makes again when the last one was lost (a dropped connection, a restarted server), holding
 * the replica's {@link RemoteLock} all along: a {@link ReplicaFeatures.PassConnection}. A connection lost mid-pass
 * makes it {@link #broken()}, which ends that pass early; the next pass reconnects. Every other call goes to the
 * current connection's tree.
 */
public final class RemoteReplica extends ForwardingReplicaTree implements ReplicaFeatures.PassConnection {

    /** What a run learns when a connection is made: for its log, once per connection. */
    public interface Listener {
        void connected(Connection connection, boolean first);
    }

    /**
     * The current connection and what the server offers on it: the SFTP tree, the commands it lets us run, and
     * whether (without those) md5sum hashes large files; {@code batched} is the tree a pass works on.
     */
    public record Connection(RemoteConnection remote, SftpTree tree, boolean serverHashing, ServerCommands commands,
                             BatchedTree batched) {
        /** One line for the log: how the replica is listed, its files hashed, copies made durable, links made. */
        public String offers() {
            return commands.describe(serverHashing, tree.capabilities().durableWrites())
                    + (tree.features().hardLinks().isPresent() ? ", hard links made with hardlink@openssh.com"
                    : ", no hard links (no hardlink@openssh.com: each name of a file is a copy of its own)");
        }

        /** Whether a copy can be made durable before it takes its name: by fsync@openssh.com, or by sync -f. */
        public boolean durableWrites() {
            return tree.capabilities().durableWrites() || commands.syncFs();
        }
    }

    /**
     * SFTP channels per connection, and files written at once over them. Measured on loopback writing 50,000
     * small files: 1 channel and 4 writers 46.9 s; 6 and 16: 25.2 s; 8 and 32: 26-30 s (the kernel's fsyncs then
     * take the CPU). Over a real network, with round trips of milliseconds, the writers matter more: a copy costs
     * two round trips (the OPEN, then the rest on one train), so 16 writers at 20 ms copy at most 400 files a second.
     * remote.sh's first copy at 20 ms / 100 Mbit (2,000 files, 2026-12-07, a quiet machine, one run each, with
     * {@link #DIRECTORY_CHANGES} at 16): 16 writers a pass of 7.9 s, 64 writers 5.4 s (the walk's own round trips, a
     * directory's creation, are then what it waits on).
     */
    static final int CHANNELS = 6;
    static final int WRITERS = 64;
    /**
     * Directories created at once, and given their attributes at once (each an LSTAT and a SETSTAT: two round trips, or
     * three): the first copy above took a pass of 9.9 s with one (on the pass thread), 5.4 s with 16 finishing.
     */
    static final int DIRECTORY_CHANGES = 16;
    /**
     * Files hashed at once: each waits on the server, not on a core, and the hashing loop's batches are what is
     * asked at once (see {@link HashStream}). A no-change --once, no hash memory, 2,000 files of 1-16 KiB over
     * loopback on a loaded 2-core machine: 34.7 s with 16, 8.8-9.2 s with 64, 7.0 s with 128 (reading them over
     * SFTP: 6.2-7.5 s). Each hashing thread holds a 1 MiB buffer once it has hashed a file of its own side, so not
     * more. Whole seconds.
     */
    static final int READERS = 64;
    private static final ReplicaFeatures.Tuning TUNING =
            new ReplicaFeatures.Tuning(WRITERS, READERS, DIRECTORY_CHANGES, SftpEntries::sameSecond, "")
                    .withComparisonsTrailing();

    private final SftpLocation where;
    private final Connecting connecting;
    private final Listener listener;
    private final ReplicaFeatures features;
    /** What of the source's owners each connection's tree carries. */
    private final OwnersCarried owners;
    private volatile Connection current;
    private boolean connectedBefore;

    /** How connections and the lock are made: the connector and, unless a dry run, the lock's terms. */
    public interface Connecting {
        /** A new connection, let through by the run's checks; it may have {@code startAhead} what it needs. */
        RemoteConnection connect() throws IOException;

        /** Takes or renews the lock over {@code client}; a dry run takes none. */
        void lock(org.apache.sshd.sftp.client.SftpClient client) throws IOException;
    }

    public RemoteReplica(SftpLocation where, Connecting connecting, Listener listener) {
        this(where, connecting, listener, OwnersCarried.BOTH);
    }

    /** The same, carrying only {@code owners} of the source's owners ({@code --no-owner}, {@code --no-group}). */
    public RemoteReplica(SftpLocation where, Connecting connecting, Listener listener, OwnersCarried owners) {
        this.where = where;
        this.owners = owners;
        this.connecting = connecting;
        this.listener = listener;
        this.features = ReplicaFeatures.plain(TUNING).withConnection(this)
                .withRenames(new SftpRenaming(
                        (from, to) -> delegate().features().renames().orElseThrow().rename(from, to)))
                .withGroupCommit(this::installAside)
                .withHashesAhead(this::md5Ahead);
    }

    /** A hash asked ahead of the current connection's tree, where it offers that; else null at once (see md5). */
    private CompletableFuture<byte[]> md5Ahead(RelPath file, long size) {
        Connection live = current;
        Optional<ReplicaFeatures.HashingAhead> ahead = live == null ? Optional.empty()
                : live.batched().features().hashesAhead();
        return ahead.isPresent() ? ahead.get().md5Ahead(file, size) : CompletableFuture.completedFuture(null);
    }

    /** A copy in the current connection's group commit, where it has one; else installed alone at once. */
    private CompletableFuture<Installed> installAside(SourceTree source, RelPath path, Entry expected, Work work)
            throws IOException {
        ReplicaTree tree = delegate();
        Optional<ReplicaFeatures.GroupCommit> group = tree.features().groupCommit();
        if (group.isPresent()) {
            return group.get().installFileAside(source, path, expected, work);
        }
        return CompletableFuture.completedFuture(tree.installFile(source, path, expected, null, work));
    }

    /** Connects now (the start of a run does, to refuse a bad host key or a held lock at once). */
    public synchronized Connection connect() throws IOException {
        Connection live = current;
        if (live != null && live.remote().isOpen()) {
            return live;
        }
        if (live != null) {
            live.batched().close();
            live.remote().close();
            current = null;
        }
        RemoteConnection remote = connecting.connect();
        try {
            // Begun already where the run started it as it connected, before its same-host check.
            StartAhead ahead = remote.startAhead(where.pathText());
            connecting.lock(remote.sftp());
            ServerCommands commands = ahead.commands();
            // md5sum a file, from 16 MiB, only where the hashing loop cannot run.
            Optional<RemoteMd5> md5 = commands.hashStream() ? Optional.empty()
                    : RemoteMd5.detect((command, timeout) -> {
                        ExecResult result = remote.exec(command, new byte[0], timeout);
                        if (result.exitStatus() != 0) {
                            throw new IOException("exit " + result.exitStatus() + ": " + result.stderr().strip());
                        }
                        return result.stdout();
                    });
            SftpTree tree = SftpTree.over(ahead.channels(), where.pathText(), where.toString(), md5, remote::lost,
                    owners);
            Connection made = new Connection(remote, tree, md5.isPresent(), commands,
                    new BatchedTree(tree, remote, commands, where.pathText(), where.toString(), ahead::takeFind));
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
    public ReplicaFeatures features() {
        return features;
    }

    @Override
    public void beginPass() throws IOException {
        connect().batched().newPass();
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

    /** The SFTP client of the current connection, if it is open (for renewing the lock between passes). */
    public Optional<org.apache.sshd.sftp.client.SftpClient> currentClient() {
        Connection live = current;
        try {
            return live != null && live.remote().isOpen() ? Optional.of(live.remote().sftp()) : Optional.empty();
        } catch (IOException neverOpened) {
            return Optional.empty();
        }
    }

    /** Closes the connection (the lock is the caller's to release first). */
    public synchronized void disconnect() {
        Connection live = current;
        current = null;
        if (live != null) {
            live.batched().close();
            live.remote().close();
        }
    }

    /** The tree of the current connection; a call between passes without one connects. */
    @Override
    protected ReplicaTree delegate() throws IOException {
        Connection live = current;
        return live != null ? live.batched() : connect().batched();
    }

    /** What an SFTP tree offers; before the first connection, what any OpenSSH server does. */
    @Override
    public Capabilities capabilities() {
        Connection live = current;
        return live != null ? live.tree().capabilities() : new Capabilities(true, true, true, true, true);
    }

    @Override
    public String describe() {
        return where.toString();
    }

    @Override
    public boolean carries(Entry source, Entry current) {
        Connection live = this.current;
        return live != null ? live.tree().carries(source, current) : source.sameAttributes(current);
    }
}
