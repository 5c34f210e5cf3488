package dirsync.sync;

import java.util.List;
import java.util.Optional;

/**
 * The deletions, after the whole walk: first the guards decide whether this pass may delete at all, then each
 * waiting directory loses its extra entries, deepest first (several directories at once where the replica finishes
 * several at once: see {@link Finishes}), and gets its attributes; or, if the guards refused,
 * keeps its entries and gets back the mode and times it had before the pass (its copies changed its time).
 */
final class DeletionPhase {

    private DeletionPhase() {
    }

    /** {@code finishes}: where the directories get their attributes once their deletions are done. */
    static void run(Changes changes, Finishes finishes, List<DeletionGuard> guards,
                    DeletionGuard.DeletionPlan found) {
        PassContext pass = changes.pass();
        DeletionGuard.DeletionPlan plan = pass.moves().withoutMovedAway(found);
        if (plan.directories().isEmpty()) {
            return;
        }
        Optional<String> refusal = Optional.empty();
        for (DeletionGuard guard : guards) {
            refusal = guard.refusal(pass, plan);
            if (refusal.isPresent()) {
                pass.report().passError(Texts.DELETED_NOTHING, refusal.get());
                break;
            }
        }
        try {
            for (OpenedDirectory dir : plan.directories()) {
                if (refusal.isPresent()) {
                    changes.restoreDirectory(dir); // a refused deletion touches nothing, not even the directory's time
                    continue;
                }
                ActionApplier applier = ActionApplier.forDeletions(changes, dir.relative());
                // Its own entries, then its attributes: no later deletion changes its time. Several directories at
                // once where the replica finishes several at once (over a network each deletion waits a round trip).
                finishes.finishAfter(changes, dir, () -> {
                    for (Action deletion : dir.deletions()) {
                        pass.cancellation().check();
                        DirectoryStep.apply(pass, applier, deletion, dir.relative());
                    }
                });
            }
        } finally {
            finishes.awaitAll(); // also when the pass stops: nothing of it runs on into the next
        }
    }
}
