package dirsync.fs.s3;

import dirsync.fs.Entry;
import dirsync.fs.Md5;
import dirsync.fs.RelPath;
import dirsync.fs.SourceChangedException;
import dirsync.fs.SourceTree;
import dirsync.fs.Work;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * A large file sent as a multipart upload: CreateMultipartUpload with the object's metadata, rclone's
 * {@code md5chksum} (base64 of the whole file's MD5) among it, the parts read in order on the calling thread and sent
 * on the tree's request threads, a few at once, each with its Content-MD5, then CompleteMultipartUpload.
 * <p>
 * Nothing changed while it was read is installed: the whole file's MD5 stored in the metadata is known before the
 * upload begins (the caller's, or a first read), and the parts' bytes are hashed again as they are read; the upload is
 * completed only if both MD5s agree and the source is still in the state it was in before the first byte. Else, and
 * on any failure, the upload is aborted (an abort that fails is left to the next pass's sweep,
 * {@link IncompleteUploads}), and the object under the key stays as it was.
 * <p>
 * Memory: a part is held from its read until its request has ended, at most {@value #PARTS_AT_ONCE} parts an upload
 * and at most {@value #BUFFERED_MIB} MiB of parts across the tree (a part larger than that alone).
 */
final class MultipartWrite {

    static final int PARTS_AT_ONCE = 4;
    static final int BUFFERED_MIB = 64;
    private static final int BUFFERED = BUFFERED_MIB << 20;
    private static final String CONTENT_TYPE = "application/octet-stream";

    private final S3Calls calls;
    private final PartSizes sizes;
    private final ExecutorService requests;
    /** Bytes of parts held across the tree. */
    private final Semaphore buffered = new Semaphore(BUFFERED);

    private final IncompleteUploads incomplete;

    MultipartWrite(S3Calls calls, PartSizes sizes, ExecutorService requests, IncompleteUploads incomplete) {
        this.calls = calls;
        this.sizes = sizes;
        this.requests = requests;
        this.incomplete = incomplete;
    }

    /**
     * Sends the source file {@code path}, found in state {@code before}, to {@code key} with {@code metadata} and
     * rclone's MD5 added. {@code expectedMd5}: the file's MD5 as the pass hashed it, or null (then read here first).
     */
    String upload(SourceTree source, RelPath path, Entry before, String key, Map<String, String> metadata,
                  byte[] expectedMd5, Work work) throws IOException {
        long size = before.size();
        if (size > PartSizes.LARGEST_OBJECT) {
            throw new IOException("a file over 5 TiB cannot be one object: " + size + " bytes");
        }
        byte[] md5 = expectedMd5 != null ? expectedMd5 : work.md5().read(source, path, work.cancellation());
        Map<String, String> stored = new HashMap<>(metadata);
        stored.put(ObjectReads.MD5_METADATA, Base64.getEncoder().encodeToString(md5));
        String uploadId = begin(key, stored);
        return finish(key, uploadId, () -> {
            Sent sent = sendParts(source, path, size, key, uploadId, false, work);
            if (!Arrays.equals(sent.md5(), md5)) {
                throw new SourceChangedException("source changed since it was hashed");
            }
            SourceChangedException.requireUnchangedSince(source, path, before, size);
            return sent;
        }).eTag();
    }

    /**
     * {@link dirsync.fs.ReplicaTree#installFileAsRead} in parts: what is read of the file, at most the size it had in
     * {@code before}, each part verified by the store against its own Content-MD5; no {@code md5chksum} (no MD5 is
     * known before the upload), so a later comparison of content reads the object. Returns the bytes sent.
     */
    long uploadAsRead(SourceTree source, RelPath path, Entry before, String key, Map<String, String> metadata,
                      Work work) throws IOException {
        long size = Math.min(before.size(), PartSizes.LARGEST_OBJECT);
        String uploadId = begin(key, metadata);
        return finish(key, uploadId, () -> sendParts(source, path, size, key, uploadId, true, work)).bytes();
    }

    private String begin(String key, Map<String, String> metadata) throws IOException {
        try {
            return calls.call(key, () -> calls.client().createMultipartUpload(request -> request
                    .bucket(calls.bucket()).key(key).contentType(CONTENT_TYPE).metadata(metadata))).uploadId();
        } catch (S3Calls.StoreException refused) {
            throw refused; // none was begun
        } catch (IOException unanswered) {
            incomplete.owe(); // perhaps begun, its answer lost
            throw unanswered;
        }
    }

    /** What the parts carried: the parts sent, the bytes read, and their MD5. */
    private record Sent(List<CompletedPart> parts, long bytes, byte[] md5, String eTag) {

        Sent(List<CompletedPart> parts, long bytes, byte[] md5) {
            this(parts, bytes, md5, null);
        }

        Sent completedAs(String completedETag) {
            return new Sent(parts, bytes, md5, completedETag);
        }
    }

    /** The parts of an upload sent, and what may stop it from being completed checked. */
    @FunctionalInterface
    private interface Parts {
        Sent send() throws IOException;
    }

    /** Completes the upload with {@code parts} sent, or aborts it if they or the completion failed. */
    private Sent finish(String key, String uploadId, Parts parts) throws IOException {
        boolean completed = false;
        try {
            Sent sent = parts.send();
            String eTag = calls.call(key, () -> calls.client().completeMultipartUpload(request -> request
                    .bucket(calls.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(sent.parts())))).eTag();
            completed = true;
            return sent.completedAs(eTag);
        } finally {
            if (!completed) {
                abort(key, uploadId);
            }
        }
    }

    /**
     * The upload's parts, read in order and sent a few at once. Fewer bytes than {@code size}: the source changed,
     * unless {@code asRead}, where what was read is the last part.
     */
    private Sent sendParts(SourceTree source, RelPath path, long size, String key, String uploadId, boolean asRead,
                           Work work) throws IOException {
        long partSize = sizes.partOf(size);
        int count = (int) Math.max(1, (size + partSize - 1) / partSize);
        MessageDigest whole = Md5.newDigest();
        Semaphore mine = new Semaphore(PARTS_AT_ONCE);
        List<Future<CompletedPart>> sent = new ArrayList<>(count);
        long bytes = 0;
        try (SeekableByteChannel channel = source.open(path)) {
            for (int number = 1; number <= count; number++) {
                int length = (int) Math.min(partSize, size - (number - 1) * partSize);
                int held = Math.min(length, BUFFERED);
                acquire(mine, 1);
                try {
                    acquire(buffered, held);
                } catch (IOException interrupted) {
                    mine.release();
                    throw interrupted;
                }
                byte[] content;
                try {
                    content = read(channel, length, asRead, work);
                } catch (IOException | RuntimeException failed) {
                    buffered.release(held);
                    mine.release();
                    throw failed;
                }
                whole.update(content);
                bytes += content.length;
                sent.add(send(key, uploadId, number, content, () -> {
                    buffered.release(held);
                    mine.release();
                }));
                failFast(sent);
                if (content.length < length) {
                    break; // as read: the file ended there
                }
            }
            List<CompletedPart> parts = new ArrayList<>(sent.size());
            for (Future<CompletedPart> part : sent) {
                parts.add(result(part));
            }
            return new Sent(parts, bytes, whole.digest());
        } catch (IOException | RuntimeException failed) {
            awaitQuietly(sent); // their buffers are released, and none is left running into the abort
            throw failed;
        }
    }

    /** Sends one part on a request thread, which calls {@code done} when its request has ended, however. */
    private Future<CompletedPart> send(String key, String uploadId, int number, byte[] content, Runnable done) {
        String partMd5 = Base64.getEncoder().encodeToString(Md5.newDigest().digest(content));
        try {
            return requests.submit(() -> {
                try {
                    String etag = calls.call(key, () -> calls.client().uploadPart(request -> request
                            .bucket(calls.bucket()).key(key).uploadId(uploadId).partNumber(number)
                            .contentLength((long) content.length).contentMD5(partMd5),
                            RequestBody.fromBytes(content))).eTag();
                    return CompletedPart.builder().partNumber(number).eTag(etag).build();
                } finally {
                    done.run();
                }
            });
        } catch (RuntimeException refused) {
            done.run();
            throw refused;
        }
    }

    private static void awaitQuietly(List<Future<CompletedPart>> sent) {
        for (Future<CompletedPart> part : sent) {
            try {
                result(part);
            } catch (IOException ignored) {
                // the first failure is the one thrown
            }
        }
    }

    /** The first failure of a part sent so far, thrown now rather than after the whole file has been read. */
    private static void failFast(List<Future<CompletedPart>> sent) throws IOException {
        for (Future<CompletedPart> part : sent) {
            if (part.isDone()) {
                result(part);
            }
        }
    }

    private static CompletedPart result(Future<CompletedPart> part) throws IOException {
        try {
            return part.get();
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof IOException io ? io
                    : new IOException("a part failed: " + failed.getCause(), failed.getCause());
        } catch (CancellationException cancelled) {
            throw new IOException("a part was cancelled", cancelled);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending parts");
        }
    }

    private static void acquire(Semaphore semaphore, int permits) throws IOException {
        try {
            semaphore.acquire(permits);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending parts");
        }
    }

    /**
     * {@code length} bytes of the source, the copy's progress counted. Fewer: the source changed, or ({@code asRead})
     * what there was.
     */
    private static byte[] read(SeekableByteChannel channel, int length, boolean asRead, Work work)
            throws IOException {
        ByteBuffer content = ByteBuffer.allocate(length);
        while (content.hasRemaining()) {
            work.cancellation().check();
            int before = content.position();
            if (channel.read(content) < 0) {
                if (!asRead) {
                    throw new SourceChangedException("source changed while it was copied (shorter than listed)");
                }
                return Arrays.copyOf(content.array(), content.position());
            }
            work.progress().copied(content.position() - before);
        }
        return content.array();
    }

    /** Gives up an upload: its parts are dropped by the store. A failure here is left to the next pass's sweep. */
    private void abort(String key, String uploadId) {
        try {
            incomplete.abort(key, uploadId);
        } catch (IOException leftForTheSweep) {
            incomplete.owe(); // aborted at the next pass's start
        }
    }
}
