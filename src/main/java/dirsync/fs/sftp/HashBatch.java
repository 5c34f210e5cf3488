package dirsync.fs.sftp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One batch of the hashing loop ({@link HashStream}): which of the files asked for go together, and how the loop
 * reads them.
 */
final class HashBatch {

    /**
     * The last name of every batch: its line ends the batch's answer, in the same write as the rest (an answer in
     * two writes from two processes waits on the network's delayed acknowledgement between them).
     */
    static final String END = "/dev/null";
    /** Files a batch takes at most. */
    static final int MAX = 512;
    /**
     * A batch is also cut once its files, as listed, reach this many bytes (a larger file goes alone): a batch must
     * end well within {@link HashStream#TIMEOUT} on a slow disk, and the pass may ask for thousands of files ahead.
     */
    static final long MAX_BYTES = 1L << 30;

    private HashBatch() {
    }

    /** A file asked for, its size as listed (0 where not known), and its answer to come. */
    record Request(String wirePath, long size, CompletableFuture<HashStream.Hashed> hash) {
    }

    /**
     * The next batch taken from the front of {@code queued}: at most {@value #MAX} requests, and no more than
     * {@link #MAX_BYTES} of files as listed, but always the first.
     */
    static List<Request> take(Deque<Request> queued) {
        List<Request> batch = new ArrayList<>();
        long bytes = 0;
        while (!queued.isEmpty() && batch.size() < MAX
                && (batch.isEmpty() || bytes + queued.peek().size() <= MAX_BYTES)) {
            Request next = queued.poll();
            bytes += next.size();
            batch.add(next);
        }
        return batch;
    }

    /** What the loop reads for one batch: the length line, then each name and a NUL, {@value #END} last. */
    static byte[] frame(List<byte[]> paths) {
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        for (byte[] path : paths) {
            names.writeBytes(path);
            names.write(0);
        }
        names.writeBytes(END.getBytes(StandardCharsets.US_ASCII));
        names.write(0);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.writeBytes((names.size() + "\n").getBytes(StandardCharsets.US_ASCII));
        frame.writeBytes(names.toByteArray());
        return frame.toByteArray();
    }
}
