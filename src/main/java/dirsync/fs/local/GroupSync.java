package dirsync.fs.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Files made durable in groups: one file-system sync for every file written meanwhile, instead of one fsync a
 * file, whose latency bounds a tree of small files. A group commit: the first file to wait leads; it gives files
 * still being written up to {@link #GATHER_NANOS} to join, then syncs the file systems of all that wait. A file
 * whose last byte was written while a sync ran waits for the next one, which certainly covers it. Files a sync
 * cannot serve ({@link SyncTargets}) are forced one by one; after a sync fails, the files it was for, and every
 * file after them, are forced one by one as well, so a failure costs speed and never durability.
 */
final class GroupSync implements Durability {

    /** How long the leader of a sync waits for files still being written (a large one may take much longer). */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Enough writers for a whole directory of small files to share one sync. */
    private static final int FILES_AT_ONCE = 128;

    private final SyncTargets targets;
    private final FileSystemSync sync;
    private final Object lock = new Object();
    // Guarded by lock:
    private int open; // pending files neither settled nor abandoned
    private int waiting; // files waiting for a sync that has not started yet
    private Map<Object, SyncTargets.Target> nextSync = new HashMap<>();
    private long started; // syncs started so far
    private long finished; // syncs finished so far (they run one at a time)
    private boolean leading; // a file is gathering others for a sync, or running it
    private long failedSync = -1;
    private boolean broken;

    GroupSync(SyncTargets targets, FileSystemSync sync) {
        this.targets = targets;
        this.sync = sync;
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
        java.util.regex.Matcher release = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
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
    public Pending written(Path temp, FileChannel out) throws IOException {
        Optional<SyncTargets.Target> target = targets.of(temp);
        synchronized (lock) {
            if (target.isPresent() && !broken) {
                open++;
                return new Waiting(target.get(), out);
            }
        }
        return EACH_FILE.written(temp, out);
    }

    private final class Waiting implements Pending {
        private final SyncTargets.Target target;
        private final FileChannel out;

        Waiting(SyncTargets.Target target, FileChannel out) {
            this.target = target;
            this.out = out;
        }

        @Override
        public void await() throws IOException {
            boolean synced;
            try {
                synced = awaitSync(target);
            } finally {
                settled();
            }
            if (!synced) {
                out.force(true);
            }
        }

        @Override
        public void abandon() {
            settled();
        }
    }

    private void settled() {
        synchronized (lock) {
            open--;
            lock.notifyAll(); // a leader may be gathering until every open file waits
        }
    }

    /** Waits until a sync that started after this call has finished; false if the file must be forced instead. */
    private boolean awaitSync(SyncTargets.Target target) throws IOException {
        long needed;
        synchronized (lock) {
            if (broken) {
                return false;
            }
            needed = started + 1;
            nextSync.putIfAbsent(target.device(), target);
            waiting++;
            lock.notifyAll();
        }
        while (true) {
            long number;
            Map<Object, SyncTargets.Target> batch;
            synchronized (lock) {
                while (finished < needed && leading) {
                    waitInterruptibly(0);
                }
                if (finished >= needed) {
                    return failedSync != needed;
                }
                leading = true;
                try {
                    gather();
                } catch (IOException interrupted) {
                    leading = false;
                    lock.notifyAll();
                    throw interrupted;
                }
                number = ++started;
                batch = nextSync;
                nextSync = new HashMap<>();
                waiting = 0;
            }
            boolean ok = false;
            try {
                ok = syncAll(batch.values());
            } finally {
                synchronized (lock) {
                    finished = number;
                    leading = false;
                    if (!ok) {
                        failedSync = number;
                        broken = true;
                    }
                    lock.notifyAll();
                }
            }
        }
    }

    /** With the lock held: gives the files still being written a little time to join the sync about to start. */
    private void gather() throws IOException {
        long deadline = System.nanoTime() + GATHER_NANOS;
        long left;
        while (waiting < open && (left = deadline - System.nanoTime()) > 0) {
            waitInterruptibly(left);
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

    private void waitInterruptibly(long nanos) throws IOException {
        try {
            if (nanos > 0) {
                TimeUnit.NANOSECONDS.timedWait(lock, nanos);
            } else {
                lock.wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the disk");
        }
    }
}
