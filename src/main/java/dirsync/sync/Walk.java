package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.RelPath;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One pass's walk, directory by directory with an explicit stack (memory follows the widest directory, and deep
 * trees stay off the call stack): open a directory, walk its subdirectories, then leave it to the {@link Trail},
 * which finishes it once its copies have ended: its attributes then, or, if it has deletions, after the deletion
 * phase.
 *
 * <p>A full pass walks everything from the root. A pass over a {@link PassScope} opens only its directories: each
 * is first {@linkplain Located located} (every directory on the way to it a directory on both sides, never a
 * link, nothing excluded), and it descends only into subdirectories the replica lacks, unless its whole subtree
 * is in scope. The deletions of all its directories meet the guards together, as those of a full pass do.
 */
final class Walk {

    private Walk() {
    }

    static void run(PassContext pass, DirectoryStep step, List<DeletionGuard> guards, PassScope scope) {
        Changes changes = new Changes(pass);
        Entry sourceRoot;
        try {
            sourceRoot = pass.source().examine(RelPath.ROOT);
        } catch (IOException e) {
            pass.report().rootError(Texts.CANNOT_READ_SOURCE_ROOT, e);
            return;
        }
        if (!sourceRoot.is(EntryKind.DIRECTORY)) {
            pass.report().passError(Texts.SOURCE_NOT_A_DIRECTORY, "");
            return;
        }
        Entry replicaRoot;
        try {
            replicaRoot = existingReplicaRoot(pass);
        } catch (IOException e) {
            pass.report().rootError(Texts.CANNOT_USE_REPLICA_ROOT, e);
            return;
        }
        if (replicaRoot != null && !replicaRoot.is(EntryKind.DIRECTORY)) {
            pass.report().passError(Texts.REPLICA_NOT_A_DIRECTORY, "");
            return;
        }
        List<PassScope.Root> roots = replicaRoot == null ? PassScope.everything().roots() : scope.roots();
        Set<RelPath> opened = new HashSet<>();
        boolean emptyOverNonEmpty = false;
        Trail trail = new Trail(changes, step.finishes());
        try {
            for (PassScope.Root root : roots) {
                Located start = Located.find(pass, root, sourceRoot, replicaRoot);
                if (opened.contains(start.path())) {
                    continue; // met already, as another directory's way down or as a new subdirectory
                }
                OpenedDirectory top = step.open(changes, start.path(), new Descent(start.source(), start.replica()),
                        start.subtree());
                if (start.path().isRoot()) {
                    emptyOverNonEmpty = top.emptyOverNonEmpty();
                }
                opened.addAll(walkBelow(step, changes, top, start.subtree(), trail));
            }
        } finally {
            trail.drain(); // also when the pass stops: every copy installed is logged
        }
        pass.cancellation().check(); // a stop while the last copies ran: they may have ended early, and no deletion follows
        trail.retryOutOfSpace();
        // Deepest first, whichever directory of the scope each was found from.
        List<OpenedDirectory> withDeletions = trail.withDeletions().stream()
                .sorted(Comparator.comparingInt((OpenedDirectory dir) -> dir.relative().depth()).reversed()).toList();
        DeletionPhase.run(changes, step.finishes(), guards,
                new DeletionGuard.DeletionPlan(withDeletions, emptyOverNonEmpty));
    }

    /**
     * Walks an opened directory and what lies below it: every subdirectory, or with {@code subtree} false the new
     * ones; each is left to the {@code trail} once walked. Returns the paths of the directories opened.
     */
    private static Set<RelPath> walkBelow(DirectoryStep step, Changes changes, OpenedDirectory top, boolean subtree,
                                          Trail trail) {
        PassContext pass = changes.pass();
        Set<RelPath> opened = new HashSet<>();
        opened.add(top.relative());
        Deque<OpenedDirectory> stack = new ArrayDeque<>();
        stack.push(top);
        try {
            while (!stack.isEmpty()) {
                pass.cancellation().check();
                OpenedDirectory at = stack.peek();
                if (at.descents().hasNext()) {
                    Descent next = at.descents().next();
                    if (!subtree && !next.newInReplica()) {
                        continue; // an existing subdirectory of a directory in scope alone: not this pass's business
                    }
                    RelPath child = at.relative().resolve(next.source().name());
                    opened.add(child);
                    stack.push(step.open(changes, child, next, subtree));
                } else {
                    trail.add(stack.pop());
                }
            }
        } catch (RuntimeException stop) {
            for (OpenedDirectory left : stack) {
                left.copies().settle(changes); // left unfinished; each copy installed is logged
            }
            throw stop;
        }
        return opened;
    }

    /** The replica root's entry, or null if the pass had to create it (then it has nothing to list yet). */
    private static Entry existingReplicaRoot(PassContext pass) throws IOException {
        try {
            return pass.replica().examine(RelPath.ROOT);
        } catch (NoSuchFileException missing) {
            pass.replica().prepareRoot();
            pass.report().recordRoot(Operation.CREATED_DIRECTORY, Texts.CREATED_REPLICA_DIRECTORY);
            return null;
        }
    }
}
