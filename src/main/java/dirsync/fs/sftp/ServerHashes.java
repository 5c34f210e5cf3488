package dirsync.fs.sftp;

import dirsync.fs.Cancellation;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.sftp.client.SftpClient;

/**
 * A connection's hashing on the server, for its {@link BatchedTree}: the {@link HashStream}, started at the first
 * hash where the server offers it, and what the loop's stat said of each file it hashed in this pass, kept until the
 * pass asks whether the file is still as listed (then no LSTAT is sent for it), or the pass changes the file.
 */
final class ServerHashes {

    /** Files whose state after hashing is kept at most (past that, the pass asks the server with an LSTAT). */
    static final int MOST_KEPT = 1 << 16;

    private final RemoteConnection connection;
    private final boolean offered;
    /** Wire paths (see {@link SftpNames#wire}) to what stat said once md5sum had read them. */
    private final Map<String, SftpClient.Attributes> after = new ConcurrentHashMap<>();
    private HashStream stream;
    /** The loop's start for hashes asked ahead, begun on a thread of its own at the first; null before. */
    private java.util.concurrent.CompletableFuture<HashStream> starting;

    /** @param offered whether the server runs the hashing loop (the probe's answer) */
    ServerHashes(RemoteConnection connection, boolean offered) {
        this.connection = connection;
        this.offered = offered;
    }

    /**
     * Takes {@code loop}, a command that runs the hashing loop already (the first find's, once its find is done), as
     * the connection's loop, unless one is running or starting; else ends it.
     */
    synchronized void adopt(RemoteCommand loop) {
        if (offered && stream == null && starting == null) {
            stream = HashStream.over(loop);
        } else {
            loop.close();
        }
    }

    /** The connection's loop, started now if it was not; null where the server offers none or it ended. */
    synchronized HashStream stream() {
        if (!offered) {
            return null;
        }
        if (stream == null) {
            try {
                stream = HashStream.start(connection);
            } catch (IOException refused) {
                return null;
            }
        }
        return stream.alive() ? stream : null;
    }

    /**
     * The MD5 of the file {@code key} (its wire path under the root) at {@code wirePath}, listed at {@code size}
     * bytes, asked of the loop without
     * waiting (see {@link HashStream#ask}): null where it gives none; what stat said after it is kept for
     * {@link #takeAfter}. The loop, if not running yet, is started on a thread of its own (a shell start on the
     * server), so that the caller does not wait for that either.
     */
    java.util.concurrent.CompletableFuture<byte[]> ahead(String key, String wirePath, long size) {
        return started().thenCompose(loop -> loop == null ? java.util.concurrent.CompletableFuture.completedFuture(null)
                : loop.ask(wirePath, size)).thenApply(hashed -> hashed == null ? null : kept(key, hashed));
    }

    private synchronized java.util.concurrent.CompletableFuture<HashStream> started() {
        if (starting == null) {
            java.util.concurrent.CompletableFuture<HashStream> start = new java.util.concurrent.CompletableFuture<>();
            Thread starter = new Thread(() -> start.complete(stream()), "dirsync-remote-md5-start");
            starter.setDaemon(true);
            starter.start();
            starting = start;
        }
        return starting;
    }

    private byte[] kept(String key, HashStream.Hashed hashed) {
        if (hashed.after() != null && after.size() < MOST_KEPT) {
            after.put(key, hashed.after());
        }
        return hashed.md5();
    }

    /**
     * The MD5 of the file {@code key} (its wire path under the root) at {@code wirePath} from {@code loop}, or null
     * where it gives none; what stat said after it is kept for {@link #takeAfter}.
     */
    byte[] md5(HashStream loop, String key, String wirePath, Cancellation cancellation) throws IOException {
        HashStream.Hashed hashed = loop.md5(wirePath, cancellation);
        return hashed == null ? null : kept(key, hashed);
    }

    /** What stat said of {@code key} right after it was hashed in this pass, once; null if nothing is kept. */
    SftpClient.Attributes takeAfter(String key) {
        return after.remove(key);
    }

    /** The pass changes {@code key} (with {@code subtree}, what is under it too): what was said of it is dropped. */
    void changing(String key, boolean subtree) {
        if (after.remove(key) == null && subtree && !after.isEmpty()) {
            after.keySet().removeIf(held -> held.startsWith(key + "/"));
        }
    }

    /** A pass begins: nothing said in the last one is kept. */
    void newPass() {
        after.clear();
    }

    /** Ends the loop (the connection is closing). */
    synchronized void close() {
        if (stream != null) {
            stream.close();
        }
    }
}
