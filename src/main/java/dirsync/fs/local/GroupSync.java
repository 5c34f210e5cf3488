package dirsync.fs.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files made durable in groups: one file-system sync for every file written meanwhile, instead of one fsync a
 * file, whose latency bounds a tree of small files. A group commit: the first file to wait leads; it gives the
 * copies begun and still being written up to {@link #GATHER_NANOS} to join, then syncs the file systems of all
 * that wait (or, if they are fewer than {@link #SMALLEST_GROUP}, lets each force itself). A file
 * whose last byte was written while a sync ran waits for the next one, which certainly covers it. Files a sync
 * cannot serve ({@link SyncTargets}) are forced one by one; after a sync fails, the files it was for, and every
 * file after them, are forced one by one as well, so a failure costs speed and never durability.
 */
final class GroupSync implements Durability {

    /** How long the leader of a sync waits for files still being written (a large one may take much longer). */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Enough writers for a whole directory of small files to share one sync. */
    private static final int FILES_AT_ONCE = 128;
    private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)");
    /**
     * Fewer files than this are forced one by one, each by its own thread, all at once: starting the sync command
     * costs more CPU than their fsyncs (a tree of many directories of a few files each).
     */
    private static final int SMALLEST_GROUP = 16;

    private final SyncTargets targets;
    private final FileSystemSync sync;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a file starts waiting or settles: only the leader, while it gathers, waits for it. */
    private final Condition arrived = lock.newCondition();
    /** Signalled to all when a sync ends: the files it covered go on, and one of the others leads the next. */
    private final Condition ended = lock.newCondition();
    // Guarded by lock:
    private int open; // pending files neither settled nor abandoned
    private int waiting; // files waiting for a sync that has not started yet
    private Map<Object, SyncTargets.Target> nextSync = new HashMap<>();
    private long started; // syncs started so far
    private long finished; // syncs finished so far (they run one at a time)
    private boolean leading; // a file is gathering others for a sync, or running it
    private long unsynced = -1; // the last round whose files force themselves: too few, or its sync failed
    private boolean broken;

    private final long gatherNanos;
    private final int smallestGroup;

    GroupSync(SyncTargets targets, FileSystemSync sync) {
        this(targets, sync, GATHER_NANOS, SMALLEST_GROUP);
    }

    /** With other limits: for tests, which need to be sure what joins a sync, and syncs of a file or two. */
    GroupSync(SyncTargets targets, FileSystemSync sync, long gatherNanos, int smallestGroup) {
        this.targets = targets;
        this.sync = sync;
        this.gatherNanos = gatherNanos;
        this.smallestGroup = smallestGroup;
    }

    /**
     * Group syncs where this system can do them: Linux 5.8 or later (before it, syncfs(2) did not report a write
     * that failed) with coreutils' sync installed; else one fsync per file.
     */
    static Durability forThisSystem() {
        if (!kernelReportsSyncErrors(System.getProperty("os.name", ""), System.getProperty("os.version", ""))) {
            return EACH_FILE;
        }
        return FileSystemSync.command().<Durability>map(command -> new GroupSync(new SyncTargets(), command))
                .orElse(EACH_FILE);
    }

    static boolean kernelReportsSyncErrors(String os, String version) {
        Matcher release = RELEASE.matcher(version);
        if (!os.equals("Linux") || !release.find()) {
            return false;
        }
        int major = Integer.parseInt(release.group(1));
        int minor = Integer.parseInt(release.group(2));
        return major > 5 || major == 5 && minor >= 8;
    }

    @Override
    public int filesAtOnce() {
        return FILES_AT_ONCE;
    }

    @Override
    public Copy begin() {
        lock.lock();
        try {
            if (broken) {
                return FORCED_ALONE;
            }
            open++;
            return new Waiting();
        } finally {
            lock.unlock();
        }
    }

    /** A copy that counts as open (a leader waits for it) from its beginning until it is synced or abandoned. */
    private final class Waiting implements Copy {
        private SyncTargets.Target target;
        private FileChannel out;
        private boolean settled;

        @Override
        public void written(Path temp, FileChannel out) throws IOException {
            Optional<SyncTargets.Target> where = targets.of(temp);
            if (where.isEmpty()) {
                settle(); // a file system a sync cannot serve: forced alone, at once
                out.force(true);
                return;
            }
            this.target = where.get();
            this.out = out;
        }

        @Override
        public void await() throws IOException {
            if (target == null) {
                return; // forced alone already
            }
            boolean synced;
            try {
                synced = awaitSync(target);
            } finally {
                settle();
            }
            if (!synced) {
                out.force(true);
            }
        }

        @Override
        public void abandon() {
            settle();
        }

        private void settle() {
            if (settled) {
                return;
            }
            settled = true;
            lock.lock();
            try {
                open--;
                arrived.signal(); // a leader may be gathering until every open file waits
            } finally {
                lock.unlock();
            }
        }
    }

    /** Waits until a sync that started after this call has finished; false if the file must be forced instead. */
    private boolean awaitSync(SyncTargets.Target target) throws IOException {
        lock.lock();
        try {
            if (broken) {
                return false;
            }
            long needed = started + 1;
            nextSync.putIfAbsent(target.device(), target);
            waiting++;
            arrived.signal();
            while (true) {
                while (finished < needed && leading) {
                    awaitInterruptibly(ended, 0);
                }
                if (finished >= needed) {
                    return unsynced != needed;
                }
                lead();
            }
        } finally {
            lock.unlock();
        }
    }

    /** With the lock held: gathers the files still being written, then runs the next sync without the lock. */
    private void lead() throws IOException {
        leading = true;
        long number;
        Map<Object, SyncTargets.Target> batch;
        try {
            long deadline = System.nanoTime() + gatherNanos;
            long left;
            while (waiting < open && (left = deadline - System.nanoTime()) > 0) {
                awaitInterruptibly(arrived, left);
            }
        } catch (IOException interrupted) {
            leading = false;
            ended.signalAll();
            throw interrupted;
        }
        number = ++started;
        batch = nextSync;
        nextSync = new HashMap<>();
        boolean few = waiting < smallestGroup;
        waiting = 0;
        boolean ok = false;
        lock.unlock();
        try {
            ok = !few && syncAll(batch.values());
        } finally {
            lock.lock();
            finished = number;
            leading = false;
            if (!ok) {
                unsynced = number;
                broken |= !few; // a failed sync: every file from now on is forced alone
            }
            ended.signalAll();
        }
    }

    private boolean syncAll(Iterable<SyncTargets.Target> fileSystems) {
        try {
            for (SyncTargets.Target target : fileSystems) {
                if (!SyncTargets.stillThere(target)) {
                    return false; // another file system is mounted there now
                }
                sync.sync(target.path());
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitInterruptibly(Condition condition, long nanos) throws IOException {
        try {
            if (nanos > 0) {
                condition.awaitNanos(nanos);
            } else {
                condition.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the disk");
        }
    }
}
