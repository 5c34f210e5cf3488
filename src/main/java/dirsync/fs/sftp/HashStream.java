package dirsync.fs.sftp;

import dirsync.fs.sftp.HashBatch.Request;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Hashes replica files on the server through one command that runs as long as the connection: a loop in sh reads
 * a batch of names (a length line, then that many bytes of NUL-ended names: {@code head -c} reads no further), and
 * hands the batch to {@code xargs -0 md5sum -bz}, many files per md5sum; each batch ends with {@value HashBatch#END}.
 * md5sum's {@code -z} ends each line with a NUL and leaves the name unescaped, so a hash is matched to its file by
 * the name's exact bytes, whatever they are. Starting a command runs the user's shell and its start-up files: this
 * is done once per connection, not once per file or per batch.
 * <p>
 * The pass asks for hashes file by file, without waiting ({@link #ask}) or waiting ({@link #md5}), from several
 * threads at once: requests queue, and each batch takes all that queued while the one before was on its way (at
 * most {@value HashBatch#MAX} names), one batch in flight ({@link #IN_FLIGHT}). A file the batch ends without a hash
 * for (gone, unreadable) gets none: the caller reads it over SFTP, which tells why. If the command ends or stops
 * answering, every waiting request gets none, and so does every later one.
 */
final class HashStream implements AutoCloseable {

    /**
     * The loop on the server (sh, whatever the user's shell; no single quote inside, so it can go in single quotes):
     * for each batch, md5sum of its files, then GNU stat of the same files, so that what a file was once hashed
     * comes with the hash, and the pass need not ask for it again to learn the pair ({@link Hashed#after}).
     */
    static final String SCRIPT = "while read n; do head -c \"$n\" | xargs -0r sh -c "
            + "\"md5sum -bz -- \\\"\\$@\\\" 2>/dev/null; "
            + "stat --printf \\\"%f %u %g %s %Y %n\\\\0\\\" -- \\\"\\$@\\\" 2>/dev/null\" sh 2>/dev/null; done";
    /**
     * A file's hash, and its state as GNU stat gave it once md5sum had read it (null where stat gave none): its
     * raw mode, owner, group, size and modification time, as the pass's find lists them.
     */
    record Hashed(byte[] md5, org.apache.sshd.sftp.client.SftpClient.Attributes after) {
    }
    static final String COMMAND = "sh -c '" + SCRIPT + "'";
    /**
     * Batches sent and not ended: one. (A batch goes out when none is on its way, after the gather, or when the one
     * on its way ends; an earlier measurement of two against one never sent a second while one was on its way, so
     * it compared one with one.) With the pass's requests asked ahead, a batch takes what queued while the one before
     * was on its way: a no-change pass without memory over 2,000 files went in 9 and 13 batches, a few small ones
     * while the walk began, then up to 512 files each.
     */
    private static final int IN_FLIGHT = 1;
    /** How long the first request while none is on its way waits for others to join its batch. */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(3);
    /** A request is waiting for others to join it before it goes (see {@link #ask}). */
    private boolean gathering;
    private static final Duration START = Duration.ofSeconds(30);
    /**
     * A batch that has not ended this long after it was sent is taken for a hung command (a FIFO put in a file's
     * place): then every request gets none.
     */
    static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final RemoteCommand command;
    private final OutputStream stdin;
    private final Deque<Request> queued = new ArrayDeque<>();
    /** The batches sent and not ended, oldest first: the server answers them in that order. */
    private final Deque<Map<String, List<Request>>> inFlight = new ArrayDeque<>();
    private boolean dead;

    /** Batches sent, and ended, since the start: a batch's number tells whether it has ended. */
    private long batchesSent;
    private long batchesEnded;

    /** The hashes of the oldest batch in flight, by name, until their stat lines come. */
    private final Map<String, byte[]> hashed = new HashMap<>();

    private HashStream(RemoteCommand command) {
        this.command = command;
        this.stdin = command.stdin();
        Thread reader = new Thread(this::readAnswers, "dirsync-remote-md5");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the loop on the server over {@code connection}. */
    static HashStream start(RemoteConnection connection) throws IOException {
        return new HashStream(connection.start(COMMAND, START));
    }

    /** The loop that {@code running}, a command started otherwise, runs now (it has printed nothing of it yet). */
    static HashStream over(RemoteCommand running) {
        return new HashStream(running);
    }

    /**
     * Asks for the MD5 of the file at {@code wirePath} (an absolute path on the server, one char a byte), listed at
     * {@code size} bytes (0 where not known), without waiting: the future completes with it, or with null if the
     * server gave none (the caller reads the file instead). The first request while no batch is on its way waits
     * {@link #GATHER_NANOS} for the others its directory asks for at once, so that they go in one batch, not two;
     * later ones go when the batch before ends.
     */
    CompletableFuture<Hashed> ask(String wirePath, long size) {
        Request request = new Request(wirePath, size, new CompletableFuture<>());
        synchronized (this) {
            if (dead) {
                return CompletableFuture.completedFuture(null);
            }
            queued.add(request);
            if (inFlight.isEmpty() && !gathering) {
                gathering = true;
                CompletableFuture.delayedExecutor(GATHER_NANOS, TimeUnit.NANOSECONDS, Runnable::run).execute(() -> {
                    synchronized (this) {
                        gathering = false;
                        sendWhatQueued();
                    }
                });
            }
        }
        return request.hash();
    }

    /**
     * The MD5 of the file at {@code wirePath}, as {@link #ask}ed and waited for, or null if the server gave none (the
     * caller reads the file instead); the wait is given up when the pass is cancelled.
     */
    Hashed md5(String wirePath, dirsync.fs.Cancellation cancellation) throws IOException {
        CompletableFuture<Hashed> hash = ask(wirePath, 0);
        try {
            while (true) {
                try {
                    return hash.get(1, TimeUnit.SECONDS);
                } catch (TimeoutException notYet) {
                    if (cancellation.isRequested()) {
                        return null;
                    }
                }
            }
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while hashing on the server");
        }
    }

    /** Sends a batch of what queued, if fewer than {@link #IN_FLIGHT} are on their way. Holds the lock. */
    private void sendWhatQueued() {
        while (!dead && !queued.isEmpty() && inFlight.size() < IN_FLIGHT) {
            Map<String, List<Request>> batch = new HashMap<>();
            List<byte[]> paths = new ArrayList<>();
            for (Request next : HashBatch.take(queued)) {
                paths.add(SftpNames.bytes(next.wirePath()));
                batch.computeIfAbsent(next.wirePath(), key -> new ArrayList<>()).add(next);
            }
            inFlight.add(batch);
            long number = ++batchesSent;
            CompletableFuture.delayedExecutor(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
                synchronized (this) {
                    if (batchesEnded >= number) {
                        return;
                    }
                }
                fail(); // hung
            });
            try {
                stdin.write(HashBatch.frame(paths));
                stdin.flush();
            } catch (IOException | RuntimeException e) {
                fail();
            }
        }
    }

    /** The reader thread: hashes as they come, {@value HashBatch#END}'s at the end of each batch. */
    private void readAnswers() {
        try (InputStream in = new BufferedInputStream(command.stdout(), 1 << 14)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                if (b == 0) {
                    answer(line.toByteArray());
                    line.reset();
                } else {
                    line.write(b);
                }
            }
        } catch (IOException | RuntimeException ended) {
            // The command or the connection ended: as below.
        }
        fail();
    }

    /**
     * One line of md5sum -bz (32 hex digits, " *", the name as given), kept until the file's line of stat (its
     * fields, then the name) completes its requests; {@value HashBatch#END}'s line of stat ends the batch.
     */
    private synchronized void answer(byte[] line) {
        byte[] hash = HashLines.md5(line);
        if (hash != null) {
            hashed.put(new String(line, 34, line.length - 34, StandardCharsets.ISO_8859_1), hash);
            return;
        }
        int[] spaces = new int[5];
        for (int i = 0, found = 0; i < line.length && found < spaces.length; i++) {
            if (line[i] == ' ') {
                spaces[found++] = i;
            }
        }
        if (spaces[4] == 0) {
            return;
        }
        String name = new String(line, spaces[4] + 1, line.length - spaces[4] - 1, StandardCharsets.ISO_8859_1);
        if (name.equals(HashBatch.END)) {
            batchEnded();
            return;
        }
        byte[] md5 = hashed.remove(name);
        Map<String, List<Request>> batch = inFlight.peek();
        List<Request> requests = md5 == null || batch == null ? null : batch.remove(name);
        if (requests != null) {
            Hashed answer = new Hashed(md5, HashLines.stat(new String(line, 0, spaces[4], StandardCharsets.US_ASCII)));
            requests.forEach(request -> request.hash().complete(answer));
        }
    }

    /**
     * The oldest batch ended: what has a hash and no line of stat gets the hash alone, what has none gets none;
     * the next batch goes out.
     */
    private synchronized void batchEnded() {
        Map<String, List<Request>> ended = inFlight.poll();
        batchesEnded++;
        if (ended != null) {
            ended.forEach((name, requests) -> {
                byte[] md5 = hashed.get(name);
                Hashed answer = md5 == null ? null : new Hashed(md5, null);
                requests.forEach(request -> request.hash().complete(answer));
            });
        }
        hashed.clear();
        sendWhatQueued();
    }

    /** From now on no hash comes from the server: every request waiting or to come gets none. */
    private void fail() {
        synchronized (this) {
            dead = true;
            queued.forEach(request -> request.hash().complete(null));
            queued.clear();
            inFlight.forEach(batch -> batch.values().forEach(requests -> requests.forEach(
                    request -> request.hash().complete(null))));
            inFlight.clear();
        }
        command.close();
    }

    /** Whether it can still hash. */
    synchronized boolean alive() {
        return !dead;
    }

    @Override
    public void close() {
        fail();
    }
}
