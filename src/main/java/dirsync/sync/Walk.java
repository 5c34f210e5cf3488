package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.RelPath;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One pass's walk, directory by directory with an explicit stack (memory follows the widest directory, and deep
 * trees stay off the call stack): open a directory, walk its subdirectories, then finish it, its attributes now
 * or, if it has deletions, after the deletion phase.
 */
final class Walk {

    private Walk() {
    }

    static void run(PassContext pass, DirectoryStep step, List<DeletionGuard> guards) {
        Changes changes = new Changes(pass);
        Entry sourceRoot;
        try {
            sourceRoot = pass.source().examine(RelPath.ROOT);
        } catch (IOException e) {
            pass.report().error(Texts.CANNOT_READ_SOURCE_ROOT, RelPath.ROOT, e);
            return;
        }
        if (!sourceRoot.is(EntryKind.DIRECTORY)) {
            pass.report().record(Operation.ERROR, Texts.SOURCE_NOT_A_DIRECTORY, RelPath.ROOT);
            return;
        }
        Entry replicaRoot;
        try {
            replicaRoot = existingReplicaRoot(pass);
        } catch (IOException e) {
            pass.report().error(Texts.CANNOT_USE_REPLICA_ROOT, RelPath.ROOT, e);
            return;
        }
        if (replicaRoot != null && !replicaRoot.is(EntryKind.DIRECTORY)) {
            pass.report().record(Operation.ERROR, Texts.REPLICA_NOT_A_DIRECTORY, RelPath.ROOT);
            return;
        }
        List<OpenedDirectory> withDeletions = new ArrayList<>();
        Deque<OpenedDirectory> stack = new ArrayDeque<>();
        OpenedDirectory root = step.open(pass, changes, RelPath.ROOT, sourceRoot, replicaRoot);
        stack.push(root);
        while (!stack.isEmpty()) {
            pass.cancellation().check();
            OpenedDirectory top = stack.peek();
            if (top.descents().hasNext()) {
                Descent next = top.descents().next();
                RelPath child = top.relative().resolve(next.source().name());
                stack.push(step.open(pass, changes, child, next.source(), next.replica()));
            } else {
                stack.pop();
                if (top.deletions().isEmpty()) {
                    changes.finishDirectory(top);
                } else {
                    withDeletions.add(top);
                }
            }
        }
        DeletionPhase.run(pass, changes, guards, new DeletionGuard.DeletionPlan(withDeletions, root.emptyOverNonEmpty()));
    }

    /** The replica root's entry, or null if the pass had to create it (then it has nothing to list yet). */
    private static Entry existingReplicaRoot(PassContext pass) throws IOException {
        try {
            return pass.replica().examine(RelPath.ROOT);
        } catch (NoSuchFileException missing) {
            pass.replica().prepareRoot();
            pass.report().record(Operation.CREATED_DIRECTORY, Texts.CREATED_DIRECTORY, RelPath.ROOT);
            return null;
        }
    }
}
