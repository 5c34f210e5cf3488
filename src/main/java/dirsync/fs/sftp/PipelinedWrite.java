package dirsync.fs.sftp;

import dirsync.fs.Work;
import dirsync.fs.sftp.SftpErrors.Doing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * Writes a stream to an open remote file with several WRITE requests in flight, so that a file costs about one
 * round trip plus its bytes, not one round trip per chunk. The writes go on a {@link RequestTrain}, which holds at
 * most {@link #IN_FLIGHT} of them unanswered: the last ones stay due when the stream ends, so that the file's
 * attributes and its close follow without a wait. A failed write seen on the way ends the write.
 */
final class PipelinedWrite {

    /** Bytes per WRITE: well under OpenSSH's limit of 256 KiB per request. */
    static final int CHUNK = 64 << 10;
    /** Requests in flight: 1 MiB, within MINA's default channel window of 2 MiB. */
    static final int IN_FLIGHT = 16;

    private final RequestTrain train;
    private final SftpClient.Handle handle;
    private final String path;

    PipelinedWrite(RequestTrain train, SftpClient.Handle handle, String path) {
        this.train = train;
        this.handle = handle;
        this.path = path;
    }

    /**
     * Sends {@code in} into the file, from offset 0, to its end or to {@code limit} bytes, whichever comes first;
     * returns the bytes sent. {@code digest}, if not null, sees every byte sent. Up to {@link #IN_FLIGHT} writes are
     * still unanswered on the train when it returns.
     */
    long from(ReadableByteChannel in, long limit, MessageDigest digest, Work work) throws IOException {
        byte[] identifier = handle.getIdentifier();
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        long offset = 0;
        while (true) {
            work.cancellation().check();
            chunk.clear().limit((int) Math.min(CHUNK, limit - offset));
            while (chunk.hasRemaining() && in.read(chunk) >= 0) {
                // fill the chunk: a short read is not the end
            }
            int length = chunk.position();
            if (length == 0) {
                return offset;
            }
            if (digest != null) {
                digest.update(chunk.array(), 0, length);
            }
            Buffer request = RemoteCalls.request(identifier.length + length + 16);
            request.putBytes(identifier);
            request.putLong(offset);
            request.putBytes(chunk.array(), 0, length);
            while (train.inFlight() >= IN_FLIGHT) {
                train.awaitOldest();
            }
            train.send(SftpConstants.SSH_FXP_WRITE, request, path, Doing.WRITING);
            offset += length;
            work.progress().copied(length);
        }
    }
}
