package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Listing;
import dirsync.fs.RelPath;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    private final Finishes finishes;
    private final DirectoryCreations directoryCreations;
    private final PassHooks hooks;
    /** Whether comparisons still hashing trail behind the walk (the replica tree says). */
    private final boolean comparisonsTrail;

    /**
     * @param listers how many replica directories are listed at once (the replica tree says)
     * @param finishes where the directories the walk has left get their attributes
     * @param directoryCreations where a directory's new subdirectories are made
     * @param comparisonsTrail whether comparisons still hashing are decided when their directory is settled
     */
    DirectoryStep(ContentCheck contentCheck, CopyScheduler copyScheduler, Finishes finishes,
                  DirectoryCreations directoryCreations, PassHooks hooks, int listers, boolean comparisonsTrail) {
        this.comparisonsTrail = comparisonsTrail;
        this.lister = Pools.daemons("dirsync-list", listers);
        this.listersAhead = 2 * listers;
        this.contentCheck = contentCheck;
        this.copyScheduler = copyScheduler;
        this.finishes = finishes;
        this.directoryCreations = directoryCreations;
        this.hooks = hooks;
    }

    /** Where the directories the walk has left get their attributes. */
    Finishes finishes() {
        return finishes;
    }

    /**
     * Opens the directory {@code rel}, found as {@code dir}; with {@code listAhead} the replica listings of its
     * subdirectories are started ahead of the walk (when the walk will enter them all).
     */
    OpenedDirectory open(Changes changes, RelPath rel, Descent dir, boolean listAhead) {
        PassContext pass = changes.pass();
        hooks.beforeListing(rel);
        Optional<Sides> listed = list(pass, rel, dir);
        if (listed.isEmpty()) {
            return OpenedDirectory.skipped(rel);
        }
        Sides sides = listed.get();
        pass.moves().opened(rel, dir);
        List<Action> actions = pass.moves().find(pass, rel, Planner.plan(sides.source(), sides.replica()),
                sides.replica());
        hooks.afterPlanning(rel);
        if (!dir.newInReplica() && changesEntries(actions)) {
            try {
                pass.replica().ensureWritable(rel, dir.replica());
            } catch (IOException e) {
                pass.report().error(Texts.CANNOT_MAKE_WRITABLE, rel, e);
            }
        }
        ContentCheck.Prepared comparisons = contentCheck.prepare(pass, rel, actions);
        TrailingComparisons trailing = TrailingComparisons.of(comparisonsTrail, comparisons);
        CopyScheduler.DirectoryCopies copies = copyScheduler.start(pass, rel, actions);
        DirectoryCreations.Begun creations = directoryCreations.begin(pass, rel, actions);
        Applied applied;
        try {
            applied = applyAllButDeletions(pass, rel, actions,
                    new ActionApplier(changes, rel, comparisons, trailing, copies, creations));
        } catch (RuntimeException stop) {
            copies.settle(changes); // each copy installed before the pass stopped is logged
            creations.untaken().forEach(name -> changes.createdDirectory(rel.resolve(name))); // and each directory
            throw stop;
        }
        return new OpenedDirectory(rel, sides.sourceDir(), dir.replica(), listAhead
                ? new ListingsAhead(applied.descents(), pass.replica(), rel, lister, listersAhead)
                : applied.descents().iterator(), applied.deletions(), copies, trailing,
                sides.source().isEmpty() && !sides.replica().isEmpty());
    }

    private static boolean changesEntries(List<Action> actions) {
        for (Action action : actions) {
            if (action.changesEntries()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Both sides' entries of a directory, excludes applied (on the replica side unless they are deleted), and the
     * directory's own source entry as it was once listed.
     */
    private record Sides(Entry sourceDir, List<Entry> source, List<Entry> replica) {
    }

    /** Lists both sides of {@code rel}; empty if either could not be listed (reported: nothing is decided there). */
    private Optional<Sides> list(PassContext pass, RelPath rel, Descent dir) {
        ListingPair replicaSide = dir.newInReplica() ? null
                : dir.replicaListing() != null ? dir.replicaListing() : ListingPair.start(pass.replica(), rel, lister);
        Listing sourceListing;
        try {
            sourceListing = pass.source().list(rel);
        } catch (IOException e) {
            if (replicaSide != null) {
                replicaSide.abandon();
            }
            // Without the source's listing nothing here can be decided, least of all a deletion.
            if (Failures.changedSince(pass.source(), dir.source(), rel)) {
                pass.report().record(Operation.VANISHED, Texts.SOURCE_DIRECTORY_VANISHED, rel);
            } else {
                pass.report().error(Texts.CANNOT_LIST_SOURCE, rel, e);
            }
            return Optional.empty();
        }
        Listing replicaListing;
        try {
            replicaListing = replicaSide == null ? Listing.EMPTY : replicaSide.get();
        } catch (IOException e) {
            pass.report().error(Texts.CANNOT_LIST_REPLICA, rel, e);
            return Optional.empty();
        }
        pass.work().progress().examined(sourceListing.entries().size());
        reportProblems(pass, sourceListing, rel, "source");
        reportProblems(pass, replicaListing, rel, "replica");
        SyncOptions options = pass.options();
        List<Entry> replica = pass.moves().stillThere(rel, replicaListing.entries());
        return Optional.of(new Sides(asListed(pass, rel, dir.source()), options.excludes().keep(rel,
                sourceListing.entries()), options.deleteExcluded()
                ? replica : options.excludes().keep(rel, replica)));
    }

    /**
     * The source directory {@code rel} as it is now that it is listed, for the attributes its replica gets at the
     * end: its time moved if its entries changed after its parent was listed, and in watch mode, where its watch
     * begins just before its listing, no event would tell of such a change. The entry it was {@code found} as if it
     * is no longer that directory (the next pass sees what it became).
     */
    private static Entry asListed(PassContext pass, RelPath rel, Entry found) {
        try {
            Entry now = pass.source().examine(rel);
            boolean same = found.identity().known() ? found.identity().sameFile(now.identity())
                    : !now.identity().known();
            return now.is(EntryKind.DIRECTORY) && same ? now : found;
        } catch (IOException gone) {
            return found;
        }
    }

    /** What carrying out a directory's actions gave: the subdirectories to walk, and the deletions put off. */
    private record Applied(List<Descent> descents, List<Action> deletions) {
    }

    private static Applied applyAllButDeletions(PassContext pass, RelPath rel, List<Action> actions,
                                                ActionApplier applier) {
        List<Descent> descents = new ArrayList<>();
        List<Action> deletions = new ArrayList<>();
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
        return new Applied(descents, deletions);
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
