package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.Listing;
import dirsync.fs.RelPath;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The step for one directory: list both sides, leave out what is excluded, let the {@link Planner} decide, then
 * carry out every action but the deletions, which wait for the end of the walk. New and resized files are copied
 * on copier threads, which may still run when the step returns. What it found and started is handed back as an
 * {@link OpenedDirectory}; the step itself keeps nothing between directories.
 */
final class DirectoryStep {

    /** List replica directories while the pass thread lists the source side, and the next ones ahead. */
    private final ThreadPoolExecutor lister;
    private final int listersAhead;
    private final ContentCheck contentCheck;
    private final CopyScheduler copyScheduler;
    private final PassHooks hooks;

    /** @param listers how many replica directories are listed at once (the replica tree says) */
    DirectoryStep(ContentCheck contentCheck, CopyScheduler copyScheduler, PassHooks hooks, int listers) {
        this.lister = Pools.daemons("dirsync-list", listers);
        this.listersAhead = 2 * listers;
        this.contentCheck = contentCheck;
        this.copyScheduler = copyScheduler;
        this.hooks = hooks;
    }

    /**
     * Opens the directory {@code rel}. {@code replicaDir} is null when the replica has no directory there yet
     * (just created): its listing is then empty without asking the replica.
     */
    OpenedDirectory open(PassContext pass, Changes changes, RelPath rel, Entry sourceDir, Entry replicaDir) {
        return open(pass, changes, rel, sourceDir, replicaDir, null, false);
    }

    /**
     * The same, with the replica's listing {@code started} ahead (or null), and with {@code listAhead} the listings
     * of this directory's subdirectories started ahead of the walk (when the walk will enter them all).
     */
    OpenedDirectory open(PassContext pass, Changes changes, RelPath rel, Entry sourceDir, Entry replicaDir,
                         ListingPair started, boolean listAhead) {
        hooks.beforeListing(rel);
        ListingPair replicaSide = replicaDir == null ? null
                : started != null ? started : ListingPair.start(pass.replica(), rel, lister);
        Listing sourceListing;
        try {
            sourceListing = pass.source().list(rel);
        } catch (IOException e) {
            if (replicaSide != null) {
                replicaSide.abandon();
            }
            // Without the source's listing nothing here can be decided, least of all a deletion.
            if (Failures.changedSince(pass.source(), sourceDir, rel)) {
                pass.report().record(Operation.VANISHED, Texts.SOURCE_DIRECTORY_VANISHED, rel);
            } else {
                pass.report().error(Texts.CANNOT_LIST_SOURCE, rel, e);
            }
            return OpenedDirectory.skipped(rel);
        }
        Listing replicaListing;
        try {
            replicaListing = replicaSide == null ? Listing.EMPTY : replicaSide.get();
        } catch (IOException e) {
            pass.report().error(Texts.CANNOT_LIST_REPLICA, rel, e);
            return OpenedDirectory.skipped(rel);
        }
        pass.work().progress().examined(sourceListing.entries().size());
        reportProblems(pass, sourceListing, rel, "source");
        reportProblems(pass, replicaListing, rel, "replica");
        SyncOptions options = pass.options();
        List<Entry> sourceEntries = options.excludes().keep(rel, sourceListing.entries());
        List<Entry> replicaEntries = options.deleteExcluded() ? replicaListing.entries()
                : options.excludes().keep(rel, replicaListing.entries());
        List<Action> actions = Planner.plan(sourceEntries, replicaEntries);
        hooks.afterPlanning(rel);
        if (replicaDir != null && actions.stream().anyMatch(Action::changesEntries)) {
            try {
                pass.replica().ensureWritable(rel, replicaDir);
            } catch (IOException e) {
                pass.report().error(Texts.CANNOT_MAKE_WRITABLE, rel, e);
            }
        }
        List<Descent> descents = new ArrayList<>();
        List<Action> deletions = new ArrayList<>();
        ContentCheck.Prepared comparisons = contentCheck.prepare(pass, rel, actions);
        CopyScheduler.DirectoryCopies copies = copyScheduler.start(pass, rel, actions);
        ActionApplier applier = new ActionApplier(pass, changes, rel, comparisons, copies);
        try {
            for (Action action : actions) {
                if (action.waitsForDeletions()) {
                    deletions.add(action);
                    continue;
                }
                pass.cancellation().check();
                Descent descent = apply(pass, applier, action, rel);
                if (descent != null) {
                    descents.add(descent);
                }
            }
        } catch (RuntimeException stop) {
            copies.settle(pass, changes, new ArrayList<>()); // each copy installed before the pass stopped is logged
            throw stop;
        }
        return new OpenedDirectory(rel, sourceDir, replicaDir, listAhead
                ? new ListingsAhead(descents, pass.replica(), rel, lister, listersAhead) : descents.iterator(), deletions,
                copies, sourceEntries.isEmpty() && !replicaEntries.isEmpty());
    }

    /** Carries out one action; a failure is reported and counted, and the pass goes on. */
    static Descent apply(PassContext pass, ActionApplier applier, Action action, RelPath dir) {
        try {
            return action.accept(applier);
        } catch (CancellationException stop) {
            throw stop;
        } catch (IOException | RuntimeException e) {
            Failures.report(pass, action, dir.resolve(action.name()), e);
            return null;
        }
    }

    private static void reportProblems(PassContext pass, Listing listing, RelPath rel, String side) {
        for (Listing.Problem problem : listing.problems()) {
            pass.report().error(Texts.cannotExamine(side), rel.resolve(problem.name()), problem.cause());
        }
    }
}
