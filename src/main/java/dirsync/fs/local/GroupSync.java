package dirsync.fs.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files made durable in groups: one file-system sync for every file written meanwhile, instead of one fsync a
 * file, whose latency bounds a tree of small files. A group commit, pipelined: a writer hands its written file
 * over and goes on to the next one; a committer thread gives the copies still being written up to
 * {@link #GATHER_NANOS} to join, syncs the file systems of all handed over, then renames each into place (or, if
 * they are fewer than {@link #SMALLEST_GROUP}, forces each with its own fsync first). A file handed over while a
 * sync runs waits for the next one, which certainly covers it. Files a sync cannot serve ({@link SyncTargets}) are
 * forced by their writer; after a sync fails, the files it was for are forced one by one, and every file after them
 * by its writer, so a failure costs speed and never durability.
 */
final class GroupSync implements Durability {

    /** How long the committer waits for files still being written (a large one may take much longer). */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Writers never wait for a sync: enough to keep two cores busy, and reads of a cold source under way. */
    private static final int FILES_AT_ONCE = 16;
    /** Past this many files handed over and not yet synced, writers wait: the page cache is not a queue. */
    private static final int MOST_WAITING = 2048;
    private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)");
    /**
     * Fewer files than this are forced one by one: starting the sync command costs more CPU than their fsyncs (a
     * pass of a few changed files).
     */
    private static final int SMALLEST_GROUP = 16;

    private final SyncTargets targets;
    private final FileSystemSync sync;
    private final long gatherNanos;
    private final int smallestGroup;
    private final ThreadPoolExecutor committer;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a file is handed over or abandoned: the committer, while it gathers, waits for it. */
    private final Condition arrived = lock.newCondition();
    /** Signalled when the committer takes the files waiting: writers held by {@link #MOST_WAITING} go on. */
    private final Condition taken = lock.newCondition();
    // Guarded by lock:
    private int writing; // copies begun and neither handed over nor abandoned
    private List<HandedOver> waiting = new ArrayList<>();
    private boolean committing; // the committer has been started and has not seen an empty round since
    private boolean broken; // a sync failed: every file from now on is forced by its writer

    GroupSync(SyncTargets targets, FileSystemSync sync) {
        this(targets, sync, GATHER_NANOS, SMALLEST_GROUP);
    }

    /** With other limits: for tests, which need to be sure what joins a sync, and syncs of a file or two. */
    GroupSync(SyncTargets targets, FileSystemSync sync, long gatherNanos, int smallestGroup) {
        this.targets = targets;
        this.sync = sync;
        this.gatherNanos = gatherNanos;
        this.smallestGroup = smallestGroup;
        this.committer = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "dirsync-sync");
            thread.setDaemon(true);
            return thread;
        });
        this.committer.allowCoreThreadTimeOut(true);
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
            writing++;
            return new Writing();
        } finally {
            lock.unlock();
        }
    }

    /** A written file waiting for a sync, and what runs once it is durable. */
    private record HandedOver(SyncTargets.Target target, Path temp, Install install, CompletableFuture<Long> done) {
    }

    /** A copy that counts as being written (the committer waits for it) until handed over or abandoned. */
    private final class Writing implements Copy {
        private SyncTargets.Target target;
        private Path temp;
        private boolean left;

        @Override
        public void written(Path temp, FileChannel out) throws IOException {
            Optional<SyncTargets.Target> where = targets.of(temp);
            if (where.isEmpty()) {
                leave(); // a file system a sync cannot serve: forced alone, at once
                out.force(true);
                return;
            }
            this.target = where.get();
            this.temp = temp;
        }

        @Override
        public CompletableFuture<Long> whenDurable(Install install) {
            if (target == null) {
                leave();
                return Durability.now(install); // forced alone already
            }
            HandedOver file = new HandedOver(target, temp, install, new CompletableFuture<>());
            handOver(this, file);
            return file.done();
        }

        @Override
        public void abandon() {
            leave();
        }

        /** This copy is no longer being written (once only; later calls do nothing). */
        private void leave() {
            lock.lock();
            try {
                left();
            } finally {
                lock.unlock();
            }
        }

        /** The same, with the lock held. */
        private void left() {
            if (!left) {
                left = true;
                writing--;
                arrived.signal();
            }
        }
    }

    private void handOver(Writing copy, HandedOver file) {
        boolean start;
        lock.lock();
        try {
            copy.left();
            while (waiting.size() >= MOST_WAITING) {
                taken.awaitUninterruptibly();
            }
            waiting.add(file);
            arrived.signal();
            start = !committing;
            committing = true;
        } finally {
            lock.unlock();
        }
        if (start) {
            committer.execute(this::commitRounds);
        }
    }

    /** The committer: round after round, the files handed over meanwhile are made durable and installed. */
    private void commitRounds() {
        while (true) {
            List<HandedOver> round;
            lock.lock();
            try {
                long deadline = System.nanoTime() + gatherNanos;
                long left;
                while (writing > 0 && waiting.size() < MOST_WAITING && (left = deadline - System.nanoTime()) > 0) {
                    try {
                        arrived.awaitNanos(left);
                    } catch (InterruptedException e) {
                        break; // nobody interrupts this thread; if it happens, the round goes ahead
                    }
                }
                if (waiting.isEmpty()) {
                    committing = false;
                    return;
                }
                round = waiting;
                waiting = new ArrayList<>();
                taken.signalAll();
            } finally {
                lock.unlock();
            }
            commit(round);
        }
    }

    private void commit(List<HandedOver> round) {
        boolean synced = false;
        if (round.size() >= smallestGroup && !isBroken()) {
            synced = syncAll(round);
            if (!synced) {
                lock.lock();
                try {
                    broken = true;
                } finally {
                    lock.unlock();
                }
            }
        }
        for (HandedOver file : round) {
            try {
                if (!synced) {
                    forceAlone(file.temp());
                }
                file.done().complete(file.install().run());
            } catch (IOException | RuntimeException | Error e) {
                file.done().completeExceptionally(e); // whatever it is, its copier hears of it: none waits forever
            }
        }
    }

    private boolean isBroken() {
        lock.lock();
        try {
            return broken;
        } finally {
            lock.unlock();
        }
    }

    private boolean syncAll(List<HandedOver> round) {
        Map<Object, SyncTargets.Target> fileSystems = new LinkedHashMap<>();
        for (HandedOver file : round) {
            fileSystems.putIfAbsent(file.target().device(), file.target());
        }
        try {
            for (SyncTargets.Target target : fileSystems.values()) {
                if (!SyncTargets.stillThere(target)) {
                    return false; // another file system is mounted there now
                }
                sync.sync(target.path());
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Forces a file already closed by its writer: an fsync through a descriptor of its own. */
    private static void forceAlone(Path temp) throws IOException {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            channel.force(true);
        }
    }
}
