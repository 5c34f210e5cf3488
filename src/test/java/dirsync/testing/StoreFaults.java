package dirsync.testing;

import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * S3Proxy's storage with faults a test orders: the next PUTs of an object answered with an error of the store's own
 * (503 SlowDown, 500 InternalError) instead of being stored, as a throttled or ailing S3 answers; or the parts of
 * multipart uploads held until a number of them are received at once ({@link #partsMeet}), or held until the test
 * lets them go ({@link #holdPartsAfter}); or every write under a prefix denied, as to read-only credentials
 * ({@link #denyWritesUnder}). The answer is a real
 * HTTP response from the server, which the client's retry strategy meets as it would meet S3's. Put it in front of the
 * filesystem backend with {@code new S3ProxyServer(faults::over)}.
 */
public final class StoreFaults {

    /** A fault: the status and the error code the store answers with. */
    public record Fault(int status, String code, String message) {
        public static final Fault SLOW_DOWN = new Fault(503, "SlowDown", "Please reduce your request rate.");
        public static final Fault INTERNAL_ERROR = new Fault(500, "InternalError",
                "We encountered an internal error. Please try again.");
        /** What S3 answers a request its policy denies (credentials that may read but not write, say). */
        public static final Fault ACCESS_DENIED = new Fault(403, "AccessDenied", "Access Denied");
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger answered = new AtomicInteger();
    private volatile CountDownLatch partsMeeting;
    private final java.util.Set<String> partsMet = ConcurrentHashMap.newKeySet();
    /** While parts are held: let go by {@link #releaseParts}; and how many more may be stored first. */
    private volatile CountDownLatch partsRelease;
    private final AtomicInteger partsLetThrough = new AtomicInteger();
    /** The part requests the server is handling now: held, or being stored. */
    private final AtomicInteger partsInHand = new AtomicInteger();
    /** Key prefixes under which every write is denied, as to read-only credentials. */
    private final java.util.Set<String> readOnly = ConcurrentHashMap.newKeySet();

    private record Pending(Fault fault, AtomicInteger left) {
    }

    /** The store's storage, with these faults in front. */
    public BlobStore over(BlobStore store) {
        return new ForwardingBlobStore(store) {
            @Override
            public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
                denyIfReadOnly(request.key());
                faultFor(request.key());
                return super.putBlob(request, content);
            }

            @Override
            public CopyObjectResponse copyBlob(CopyObjectRequest request) {
                denyIfReadOnly(request.destinationKey());
                return super.copyBlob(request);
            }

            @Override
            public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
                denyIfReadOnly(request.key());
                return super.removeBlob(request);
            }

            @Override
            public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
                denyIfReadOnly(request.key());
                return super.initiateMultipartUpload(request);
            }

            @Override
            public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request,
                                                          InputStream content) {
                partsInHand.incrementAndGet();
                try {
                    holdIfAsked();
                    return partMet(upload, request, content);
                } finally {
                    partsInHand.decrementAndGet();
                }
            }

            private UploadPartResponse partMet(MultipartUpload upload, UploadPartRequest request,
                                               InputStream content) {
                CountDownLatch meeting = partsMeeting;
                if (meeting != null) {
                    if (partsMet.add(request.uploadId() + "/" + request.partNumber())) { // a retry is no new part
                        meeting.countDown();
                    }
                    try {
                        if (!meeting.await(2, TimeUnit.MINUTES)) { // a hang guard only: parts one at a time
                            throw S3Exceptions.invalidRequest("the parts did not meet: sent one at a time");
                        }
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.uploadMultipartPart(upload, request, content);
            }
        };
    }

    /**
     * From now on each part of a multipart upload is held by the server until {@code parts} parts are being received
     * at once: only a client that sends them in parallel gets past it (one that sends them one at a time is refused,
     * after a hang guard's two minutes). {@code 0}: parts are taken as they come.
     */
    public void partsMeet(int parts) {
        partsMet.clear();
        partsMeeting = parts == 0 ? null : new CountDownLatch(parts);
    }

    /**
     * From now on the first {@code stored} parts of multipart uploads are stored as they come, and every later one is
     * held by the server, its request unanswered, until {@link #releaseParts}: uploads begun and left in progress for
     * as long as a test needs (a hang guard of two minutes, then the part is refused).
     */
    public void holdPartsAfter(int stored) {
        partsLetThrough.set(stored);
        partsRelease = new CountDownLatch(1);
    }

    /** The parts held go on to be stored (or fail, if their client is gone), and later ones are taken as they come. */
    public void releaseParts() {
        CountDownLatch release = partsRelease;
        partsRelease = null;
        if (release != null) {
            release.countDown();
        }
    }

    /** How many part requests the server is handling now, held or being stored. */
    public int partsInHand() {
        return partsInHand.get();
    }

    private void holdIfAsked() {
        CountDownLatch release = partsRelease;
        if (release == null || partsLetThrough.getAndDecrement() > 0) {
            return;
        }
        try {
            if (!release.await(2, TimeUnit.MINUTES)) { // a hang guard only
                throw S3Exceptions.invalidRequest("the part was held, and never let go");
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The next {@code times} PUTs of the object whose key ends in {@code keySuffix} are answered with {@code fault}. */
    public void failPuts(String keySuffix, int times, Fault fault) {
        pending.put(keySuffix, new Pending(fault, new AtomicInteger(times)));
    }

    /**
     * From now on every write under {@code keyPrefix} (a PUT, a copy to it, a DELETE, a multipart upload begun) is
     * answered 403 AccessDenied, while lists and reads are answered: the store as read-only credentials meet it.
     */
    public void denyWritesUnder(String keyPrefix) {
        readOnly.add(keyPrefix);
    }

    /** How many requests were answered with a fault so far. */
    public int answered() {
        return answered.get();
    }

    private void denyIfReadOnly(String key) {
        for (String keyPrefix : readOnly) {
            if (key.startsWith(keyPrefix)) {
                answered.incrementAndGet();
                throw refusal(Fault.ACCESS_DENIED);
            }
        }
    }

    private static S3Exception refusal(Fault fault) {
        return (S3Exception) S3Exception.builder().statusCode(fault.status()).message(fault.message())
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(fault.code()).errorMessage(fault.message())
                        .build()).build();
    }

    private void faultFor(String key) {
        for (Map.Entry<String, Pending> entry : pending.entrySet()) {
            if (key.endsWith(entry.getKey()) && entry.getValue().left().getAndDecrement() > 0) {
                answered.incrementAndGet();
                throw refusal(entry.getValue().fault());
            }
        }
    }
}
