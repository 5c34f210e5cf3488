package dirsync.sync;

import dirsync.fs.Cancellation;
import dirsync.fs.DirectoryLister;
import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Listing;
import dirsync.fs.Md5;
import dirsync.fs.Progress;
import dirsync.fs.ReplicaWriter;
import dirsync.fs.SourceChangedException;
import dirsync.fs.TreeDeletion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CancellationException;

/**
 * Makes the replica an exact mirror of the source, one pass at a time. The walk goes directory by directory
 * (memory follows the widest directory, and an explicit stack keeps deep trees off the call stack): list both
 * sides, let the {@link Planner} decide, carry out its actions, descend into subdirectories, then delete what
 * the replica has in excess and bring the directory's own attributes over.
 *
 * <p>An error on one entry is logged and counted, and the pass goes on. Nothing is written to the source, and
 * nothing outside the replica is touched: every write goes through {@link ReplicaWriter}, which follows no link.
 */
public final class Synchronizer {

    private static final Path ROOT = Path.of("");
    private static final int COPIERS = 4;
    /** One backup directory per pass, named for its start: sortable, and free of characters shells dislike. */
    private static final DateTimeFormatter BACKUP_STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path source;
    private final Path replica;
    private final SyncOptions options;
    private final boolean dryRun;
    private final Progress progress = new Progress();
    private final Hashing hashing = new Hashing(progress);
    private final Md5 md5 = hashing.onPassThread();
    private final VerifiedPairs verified;
    private final Clock clock;
    /**
     * Copies of new and resized files run several at a time: each one ends with an fsync, whose latency,
     * not bandwidth, bounds a tree of small files. Idle threads end after a few seconds.
     */
    private final ThreadPoolExecutor copiers = daemonPool("dirsync-copy", COPIERS);
    /** Lists the replica side of each directory while the pass thread lists the source side. */
    private final ThreadPoolExecutor lister = daemonPool("dirsync-list", 1);
    private long passes;

    /**
     * @param source  the source root, an existing directory
     * @param replica the replica root; created if missing (except in a dry run)
     * @param options dry run and the deletion guards
     */
    public Synchronizer(Path source, Path replica, SyncOptions options) {
        this(source, replica, options, Clock.systemUTC());
    }

    /** With the clock that decides which files changed too recently to remember (tests move it forward). */
    Synchronizer(Path source, Path replica, SyncOptions options, Clock clock) {
        this.source = source;
        this.replica = replica;
        this.options = options;
        this.dryRun = options.dryRun();
        this.verified = options.rememberHashes() ? new VerifiedPairs() : null;
        this.clock = clock;
    }

    /** A synchronizer with the default guards, for a real run or a dry run. */
    public Synchronizer(Path source, Path replica, boolean dryRun) {
        this(source, replica, SyncOptions.defaults().withDryRun(dryRun));
    }

    /**
     * Starts the verified-hash memory from what {@link #exportHashMemory} gave an earlier run (ignored if
     * damaged, or if the memory is off). Returns whether anything was taken.
     */
    public boolean importHashMemory(byte[] saved) {
        return verified != null && verified.fromBytes(saved);
    }

    /** The verified-hash memory, for the next run; null when the memory is off. Call between passes only. */
    public byte[] exportHashMemory() {
        return verified == null ? null : verified.toBytes();
    }

    /** The live counters of the running pass (or of the last one), for progress reports from another thread. */
    public Progress progress() {
        return progress;
    }

    /** Runs one pass, logs its summary line, and returns the summary. */
    public PassSummary runPass(Cancellation cancellation) {
        long number = ++passes;
        long started = System.nanoTime();
        progress.restart();
        PassReport report = new PassReport(dryRun);
        Pass pass = new Pass(report, cancellation);
        boolean completed = true;
        try {
            pass.run();
        } catch (CancellationException stop) {
            completed = false;
        }
        if (verified != null) {
            verified.passEnded(completed);
        }
        PassSummary summary = report.summary(pass.startedAt, Duration.ofNanos(System.nanoTime() - started), completed);
        report.summaryLine(number, summary);
        return summary;
    }

    /** The state of one pass. */
    private final class Pass {
        private final PassReport report;
        private final Cancellation cancellation;
        private final ReplicaWriter writer;
        /** Directories whose deletions wait for the end of the walk, in the order the walk finished them. */
        private final List<Directory> withDeletions = new ArrayList<>();
        /** Why this pass must delete nothing, or null. */
        private String deletionsRefused;
        /** When this pass started, by the clock that judges whether a file changed too recently to remember. */
        private final Instant startedAt = clock.instant();
        /** The replica-side hashes of the directory being opened, computed ahead on the helper threads. */
        private Map<Path, CompletableFuture<byte[]>> replicaHashes = Map.of();
        /** The names of the directory being opened whose pairs an earlier pass verified equal, unchanged since. */
        private Set<Path> verifiedNames = Set.of();
        /** The copies of the directory being opened, running on the copier threads. */
        private Map<Path, CompletableFuture<Long>> copiesInFlight = Map.of();
        /** Where this pass keeps what it deletes or overwrites, or null for no backup. */
        private final Path backupRoot;

        Pass(PassReport report, Cancellation cancellation) {
            this.report = report;
            this.cancellation = cancellation;
            this.writer = new ReplicaWriter(cancellation, md5, progress);
            this.backupRoot = options.backupDir().map(dir -> dir.resolve(BACKUP_STAMP.format(Instant.now())))
                    .orElse(null);
        }

        void run() {
            Entry sourceRoot;
            try {
                sourceRoot = DirectoryLister.examine(source);
            } catch (IOException e) {
                report.error("cannot read source directory", ROOT, e);
                return;
            }
            if (!sourceRoot.is(EntryKind.DIRECTORY)) {
                report.record(Operation.ERROR, "error: source is no longer a directory:", ROOT);
                return;
            }
            Entry replicaRoot = replicaRoot();
            if (replicaRoot == null && !dryRun) {
                return;
            }
            Deque<Directory> stack = new ArrayDeque<>();
            stack.push(open(ROOT, sourceRoot, replicaRoot));
            while (!stack.isEmpty()) {
                cancellation.check();
                Directory top = stack.peek();
                if (top.descents.hasNext()) {
                    Descent next = top.descents.next();
                    stack.push(open(top.relative.resolve(next.source.name()), next.source, next.replica));
                } else {
                    stack.pop();
                    finish(top);
                }
            }
            applyDeletions();
        }

        /** The replica root's entry, created if it went missing; null (after an error) if unusable. */
        private Entry replicaRoot() {
            try {
                if (!Files.exists(replica, LinkOption.NOFOLLOW_LINKS)) {
                    if (!dryRun) {
                        Files.createDirectories(replica);
                    }
                    report.record(Operation.CREATED_DIRECTORY, "created directory", ROOT);
                    if (dryRun) {
                        return null;
                    }
                }
                Entry entry = DirectoryLister.examine(replica);
                if (!entry.is(EntryKind.DIRECTORY)) {
                    report.record(Operation.ERROR, "error: replica is no longer a directory:", ROOT);
                    return null;
                }
                return entry;
            } catch (IOException e) {
                report.error("cannot use replica directory", ROOT, e);
                return null;
            }
        }

        /**
         * Lists one directory on both sides and carries out every action but deletions, which wait until
         * the directory's subtree is done. {@code replicaDir} is null when the replica has no directory there
         * yet (just created, or only imagined in a dry run): its listing is then empty without asking the disk.
         */
        private Directory open(Path relative, Entry sourceDir, Entry replicaDir) {
            ReplicaListing replicaSide = replicaDir == null ? null : new ReplicaListing(replica.resolve(relative));
            if (replicaSide != null) {
                lister.execute(replicaSide);
            }
            Listing sourceListing;
            Listing replicaListing;
            try {
                sourceListing = DirectoryLister.list(source.resolve(relative));
            } catch (IOException e) {
                if (replicaSide != null) {
                    replicaSide.abandon();
                }
                // Without the source's listing nothing here can be decided, least of all a deletion.
                if (changedSince(sourceDir, relative)) {
                    report.record(Operation.VANISHED, "source directory vanished or changed type:", relative);
                } else {
                    report.error("cannot list source directory", relative, e);
                }
                return Directory.skipped(relative);
            }
            try {
                replicaListing = replicaSide == null ? Listing.EMPTY : replicaSide.get();
            } catch (IOException e) {
                report.error("cannot list replica directory", relative, e);
                return Directory.skipped(relative);
            }
            progress.examined(sourceListing.entries().size());
            reportProblems(sourceListing, relative, "source");
            reportProblems(replicaListing, relative, "replica");
            List<Entry> sourceEntries = options.excludes().keep(relative, sourceListing.entries());
            List<Entry> replicaEntries = options.deleteExcluded() ? replicaListing.entries()
                    : options.excludes().keep(relative, replicaListing.entries());
            if (relative.equals(ROOT) && sourceEntries.isEmpty() && !replicaEntries.isEmpty()
                    && !options.allowEmptySource()) {
                deletionsRefused = "the source is empty but the replica is not (an unmounted disk looks like "
                        + "this; --allow-empty-source allows it)";
            }

            List<Action> actions = Planner.plan(sourceEntries, replicaEntries);
            if (replicaDir != null && !dryRun && changesEntries(actions)) {
                try {
                    writer.ensureOwnerCanWrite(replica.resolve(relative), replicaDir);
                } catch (IOException e) {
                    report.error("cannot make replica directory writable", relative, e);
                }
            }
            replicaHashes = hashing.aside(prepareComparisons(relative, actions), cancellation);
            copiesInFlight = startCopies(relative, actions);
            List<Descent> descents = new ArrayList<>();
            List<Action> deletions = new ArrayList<>();
            try {
                for (Action action : actions) {
                    if (deletesATree(action) || action instanceof Action.Delete) {
                        deletions.add(action);
                        continue;
                    }
                    cancellation.check();
                    Path path = relative.resolve(action.name());
                    try {
                        Descent descent = apply(action, path);
                        if (descent != null) {
                            descents.add(descent);
                        }
                    } catch (CancellationException stop) {
                        throw stop;
                    } catch (IOException | RuntimeException e) {
                        failed(action, path, e);
                    }
                }
            } finally {
                // No copy outlives its directory's turn, not even when the pass is stopped.
                for (CompletableFuture<Long> copy : copiesInFlight.values()) {
                    copy.handle((bytes, failure) -> null).join();
                }
            }
            return new Directory(relative, sourceDir, replicaDir, descents.iterator(), deletions);
        }

        /**
         * Starts the copies of one directory's new and resized regular files on the copier threads; their results
         * are reported in name order as the actions come up. (Copies of files whose hash this pass computed stay
         * on the pass thread, which verifies them against that hash.)
         */
        private Map<Path, CompletableFuture<Long>> startCopies(Path relative, List<Action> actions) {
            if (dryRun) {
                return Map.of();
            }
            Map<Path, CompletableFuture<Long>> started = new HashMap<>();
            for (Action action : actions) {
                Entry sourceEntry;
                Entry replaced;
                if (action instanceof Action.CopyNew copy && copy.source().is(EntryKind.FILE)) {
                    sourceEntry = copy.source();
                    replaced = null;
                } else if (action instanceof Action.Update update && update.source().is(EntryKind.FILE)) {
                    sourceEntry = update.source();
                    replaced = update.replica();
                } else {
                    continue;
                }
                Path path = relative.resolve(action.name());
                started.put(action.name(), CompletableFuture.supplyAsync(() -> {
                    try {
                        return copyFile(sourceEntry, replaced, path);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, copiers));
            }
            return started;
        }

        /** Copies a regular file into place, keeping the version it replaces in the backup if there is one. */
        private long copyFile(Entry sourceEntry, Entry replaced, Path path) throws IOException {
            Path target = replica.resolve(path);
            if (replaced != null && backupRoot != null) {
                writer.keepInBackup(target, backupRoot.resolve(path));
            }
            return writer.installFile(source.resolve(path), sourceEntry, target, null);
        }

        /** Carries out one action; returns the subdirectory to walk next, if the action leads into one. */
        private Descent apply(Action action, Path path) throws IOException {
            if (action instanceof Action.CreateDirectory create) {
                makeDirectory(path);
                report.record(Operation.CREATED_DIRECTORY, "created directory", path);
                return new Descent(create.source(), null);
            } else if (action instanceof Action.SyncDirectory sync) {
                return new Descent(sync.source(), sync.replica());
            } else if (action instanceof Action.CopyNew copy) {
                install(copy.source(), null, path, Operation.COPIED, "copied new " + copy.source().kind().label(),
                        null);
            } else if (action instanceof Action.Update update) {
                install(update.source(), update.replica(), path, Operation.UPDATED,
                        "updated " + update.source().kind().label(), null);
            } else if (action instanceof Action.CompareContent compare) {
                compare(compare.source(), compare.replica(), path);
            } else if (action instanceof Action.ReplaceType replace) {
                return replace(replace.source(), replace.replica(), path);
            } else if (action instanceof Action.SkipSpecial skip) {
                report.record(Operation.SKIPPED, "skipped special file", path, " (not mirrored)");
            } else if (action instanceof Action.SkipUnreadable) {
                report.debug("left alone, could not be examined:", path);
            } else {
                throw new IllegalStateException("unplanned action " + action);
            }
            return null;
        }

        /**
         * Sorts one directory's pairs to compare: those an earlier pass verified equal and unchanged since go to
         * {@link #verifiedNames}; the replica side of every other pair is returned, to be hashed ahead on the
         * helper threads.
         */
        private List<Hashing.Job> prepareComparisons(Path relative, List<Action> actions) {
            List<Hashing.Job> jobs = new ArrayList<>();
            if (options.compare() == SyncOptions.Compare.QUICK) {
                return jobs;
            }
            verifiedNames = new HashSet<>();
            for (Action action : actions) {
                if (!(action instanceof Action.CompareContent compare)) {
                    continue;
                }
                if (knownEqual(compare.source(), compare.replica())) {
                    verifiedNames.add(compare.name());
                } else {
                    Path path = relative.resolve(compare.name());
                    jobs.add(new Hashing.Job(compare.name(), replica.resolve(path), compare.replica().size()));
                }
            }
            return jobs;
        }

        /** Whether an earlier pass verified this very pair, in this very state, equal. */
        private boolean knownEqual(Entry sourceFile, Entry replicaFile) {
            long[] fingerprint = verified == null ? null : verified.fingerprint(sourceFile, replicaFile);
            return fingerprint != null && verified.recall(fingerprint);
        }

        private void compare(Entry sourceFile, Entry replicaFile, Path path) throws IOException {
            if (options.compare() == SyncOptions.Compare.QUICK) {
                if (sourceFile.modified().equals(replicaFile.modified())) {
                    same(sourceFile, replicaFile, path, "unchanged (same size and time):");
                } else {
                    install(sourceFile, replicaFile, path, Operation.UPDATED, "updated file", null);
                }
                return;
            }
            if (verifiedNames.contains(path.getFileName())) {
                same(sourceFile, replicaFile, path, "unchanged (verified earlier, neither side changed since):");
                return;
            }
            // The source here on the pass thread, the replica meanwhile on a helper thread.
            byte[] sourceHash = md5.of(source.resolve(path), cancellation);
            CompletableFuture<byte[]> aside = replicaHashes.get(path.getFileName());
            byte[] replicaHash = aside != null ? Hashing.await(aside) : md5.of(replica.resolve(path), cancellation);
            if (!Arrays.equals(sourceHash, replicaHash)) {
                install(sourceFile, replicaFile, path, Operation.UPDATED, "updated file", sourceHash);
                return;
            }
            remember(sourceFile, replicaFile, path);
            same(sourceFile, replicaFile, path, "unchanged (same MD5):");
        }

        /** Remembers a pair found equal, if neither side changed while it was hashed. */
        private void remember(Entry sourceFile, Entry replicaFile, Path path) {
            long[] fingerprint = verified == null ? null : verified.fingerprint(sourceFile, replicaFile);
            if (fingerprint == null) {
                return;
            }
            try {
                if (DirectoryLister.examine(source.resolve(path)).equals(sourceFile)
                        && DirectoryLister.examine(replica.resolve(path)).equals(replicaFile)) {
                    verified.learn(fingerprint, sourceFile, replicaFile, startedAt);
                }
            } catch (IOException changed) {
                // gone or changed since: nothing to remember
            }
        }

        /** The contents are equal: only attributes may need bringing over. */
        private void same(Entry sourceFile, Entry replicaFile, Path path, String how) throws IOException {
            if (!sourceFile.sameAttributes(replicaFile)) {
                if (!dryRun) {
                    writer.setAttributes(replica.resolve(path), sourceFile);
                }
                report.record(Operation.ATTRIBUTES, "updated attributes of file", path);
            } else {
                report.debug(how, path);
            }
        }

        /**
         * Replaces a replica entry of another kind. A replica directory is only ever replaced in the deletion
         * phase, after the walk: its contents count as deletions.
         */
        private Descent replace(Entry sourceEntry, Entry replicaEntry, Path path) throws IOException {
            String what = "replaced " + replicaEntry.kind().label() + " with " + sourceEntry.kind().label();
            if (replicaEntry.is(EntryKind.DIRECTORY) || sourceEntry.is(EntryKind.DIRECTORY)) {
                if (remove(replicaEntry, path) == null) {
                    return null;
                }
                if (sourceEntry.is(EntryKind.DIRECTORY)) {
                    makeDirectory(path);
                    report.record(Operation.REPLACED, what, path);
                    return new Descent(sourceEntry, null);
                }
                install(sourceEntry, null, path, Operation.REPLACED, what, null);
                return null;
            }
            // A file or link is renamed over the old non-directory in one step.
            install(sourceEntry, replicaEntry, path, Operation.REPLACED, what, null);
            return null;
        }

        /**
         * Installs a file or link over {@code replaced} (null if nothing is there), which goes to the backup
         * first if there is one; {@code sourceMd5}, if this pass hashed the source, must match the copy.
         */
        private void install(Entry sourceEntry, Entry replaced, Path path, Operation operation, String what,
                             byte[] sourceMd5) throws IOException {
            Path target = replica.resolve(path);
            boolean keepOld = replaced != null && backupRoot != null;
            String kept = keepOld ? "old version kept in backup" : null;
            if (sourceEntry.is(EntryKind.SYMLINK)) {
                if (!dryRun) {
                    if (keepOld) {
                        writer.keepInBackup(target, backupRoot.resolve(path));
                    }
                    writer.installSymlink(target, sourceEntry);
                }
                report.record(operation, what, path,
                        " -> " + sourceEntry.linkTarget() + (kept == null ? "" : " (" + kept + ")"));
                return;
            }
            CompletableFuture<Long> started = sourceMd5 == null ? copiesInFlight.get(path.getFileName()) : null;
            long bytes;
            if (dryRun) {
                bytes = sourceEntry.size();
            } else if (started != null) {
                bytes = Hashing.await(started);
            } else {
                if (keepOld) {
                    writer.keepInBackup(target, backupRoot.resolve(path));
                }
                bytes = writer.installFile(source.resolve(path), sourceEntry, target, sourceMd5);
            }
            report.copied(bytes);
            report.record(operation, what, path, " (" + bytes + " bytes" + (kept == null ? "" : ", " + kept) + ")");
        }

        private void makeDirectory(Path path) throws IOException {
            if (!dryRun) {
                writer.createDirectory(replica.resolve(path));
            }
        }

        /**
         * A directory's subtree is done. Its attributes are set now, unless it has entries to delete: then both
         * wait for the deletion phase, since deleting changes a directory's modification time.
         */
        private void finish(Directory dir) {
            if (dir.deletions.isEmpty()) {
                setDirectoryAttributes(dir);
            } else {
                withDeletions.add(dir);
            }
        }

        /**
         * The deletion phase, after the whole walk: first the guards decide whether this pass may delete at
         * all (all or nothing, never "delete N, then stop"), then each waiting directory loses its extra
         * entries, deepest first, and gets its attributes.
         */
        private void applyDeletions() {
            if (withDeletions.isEmpty()) {
                return;
            }
            String refusal = deletionsRefused != null ? deletionsRefused : overTheLimit();
            if (refusal != null) {
                report.record(Operation.ERROR, "error: deleted nothing this pass:", ROOT, " " + refusal);
            }
            for (Directory dir : withDeletions) {
                if (refusal == null) {
                    for (Action deletion : dir.deletions) {
                        cancellation.check();
                        Path path = dir.relative.resolve(deletion.name());
                        try {
                            if (deletion instanceof Action.ReplaceType replace) {
                                replace(replace.source(), replace.replica(), path);
                            } else {
                                delete(((Action.Delete) deletion).replica(), path);
                            }
                        } catch (CancellationException stop) {
                            throw stop;
                        } catch (IOException | RuntimeException e) {
                            failed(deletion, path, e);
                        }
                    }
                }
                setDirectoryAttributes(dir);
            }
        }

        /** With --max-delete, the reason this pass must delete nothing, or null if it stays within the limit. */
        private String overTheLimit() {
            if (options.maxDelete().isEmpty()) {
                return null;
            }
            long limit = options.maxDelete().getAsLong();
            long total = 0;
            for (Directory dir : withDeletions) {
                for (Action deletion : dir.deletions) {
                    cancellation.check();
                    Entry doomed = deletion instanceof Action.ReplaceType replace ? replace.replica()
                            : ((Action.Delete) deletion).replica();
                    total += doomed.is(EntryKind.DIRECTORY)
                            ? writer.countTree(replica.resolve(dir.relative.resolve(deletion.name())))
                            : 1;
                }
            }
            return total > limit
                    ? "it would delete " + total + " entries, more than --max-delete " + limit + " allows"
                    : null;
        }

        private void setDirectoryAttributes(Directory dir) {
            if (dir.sourceDir == null || dryRun) {
                return;
            }
            Path target = replica.resolve(dir.relative);
            try {
                Entry current = DirectoryLister.examine(target);
                if (current.is(EntryKind.DIRECTORY) && !current.sameAttributes(dir.sourceDir)) {
                    writer.setAttributes(target, dir.sourceDir);
                    boolean permissionsChanged = dir.replicaDir != null
                            && !dir.replicaDir.permissions().equals(dir.sourceDir.permissions());
                    if (permissionsChanged) {
                        report.record(Operation.ATTRIBUTES, "updated attributes of directory", dir.relative);
                    }
                }
            } catch (IOException e) {
                report.error("cannot set attributes of directory", dir.relative, e);
            }
        }

        private void delete(Entry replicaEntry, Path path) throws IOException {
            String detail = remove(replicaEntry, path);
            if (detail != null) {
                boolean directory = replicaEntry.is(EntryKind.DIRECTORY);
                report.record(directory ? Operation.DELETED_DIRECTORY : Operation.DELETED,
                        "deleted " + replicaEntry.kind().label(), path, detail);
            }
        }

        /**
         * Removes a replica entry, a directory with all it holds: into the backup if there is one, else for
         * good. Returns the detail for its log line, or null if it could not all go (the failures are reported).
         */
        private String remove(Entry replicaEntry, Path path) throws IOException {
            Path target = replica.resolve(path);
            if (backupRoot != null) {
                if (!dryRun) {
                    writer.moveToBackup(target, backupRoot.resolve(path));
                }
                return " (moved to backup)";
            }
            if (dryRun) {
                return "";
            }
            if (!replicaEntry.is(EntryKind.DIRECTORY)) {
                writer.delete(target);
                return "";
            }
            TreeDeletion deletion = writer.deleteTree(target);
            cancellation.check(); // a stop ends a tree deletion early: it must not be reported as done
            reportFailures(deletion, path);
            if (!deletion.complete()) {
                return null;
            }
            long inside = Math.max(0, deletion.nonDirectories() + deletion.directories() - 1);
            return " (" + inside + " entries inside)";
        }

        private void failed(Action action, Path path, Exception e) {
            if (e instanceof SourceChangedException changed) {
                report.record(Operation.CHANGING, "source changed during copy, retried next pass:", path,
                        " (" + changed.getMessage() + ")");
            } else if (action instanceof Action.FromSource fromSource && changedSince(fromSource.source(), path)) {
                report.record(Operation.VANISHED, "vanished from the source (or changed type) before it was copied:",
                        path);
            } else {
                report.error(verb(action), path, e);
            }
        }

        /**
         * Whether a source entry is gone or is no longer of the kind it was listed as: a race with whoever
         * writes the source, which the next pass sees settled, not an error.
         */
        private boolean changedSince(Entry listed, Path path) {
            try {
                return DirectoryLister.examine(source.resolve(path)).kind() != listed.kind();
            } catch (IOException gone) {
                return true; // no such file, or a parent that is no longer a directory
            }
        }

        private void reportFailures(TreeDeletion deletion, Path path) {
            for (TreeDeletion.Failure failure : deletion.failures()) {
                Path inside = replica.resolve(path).relativize(failure.path());
                report.error("cannot delete", path.resolve(inside), failure.cause());
            }
        }

        private void reportProblems(Listing listing, Path relative, String side) {
            for (Listing.Problem problem : listing.problems()) {
                report.error("cannot examine " + side + " entry", relative.resolve(problem.name()), problem.cause());
            }
        }
    }

    static ThreadPoolExecutor daemonPool(String name, int threads) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 5, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, name);
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * The listing of one replica directory, made by whichever thread comes to it first: the lister thread,
     * while the pass thread lists the source side (a listing costs a stat per entry, so a pass with little to do
     * takes much less time with both sides at once), or the pass thread itself when it is done with the source
     * side before the lister has begun. A small directory is listed in microseconds: the pass thread then spins
     * for the lister's result rather than sleep and wait for a wake-up that takes longer than the listing.
     */
    private static final class ReplicaListing implements Runnable {
        private static final int SPINS = 1 << 14;

        private final Path dir;
        private final AtomicBoolean claimed = new AtomicBoolean();
        private final CompletableFuture<Listing> result = new CompletableFuture<>();

        ReplicaListing(Path dir) {
            this.dir = dir;
        }

        @Override
        public void run() {
            if (claimed.compareAndSet(false, true)) {
                try {
                    result.complete(DirectoryLister.list(dir));
                } catch (IOException | RuntimeException e) {
                    result.completeExceptionally(e);
                }
            }
        }

        /** The listing: made here and now unless the lister thread has begun it. */
        Listing get() throws IOException {
            run();
            for (int i = 0; i < SPINS && !result.isDone(); i++) {
                Thread.onSpinWait();
            }
            return Hashing.await(result);
        }

        /** Not needed after all: if the lister has not begun it, it never will. */
        void abandon() {
            claimed.set(true);
        }
    }

    /** A replica directory replaced by a file or link: its whole tree goes, so it waits with the deletions. */
    private static boolean deletesATree(Action action) {
        return action instanceof Action.ReplaceType replace && replace.replica().is(EntryKind.DIRECTORY);
    }

    private static boolean changesEntries(List<Action> actions) {
        for (Action action : actions) {
            if (!(action instanceof Action.SyncDirectory || action instanceof Action.SkipSpecial
                    || action instanceof Action.SkipUnreadable)) {
                return true;
            }
        }
        return false;
    }

    private static String verb(Action action) {
        if (action instanceof Action.Delete) {
            return "cannot delete";
        } else if (action instanceof Action.CreateDirectory) {
            return "cannot create directory";
        } else if (action instanceof Action.CompareContent) {
            return "cannot compare";
        } else if (action instanceof Action.ReplaceType) {
            return "cannot replace";
        }
        return "cannot copy";
    }

    /** A subdirectory to walk: its source entry, and its replica entry if one already existed before the pass. */
    private record Descent(Entry source, Entry replica) {
    }

    /** A directory whose subtree is being walked; its deletions and attributes wait until the subtree is done. */
    private record Directory(Path relative, Entry sourceDir, Entry replicaDir, Iterator<Descent> descents,
                             List<Action> deletions) {

        static Directory skipped(Path relative) {
            return new Directory(relative, null, null, List.<Descent>of().iterator(), List.of());
        }
    }
}
