package dirsync.fs.sftp;

import dirsync.fs.Work;
import dirsync.fs.sftp.SftpErrors.Doing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.sftp.client.FullAccessSftpClient;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * Writes a stream to an open remote file with several WRITE requests in flight, so that a file costs about one
 * round trip plus its bytes, not one round trip per chunk. Each reply is checked; the first failure ends the
 * write (the caller then removes the file), after the replies still due have been collected.
 */
final class PipelinedWrite {

    /** Bytes per WRITE: well under OpenSSH's limit of 256 KiB per request. */
    static final int CHUNK = 64 << 10;
    /** Requests in flight: 1 MiB, within MINA's default channel window of 2 MiB. */
    static final int IN_FLIGHT = 16;

    private final RemoteCalls calls;
    private final FullAccessSftpClient client;
    private final SftpClient.Handle handle;
    private final String path;
    private final Deque<Integer> pending = new ArrayDeque<>();

    PipelinedWrite(RemoteCalls calls, SftpClient.Handle handle, String path) {
        this.calls = calls;
        this.client = calls.client();
        this.handle = handle;
        this.path = path;
    }

    /**
     * Copies {@code in} into the file, from offset 0, to its end or to {@code limit} bytes, whichever comes first;
     * returns the bytes written. {@code digest}, if not null, sees every byte written.
     */
    long from(ReadableByteChannel in, long limit, MessageDigest digest, Work work) throws IOException {
        byte[] identifier = handle.getIdentifier();
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        long offset = 0;
        boolean done = false;
        try {
            while (true) {
                work.cancellation().check();
                chunk.clear().limit((int) Math.min(CHUNK, limit - offset));
                while (chunk.hasRemaining() && in.read(chunk) >= 0) {
                    // fill the chunk: a short read is not the end
                }
                int length = chunk.position();
                if (length == 0) {
                    break;
                }
                if (digest != null) {
                    digest.update(chunk.array(), 0, length);
                }
                Buffer request = RemoteCalls.request(identifier.length + length + 16);
                request.putBytes(identifier);
                request.putLong(offset);
                request.putBytes(chunk.array(), 0, length);
                pending.addLast(send(request));
                offset += length;
                work.progress().copied(length);
                if (pending.size() >= IN_FLIGHT) {
                    awaitOldest();
                }
            }
            while (!pending.isEmpty()) {
                awaitOldest();
            }
            done = true;
            return offset;
        } finally {
            if (!done) {
                forgetPending();
            }
        }
    }

    private int send(Buffer request) throws IOException {
        try {
            return client.send(SftpConstants.SSH_FXP_WRITE, request);
        } catch (IOException e) {
            throw calls.failed(e, path, Doing.WRITING);
        }
    }

    private void awaitOldest() throws IOException {
        int id = pending.removeFirst();
        try {
            RemoteCalls.checkStatus(SftpConstants.SSH_FXP_WRITE, client.receive(id));
        } catch (IOException e) {
            throw calls.failed(e, path, Doing.WRITING);
        }
    }

    /** Collects the replies still due after a failure, so the client keeps none of them; their status no longer matters. */
    private void forgetPending() {
        for (Integer id : pending) {
            if (!client.isOpen()) {
                return; // no reply comes on a closed channel: waiting for one would only take the time out
            }
            try {
                client.receive(id, Duration.ofSeconds(10));
            } catch (IOException | RuntimeException e) {
                return; // the connection is gone: nothing is kept for it
            }
        }
        pending.clear();
    }
}
