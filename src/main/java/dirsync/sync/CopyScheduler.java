package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Md5;
import dirsync.fs.Name;
import dirsync.fs.Progress;
import dirsync.fs.RelPath;
import dirsync.fs.Work;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Copies a directory's new and resized regular files several at a time: each copy ends in an fsync, whose
 * latency, not bandwidth, bounds a tree of small files. Their results are reported in name order as the actions
 * come up, and no copy outlives its directory's turn. (Copies of files whose hash the pass computed stay on the
 * pass thread, which verifies them against that hash.)
 */
final class CopyScheduler {

    private static final int COPIERS = 4;

    private final ThreadPoolExecutor copiers = Pools.daemons("dirsync-copy", COPIERS);
    private final ThreadLocal<Md5> digests;

    CopyScheduler(Progress progress) {
        this.digests = ThreadLocal.withInitial(() -> new Md5(progress));
    }

    /** The copies started for one directory, by name. */
    static final class DirectoryCopies {
        private final Map<Name, CompletableFuture<Long>> started;

        private DirectoryCopies(Map<Name, CompletableFuture<Long>> started) {
            this.started = started;
        }

        /** The copy of this name running aside, or null if it is the pass thread's to do. */
        CompletableFuture<Long> of(Name name) {
            return started.get(name);
        }

        /** Waits for every copy, whatever its outcome (each is reported by its own action). */
        void awaitAll() {
            for (CompletableFuture<Long> copy : started.values()) {
                copy.handle((bytes, failure) -> null).join();
            }
        }
    }

    DirectoryCopies start(PassContext pass, RelPath dir, List<Action> actions) {
        Map<Name, CompletableFuture<Long>> started = new HashMap<>();
        for (Action action : actions) {
            FileCopy copy = action.accept(FILE_COPIES);
            if (copy == null) {
                continue;
            }
            RelPath path = dir.resolve(copy.source().name());
            started.put(copy.source().name(), CompletableFuture.supplyAsync(() -> {
                try {
                    pass.backups().keepBeforeReplacing(path, copy.replaced());
                    Work work = new Work(pass.cancellation(), digests.get(), pass.work().progress());
                    return pass.replica().installFile(pass.source(), path, copy.source(), null, work);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, copiers));
        }
        return new DirectoryCopies(started);
    }

    /** A regular file to copy aside, and the replica entry it replaces (null if none). */
    private record FileCopy(Entry source, Entry replaced) {
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
            return action.source().is(EntryKind.FILE) ? new FileCopy(action.source(), null) : null;
        }

        public FileCopy update(Action.Update action) {
            return action.source().is(EntryKind.FILE) ? new FileCopy(action.source(), action.replica()) : null;
        }

        public FileCopy compareContent(Action.CompareContent action) {
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
