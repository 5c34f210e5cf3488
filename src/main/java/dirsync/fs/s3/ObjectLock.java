package dirsync.fs.s3;

import dirsync.fs.LeasedLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * One dirsync per object-store replica, from any host: the lock object {@code prefix/.dirsync.lock}, held as a
 * lease. Its key is reserved ({@link S3Keys#reserved}): no entry of the tree can have it, no listing shows it, so no
 * pass compares or deletes it. Its body says who holds it (host, boot, pid), since when, a random token, and when
 * it was last written; the holder writes it again every third of the lease. The lease's age is all the store's
 * time: the object's Last-Modified against the Date of the answer that read it, so no clock need agree.
 * <p>
 * Where the store keeps conditional writes ({@link ConditionalPut#honoured}, probed once): taken by a PUT with
 * {@code If-None-Match: *}, so of two runs that start together one wins; renewed by a PUT with {@code If-Match} on the
 * ETag this run last wrote, so a run whose lock was taken over learns it at its next renewal; a stale lease (not
 * written for a whole lease, or its holder a process of this host that is gone) taken over by a PUT with
 * {@code If-Match} on the stale object's ETag, and read back; released by a DELETE with {@code If-Match}. Each write's
 * body differs (token, count), so each has its own ETag.
 * <p>
 * Where it does not: a plain lease, as over SFTP: read, written if free or stale, read back for the token, which
 * each renewal checks before it writes. Two runs that find the lock free at the same moment can then both write
 * it, and both read back their own before the other's lands; the loser learns it at its next renewal.
 */
public final class ObjectLock implements LeasedLock {

    private final S3Calls calls;
    private final String key;
    private final String where;
    private final String token;
    private final String owner;
    private final Instant started = Instant.now();
    private final boolean conditional;
    private long writes;
    /** The ETag of this run's last write of the lock. */
    private String etag;

    private ObjectLock(S3Calls calls, String key, String owner, boolean conditional) {
        this.calls = calls;
        this.key = key;
        this.where = "s3://" + calls.bucket() + "/" + key;
        this.owner = owner;
        this.conditional = conditional;
        byte[] random = new byte[12];
        ThreadLocalRandom.current().nextBytes(random);
        this.token = HexFormat.of().formatHex(random);
    }

    /**
     * Takes the lock of the replica under {@code prefix} (empty: the bucket's root, else ending in '/') of
     * {@code bucket}, describing this run as {@code owner}; {@code holderIsGone} may declare a fresh lock's holder
     * dead from its owner text (a run of this host whose process is gone: no need to wait out its lease).
     *
     * @throws HeldElsewhereException if another run holds it and wrote it within {@code lease}
     */
    public static ObjectLock acquire(S3Client client, String bucket, String prefix, String owner, Duration lease,
                                     Predicate<String> holderIsGone) throws IOException {
        return acquire(client, bucket, prefix, owner, lease, holderIsGone, Runnable::run);
    }

    /**
     * The same, the probe object deleted on {@code beside} while the lock is taken (another key: neither request
     * waits for the other), and awaited before this returns or throws.
     */
    static ObjectLock acquire(S3Client client, String bucket, String prefix, String owner, Duration lease,
                              Predicate<String> holderIsGone, Executor beside) throws IOException {
        S3Calls calls = new S3Calls(client, bucket, new StoreReach()); // the lock's requests tell no pass
        String probe = prefix + S3Keys.LOCK_PROBE;
        Beside<Void> probeRemoved = null;
        try {
            boolean conditional = ConditionalPut.honoured(calls, probe);
            probeRemoved = Beside.start(beside, () -> ConditionalPut.removeProbe(calls, probe));
            ObjectLock lock = new ObjectLock(calls, prefix + S3Keys.LOCK, owner, conditional);
            lock.take(lease, holderIsGone);
            return lock;
        } finally {
            if (probeRemoved == null) {
                ConditionalPut.removeProbe(calls, probe); // the probe failed: deleted in series, as it was
            } else {
                probeRemoved.await();
            }
        }
    }

    private synchronized void take(Duration lease, Predicate<String> holderIsGone) throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            if (conditional && written(ConditionalPut.put(calls, key, body(), "*", null))) {
                return;
            }
            Held held = read();
            if (held != null && token.equals(held.token())) {
                etag = held.etag(); // this run's write landed, and only its answer was lost
                return;
            }
            if (held == null) {
                if (!conditional) {
                    writePlainAndCheck();
                    return;
                }
                continue; // released between the two requests
            }
            if (held.age().compareTo(lease) <= 0 && !holderIsGone.test(held.owner())) {
                throw new HeldElsewhereException("another dirsync is using this replica (" + held.owner()
                        + ", lock " + where + " renewed " + Math.max(0, held.age().toSeconds()) + " s ago)");
            }
            if (!conditional) {
                writePlainAndCheck();
                return;
            }
            // Stale: taken over only from the very object found stale; read back, for stores whose If-Match is a
            // check before the write rather than part of it.
            if (written(ConditionalPut.put(calls, key, body(), null, held.etag()))) {
                checkStillOurs("another dirsync took over the lock " + where + " at the same moment");
                return;
            }
        }
        throw new HeldElsewhereException("cannot take the lock " + where + ": other runs keep taking it");
    }

    private boolean written(ConditionalPut.Result result) {
        if (result.done()) {
            etag = result.etag();
        }
        return result.done();
    }

    private void writePlainAndCheck() throws IOException {
        written(ConditionalPut.put(calls, key, body(), null, null));
        checkStillOurs("another dirsync took the lock " + where + " at the same moment");
    }

    private void checkStillOurs(String otherwise) throws IOException {
        Held now = read();
        if (now == null || !token.equals(now.token())) {
            throw new HeldElsewhereException(otherwise);
        }
    }

    @Override
    public synchronized void renew() throws IOException {
        if (conditional) {
            ConditionalPut.Result result = ConditionalPut.put(calls, key, body(), null, etag);
            if (result.answer() == ConditionalPut.Answer.CONDITION_FAILED
                    || result.answer() == ConditionalPut.Answer.MISSING) {
                Held now = read();
                if (now == null || !token.equals(now.token())) {
                    throw lost();
                }
                etag = now.etag(); // this run's write landed, and only its answer was lost
                return;
            }
            if (!written(result)) {
                throw new IOException(where + ": the store no longer evaluates If-Match");
            }
            return;
        }
        Held held = read();
        if (held == null || !token.equals(held.token())) {
            throw lost();
        }
        written(ConditionalPut.put(calls, key, body(), null, null));
    }

    private HeldElsewhereException lost() {
        return new HeldElsewhereException("the lock " + where
                + " was taken over by another dirsync while this one could not renew it");
    }

    /** Whether the store keeps conditional writes (else the lock is a plain lease, with its race window). */
    @Override
    public boolean atomic() {
        return conditional;
    }

    /** The lock object, as {@code s3://bucket/key}. */
    @Override
    public String describe() {
        return where;
    }

    /** Deletes the lock if it is still this run's (by its ETag where the store can); a failure leaves it. */
    @Override
    public synchronized void close() {
        try {
            if (conditional) {
                if (ConditionalPut.delete(calls, key, etag) != ConditionalPut.Answer.UNSUPPORTED) {
                    return;
                }
            }
            Held held = read();
            if (held != null && token.equals(held.token())) {
                calls.call(key, () -> calls.client().deleteObject(request -> request.bucket(calls.bucket()).key(key)));
            }
        } catch (IOException unreachable) {
            // the lease runs out by itself
        }
    }

    private byte[] body() {
        writes++;
        return ("dirsync lock\ntoken " + token + "\nowner " + owner + "\nstarted " + started + "\nrenewed "
                + Instant.now() + " (write " + writes + ")\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The lock as another run left it: its token, owner, ETag, and how long ago the store last wrote it. */
    private record Held(String token, String owner, String etag, Duration age) {
    }

    /** The lock as it is now, or null if there is none. */
    private Held read() throws IOException {
        ResponseBytes<GetObjectResponse> object;
        try {
            object = calls.call(key, () -> calls.client().getObjectAsBytes(request -> request.bucket(calls.bucket())
                    .key(key)));
        } catch (NoSuchFileException none) {
            return null;
        }
        GetObjectResponse response = object.response();
        Instant now = response.sdkHttpResponse().firstMatchingHeader("Date").map(ObjectLock::httpDate)
                .orElseGet(Instant::now);
        Duration age = response.lastModified() == null ? Duration.ZERO
                : Duration.between(response.lastModified(), now);
        String text = object.asString(StandardCharsets.UTF_8);
        return new Held(line(text, "token "), line(text, "owner "), response.eTag(), age);
    }

    private static Instant httpDate(String date) {
        try {
            return ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException unreadable) {
            return Instant.now();
        }
    }

    private static String line(String text, String start) {
        for (String line : text.split("\n")) {
            if (line.startsWith(start)) {
                return line.substring(start.length());
            }
        }
        return start.equals("owner ") ? "an unknown owner" : "";
    }
}
