package dirsync.fs.sftp;

import dirsync.fs.Entry;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import dirsync.fs.ReplicaTree;
import dirsync.fs.SourceTree;
import dirsync.fs.Work;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Copies over SFTP made durable in groups, where the server runs commands: a copier writes its file under a
 * temporary name without an fsync (writes, FSETSTAT and CLOSE on one train, see {@link RemoteInstall#aside}), hands
 * it over and goes on to the next; a committer thread waits while copies are still being written (up to
 * {@link #MOST_FILES} files or {@link #MOST_BYTES} handed over), runs ONE {@link RemoteSync} for all of them, and
 * only once it exited 0 sends all their renames at once and collects the answers. So a pass runs a few sync
 * commands, however many files it copies. A sync that failed renames nothing: its files' temporary names are
 * removed, their copies fail, and every later copy of this connection is installed alone with fsync@openssh.com (as
 * where the server runs no commands). Where {@code sync -f} cannot run at all, the files of that first round are
 * forced one by one instead (nothing had synced them, so no write error was reported to anyone), then renamed.
 * Where the server offers fsync@openssh.com, large files are installed alone ({@link #ALONE_FROM}), and so are a
 * pass's first {@link #ALONE_FIRST} copies: their fsync rides on their own request train (no round trip of its
 * own), while a sync command starts the user's shell, which costs more than a few files' fsyncs (a pass of a few
 * changed files then starts no command at all).
 */
final class GroupInstall implements ReplicaFeatures.GroupCommit {

    /** How long the committer waits for a copy to begin once none is being written (a copier between two files). */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** A round is committed once this many files wait, even while others are being written. */
    static final int MOST_FILES = 1024;
    /** ... or once their bytes reach this: the server's dirty pages are not a queue either. */
    private static final long MOST_BYTES = 256L << 20;
    /**
     * Files from this size are installed alone, with their own fsync: its cost is their own data's anyway, while a
     * sync of their file system would also wait for every other program's writes there (not measured apart: the
     * benchmark machine's shared disk made a 64 MiB copy take 43-48 s with either).
     */
    static final long ALONE_FROM = 8L << 20;
    /** A pass's first copies installed alone with their own fsync (see above). */
    static final int ALONE_FIRST = 32;

    private final RemoteInstall install;
    private final GroupRenames renames;
    private final RemoteSync sync;
    private final ThreadPoolExecutor committer;
    private final int aloneFirst;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    // Guarded by lock:
    private int writing;
    private List<HandedOver> waiting = new ArrayList<>();
    private long waitingBytes;
    private boolean committing;
    /** A sync failed or cannot run: every copy from now on is installed alone, with its own fsync. */
    private boolean alone;
    /** Copies begun in this pass (see {@link #newPass}). */
    private int begun;

    /** A copy written aside and verified, waiting for its sync, and what its copier is told. */
    private record HandedOver(RelPath path, Entry expected, RemoteInstall.Verified copy,
                              CompletableFuture<ReplicaTree.Installed> done) {
    }

    GroupInstall(RemoteInstall install, RemoteSync sync) {
        this(install, sync, ALONE_FIRST);
    }

    /** The same, a pass's first {@code aloneFirst} copies installed alone. */
    GroupInstall(RemoteInstall install, RemoteSync sync, int aloneFirst) {
        this.aloneFirst = aloneFirst;
        this.install = install;
        this.renames = new GroupRenames(install);
        this.sync = sync;
        this.committer = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "dirsync-remote-sync");
            thread.setDaemon(true);
            return thread;
        });
        this.committer.allowCoreThreadTimeOut(true);
    }

    @Override
    public CompletableFuture<ReplicaTree.Installed> installFileAside(SourceTree source, RelPath path, Entry expected,
                                                                     Work work) throws IOException {
        boolean grouped;
        lock.lock();
        try {
            boolean fsync = install.calls().offers(RemoteCalls.FSYNC);
            boolean first = begun < aloneFirst && fsync;
            begun++;
            grouped = !alone && !first && (expected.size() < ALONE_FROM || !fsync);
            if (grouped) {
                writing++;
            }
        } finally {
            lock.unlock();
        }
        if (!grouped) {
            return CompletableFuture.completedFuture(install.file(source, path, expected, null, work));
        }
        sync.startAhead();
        RemoteInstall.Verified copy;
        try {
            copy = install.aside(source, path, expected, work);
        } catch (IOException | RuntimeException | Error e) {
            handOver(null);
            throw e;
        }
        HandedOver file = new HandedOver(path, expected, copy, new CompletableFuture<>());
        handOver(file);
        return file.done();
    }

    /** The connection is closing: the sync loop ends. */
    void close() {
        sync.close();
    }

    /** A pass begins: its first copies are installed alone again. */
    void newPass() {
        lock.lock();
        try {
            begun = 0;
        } finally {
            lock.unlock();
        }
    }

    /** A copy is no longer being written: handed over, or (null) failed. */
    private void handOver(HandedOver file) {
        boolean start = false;
        lock.lock();
        try {
            writing--;
            if (file != null) {
                waiting.add(file);
                waitingBytes += file.copy().written().bytes();
                start = !committing;
                committing = true;
            }
            arrived.signal();
        } finally {
            lock.unlock();
        }
        if (start) {
            committer.execute(this::commitRounds);
        }
    }

    /** The committer: round after round, the files handed over meanwhile are synced and renamed. */
    private void commitRounds() {
        while (true) {
            List<HandedOver> round;
            lock.lock();
            try {
                gather();
                if (waiting.isEmpty()) {
                    committing = false;
                    return;
                }
                round = waiting;
                waiting = new ArrayList<>();
                waitingBytes = 0;
            } finally {
                lock.unlock();
            }
            try {
                commit(round);
            } catch (RuntimeException | Error e) {
                for (HandedOver file : round) {
                    file.done().completeExceptionally(e); // whatever it is, no copier waits forever (done ones stay)
                }
            }
        }
    }

    /**
     * Waits (lock held) while copies are being written and the round is not full; once none is, a little longer for
     * the next to begin.
     */
    private void gather() {
        while (waiting.size() < MOST_FILES && waitingBytes < MOST_BYTES) {
            if (writing > 0) {
                arrived.awaitUninterruptibly();
                continue;
            }
            long left = GATHER_NANOS;
            while (writing == 0 && left > 0) {
                try {
                    left = arrived.awaitNanos(left);
                } catch (InterruptedException e) {
                    return; // nobody interrupts this thread; if it happens, the round goes ahead
                }
            }
            if (writing == 0) {
                return;
            }
        }
    }

    private void commit(List<HandedOver> round) {
        Set<String> directories = new LinkedHashSet<>();
        for (HandedOver file : round) {
            String temp = file.copy().written().temp();
            int slash = temp.lastIndexOf('/');
            directories.add(slash <= 0 ? "/" : temp.substring(0, slash));
        }
        RemoteSync.Outcome outcome = sync.sync(directories);
        if (outcome != RemoteSync.Outcome.SYNCED) {
            lock.lock();
            try {
                alone = true;
            } finally {
                lock.unlock();
            }
        }
        List<HandedOver> durable = new ArrayList<>();
        for (HandedOver file : round) {
            if (outcome == RemoteSync.Outcome.SYNCED) {
                durable.add(file);
                continue;
            }
            try {
                if (outcome == RemoteSync.Outcome.FAILED) {
                    throw new IOException("the server's sync of the copy failed: it was not given its name");
                }
                renames.force(file.copy().written());
                durable.add(file);
            } catch (IOException | RuntimeException | Error e) {
                install.removeQuietly(file.copy().written().temp());
                file.done().completeExceptionally(e);
            }
        }
        renameAll(durable);
    }

    /** Sends the renames of every durable file at once, then tells each copier how its rename went. */
    private void renameAll(List<HandedOver> durable) {
        List<IOException> failures = renames.renameAll(durable.stream().map(file -> file.copy().written()).toList());
        for (int i = 0; i < durable.size(); i++) {
            HandedOver file = durable.get(i);
            if (failures.get(i) != null) {
                file.done().completeExceptionally(failures.get(i));
            } else {
                file.done().complete(install.installed(file.path(), file.expected(), file.copy().written(),
                        file.copy().before()));
            }
        }
    }
}
