package dirsync.fs.sftp;

import dirsync.fs.sftp.SftpErrors.Doing;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.sftp.client.FullAccessSftpClient;

/**
 * Requests sent on one channel one after another without waiting, and their answers collected afterwards, oldest
 * first: a file's writes, attributes and close cost one round trip together, not one each. OpenSSH's server runs a
 * channel's requests in order but goes on after one that failed, so every answer is read and the first failure is
 * what the train ends with; whoever sent a request that depends on the earlier ones succeeding (a rename) sends it
 * only after {@link #awaitAll} returned.
 */
final class RequestTrain {

    /** A request sent and not yet answered: what it was, for the failure's text. */
    private record Sent(int id, int type, String path, Doing doing) {
    }

    private final RemoteCalls calls;
    private final FullAccessSftpClient client;
    private final Deque<Sent> pending = new ArrayDeque<>();

    RequestTrain(RemoteCalls calls) {
        this.calls = calls;
        this.client = calls.client();
    }

    RemoteCalls calls() {
        return calls;
    }

    /** Sends a raw request (see {@link RemoteCalls#request}) without waiting for its answer. */
    void send(int type, Buffer request, String path, Doing doing) throws IOException {
        int id;
        try {
            id = client.send(type, request);
        } catch (IOException e) {
            throw calls.failed(e, path, doing);
        }
        pending.addLast(new Sent(id, type, path, doing));
    }

    /** Requests sent and not yet answered. */
    int inFlight() {
        return pending.size();
    }

    /** Waits for the oldest answer still due; throws its failure, if it failed (the others stay due). */
    void awaitOldest() throws IOException {
        Sent sent = pending.removeFirst();
        try {
            RemoteCalls.checkStatus(sent.type(), client.receive(sent.id()));
        } catch (IOException e) {
            throw calls.failed(e, sent.path(), sent.doing());
        }
    }

    /**
     * Waits for every answer still due, in order, reading them all even after one failed; throws the first failure.
     * A connection lost on the way ends the wait at once.
     */
    void awaitAll() throws IOException {
        IOException first = null;
        while (!pending.isEmpty()) {
            try {
                awaitOldest();
            } catch (IOException e) {
                if (!SftpErrors.answered(e) || !client.isOpen()) {
                    pending.clear();
                    throw first != null ? first : e;
                }
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Collects the answers still due after a failure, so the client keeps none of them; their status no longer
     * matters. Returns at once on a closed channel, where no answer comes.
     */
    void forget() {
        while (!pending.isEmpty()) {
            Sent sent = pending.removeFirst();
            if (!client.isOpen()) {
                pending.clear();
                return;
            }
            try {
                client.receive(sent.id(), Duration.ofSeconds(10));
            } catch (IOException | RuntimeException e) {
                pending.clear();
                return; // the connection is gone: nothing is kept for it
            }
        }
    }
}
