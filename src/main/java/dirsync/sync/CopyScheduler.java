package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Md5;
import dirsync.fs.Name;
import dirsync.fs.OutOfSpaceException;
import dirsync.fs.Progress;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import dirsync.fs.ReplicaTree;
import dirsync.fs.Work;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Function;

/**
 * Copies a directory's new and resized regular files several at a time, as many as the replica asks for: each is
 * made durable before it takes its name (by an fsync of its own, or a sync shared with others, after which the
 * replica renames it while the copier goes on to the next file). Their results are reported in name order when the
 * directory is settled, before its attributes are set. (Copies of files whose hash the pass computed stay on the
 * pass thread, which verifies them against that hash.)
 */
final class CopyScheduler {

    private final ThreadPoolExecutor copiers;
    private final ThreadLocal<Md5> digests;

    /** @param copiers how many files are copied at once: what the replica tree asks for */
    CopyScheduler(Progress progress, int copiers) {
        this.copiers = Pools.daemons("dirsync-copy", copiers);
        this.digests = ThreadLocal.withInitial(() -> new Md5(progress));
    }

    /**
     * The copies started for one directory, in name order. The pass thread goes on while they run, into the
     * directory's subdirectories and the next directories ({@link Trail}); {@link #settle} waits for them and
     * reports each in name order: its line once installed, or what went wrong. A copy whose action never came up
     * (the pass was stopped first) is still logged if it was installed, so that every file installed in the
     * replica has its line.
     */
    static final class DirectoryCopies {
        static final DirectoryCopies NONE = new DirectoryCopies(Map.of());

        private final Map<Name, Started> started;

        private DirectoryCopies(Map<Name, Started> started) {
            this.started = started;
        }

        /** Whether the file of this name is being copied aside (then its line comes from {@link #settle}). */
        boolean runsAside(Name name) {
            return started.containsKey(name);
        }

        /**
         * Marks the copy of this name (one that {@linkplain #runsAside runs aside}) as come up: its action was
         * reached, so a failure is reported as that action's when the directory is settled.
         */
        void claim(Name name) {
            started.get(name).claimed = true;
        }

        int count() {
            return started.size();
        }

        /** Whether every copy has ended, so that {@link #settle} would not wait. */
        boolean ended() {
            for (Started copy : started.values()) {
                if (!copy.future.isDone()) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Waits for every copy, whatever its outcome, and reports each in name order: installed ones by their line,
         * failed ones whose action came up as that action's failure, unless the pass is being stopped or has lost
         * its replica (a lost connection is one error, reported for the pass, not one for each copy it broke). A
         * copy that found no space left is not reported but returned, to be tried again once every copy has ended
         * ({@link #retry}): the space may have been taken by the temporary files of others.
         */
        List<SpaceRetry> settle(Changes changes) {
            PassContext pass = changes.pass();
            List<SpaceRetry> outOfSpace = new ArrayList<>();
            for (Started copy : started.values()) {
                ReplicaTree.Installed installed = copy.future.handle((done, failure) -> done).join();
                if (installed != null) {
                    changes.copied(copy.file.operation(), copy.file.what(), copy.path, installed,
                            copy.file.replaced() != null && pass.backups().active());
                } else if (copy.claimed && !pass.cancellation().isRequested()) {
                    Exception failure = failureOf(copy);
                    if (failure != null && SpaceRetry.lackOfSpace(failure)) {
                        outOfSpace.add(new SpaceRetry(copy.file, copy.path, copy.kept.get()));
                    } else if (failure != null) {
                        Failures.report(pass, copy.file.action(), copy.path, failure);
                    }
                }
            }
            return outOfSpace;
        }

        /** What a copy failed with, as if it had run on this thread; null if it was only stopped. */
        private static Exception failureOf(Started copy) {
            try {
                Pools.await(copy.future);
                return null;
            } catch (CancellationException stopped) {
                return null; // stopped with the pass: nothing went wrong with this file
            } catch (IOException | RuntimeException e) {
                return e;
            }
        }
    }

    /**
     * A copy that found the disk full, to try once more on the pass thread; {@code kept} whether the file it
     * replaces went to the backup already.
     */
    record SpaceRetry(FileCopy file, RelPath path, boolean kept) {

        /** Whether the tree said it found no space: ENOSPC, EDQUOT, a full remote disk (whatever their words). */
        static boolean lackOfSpace(Throwable failure) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof OutOfSpaceException) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Copies again, alone, a file whose copy found no space left: the copies that shared the disk with it have
     * ended. Returns whether it is installed now; if not, its failure is reported.
     */
    static boolean retry(Changes changes, SpaceRetry retry) {
        PassContext pass = changes.pass();
        FileCopy file = retry.file();
        try {
            if (!retry.kept()) {
                pass.backups().keepBeforeReplacing(retry.path(), file.replaced());
            }
            ReplicaTree.Installed installed =
                    pass.replica().installFile(pass.source(), retry.path(), file.source(), null, pass.work());
            changes.copied(file.operation(), file.what(), retry.path(), installed,
                    file.replaced() != null && pass.backups().active());
            return true;
        } catch (CancellationException stop) {
            throw stop;
        } catch (IOException | RuntimeException e) {
            Failures.report(pass, file.action(), retry.path(), e);
            return false;
        }
    }

    /**
     * One copy under way; {@code claimed} is read and written by the pass thread only; {@code kept} is set by the
     * copier once the file it replaces is in the backup (if there is one).
     */
    private static final class Started {
        private final FileCopy file;
        private final RelPath path;
        private final AtomicBoolean kept;
        private final CompletableFuture<ReplicaTree.Installed> future;
        private boolean claimed;

        Started(FileCopy file, RelPath path, AtomicBoolean kept, CompletableFuture<ReplicaTree.Installed> future) {
            this.file = file;
            this.path = path;
            this.kept = kept;
            this.future = future;
        }
    }

    DirectoryCopies start(PassContext pass, RelPath dir, List<Action> actions) {
        Map<Name, Started> started = new LinkedHashMap<>(); // the actions' order: by name
        for (Action action : actions) {
            FileCopy copy = action.accept(FILE_COPIES);
            if (copy == null || pass.hardLinks().tracks(copy.source())) {
                continue; // a file with several names waits for its turn: it may become a link to an earlier one
            }
            RelPath path = dir.resolve(copy.source().name());
            if (pass.unsettled().asRead(path)) {
                continue; // copied as read, on the pass thread
            }
            // Written on a copier thread, installed perhaps later by the replica (after a sync it shares).
            AtomicBoolean kept = new AtomicBoolean();
            started.put(copy.source().name(), new Started(copy, path, kept, CompletableFuture.supplyAsync(() -> {
                pass.cancellation().check(); // not begun once the pass is stopped or has lost its replica
                try {
                    pass.backups().keepBeforeReplacing(path, copy.replaced());
                    kept.set(true);
                    Work work = new Work(pass.cancellation(), digests.get(), pass.work().progress());
                    return installed(pass, path, copy.source(), work);
                } catch (IOException e) {
                    throw new UncheckedIOException(Failures.asSeenWhenItFailed(pass.source(), copy.source(), path, e));
                }
            }, copiers).thenCompose(Function.identity())));
        }
        return new DirectoryCopies(started);
    }

    /**
     * Installs a copy, renamed into place at once or, where the replica makes files durable together, once their
     * shared sync is done.
     */
    private static CompletableFuture<ReplicaTree.Installed> installed(PassContext pass, RelPath path, Entry source,
                                                                      Work work) throws IOException {
        Optional<ReplicaFeatures.GroupCommit> group = pass.replica().features().groupCommit();
        if (group.isPresent()) {
            return group.get().installFileAside(pass.source(), path, source, work);
        }
        return CompletableFuture.completedFuture(pass.replica().installFile(pass.source(), path, source, null, work));
    }

    /** A regular file to copy aside, the replica entry it replaces (null if none), and how its line reads. */
    record FileCopy(Action action, Entry source, Entry replaced, Operation operation, String what) {
    }

    /** The actions whose regular file is copied without a hash to verify against: new files and resized ones. */
    private static final Action.Visitor<FileCopy, RuntimeException> FILE_COPIES = new Action.Visitor<>() {
        public FileCopy createDirectory(Action.CreateDirectory action) {
            return null;
        }

        public FileCopy syncDirectory(Action.SyncDirectory action) {
            return null;
        }

        public FileCopy copyNew(Action.CopyNew action) {
            return action.source().is(EntryKind.FILE)
                    ? new FileCopy(action, action.source(), null, Operation.COPIED, Texts.copiedNew(EntryKind.FILE)) : null;
        }

        public FileCopy move(Action.Move action) {
            return null;
        }

        public FileCopy update(Action.Update action) {
            return action.source().is(EntryKind.FILE)
                    ? new FileCopy(action, action.source(), action.replica(), Operation.UPDATED, Texts.updated(EntryKind.FILE))
                    : null;
        }

        public FileCopy compareContent(Action.CompareContent action) {
            return null;
        }

        public FileCopy syncLink(Action.SyncLink action) {
            return null;
        }

        public FileCopy replaceType(Action.ReplaceType action) {
            return null;
        }

        public FileCopy skipSpecial(Action.SkipSpecial action) {
            return null;
        }

        public FileCopy delete(Action.Delete action) {
            return null;
        }

        public FileCopy skipUnreadable(Action.SkipUnreadable action) {
            return null;
        }
    };
}
