package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A rule that can refuse all of a pass's deletions at once, after the walk has found them all: all or nothing,
 * never "delete N, then stop". (The third guard, for a source subtree that cannot be read, needs no object: a
 * directory whose source side cannot be listed is never planned, so nothing in it is ever a deletion.)
 */
interface DeletionGuard {

    /** Why this pass must delete nothing, or empty to let it delete. */
    Optional<String> refusal(PassContext pass, DeletionPlan plan);

    /**
     * What the walk found to delete.
     *
     * @param directories       the directories with deletions, deepest first
     * @param emptyOverNonEmpty the source root (excludes applied) is empty and the replica root is not
     */
    record DeletionPlan(List<OpenedDirectory> directories, boolean emptyOverNonEmpty) {
    }

    /** The guards the options ask for, in the order they are consulted. */
    static List<DeletionGuard> from(SyncOptions options) {
        List<DeletionGuard> guards = new ArrayList<>();
        if (!options.allowEmptySource()) {
            guards.add(new EmptySource());
        }
        options.maxDelete().ifPresent(limit -> guards.add(new MaxDelete(limit, options.deleteWindow())));
        return guards;
    }

    /** An empty source over a non-empty replica: an unmounted disk looks exactly like this. */
    final class EmptySource implements DeletionGuard {
        @Override
        public Optional<String> refusal(PassContext pass, DeletionPlan plan) {
            return plan.emptyOverNonEmpty() ? Optional.of(Texts.EMPTY_SOURCE) : Optional.empty();
        }
    }

    /**
     * More deletions than the user allows, the contents of doomed directories included: in one pass, or, with a
     * window, in all the passes that started less than the window before this one (so that many small passes
     * cannot add up to more). With a window a refusal also holds every later deletion back until the window has
     * passed since the refused pass started: an {@code rm -rf} that goes on in bursts gets nothing more through,
     * whatever the size of its later bursts; the refused deletions themselves never count as deleted.
     */
    final class MaxDelete implements DeletionGuard {
        private final long limit;
        private final Duration window;
        /** The deletions each recent pass was allowed, oldest first. Only with a window. */
        private final Deque<Allowed> recent = new ArrayDeque<>();
        /** The start of the pass whose refusal holds deletions back, or null. Only with a window. */
        private Instant refusedAt;

        MaxDelete(long limit, Duration window) {
            this.limit = limit;
            this.window = window;
        }

        private record Allowed(Instant passStart, long count) {
        }

        @Override
        public Optional<String> refusal(PassContext pass, DeletionPlan plan) {
            long total = 0;
            for (OpenedDirectory dir : plan.directories()) {
                for (Action deletion : dir.deletions()) {
                    pass.cancellation().check();
                    total += deletion.accept(DOOMED_ENTRY).is(EntryKind.DIRECTORY)
                            ? pass.replica().countTree(dir.relative().resolve(deletion.name()), pass.cancellation())
                            : 1;
                }
            }
            if (window.isZero()) {
                return total > limit ? Optional.of(Texts.overTheLimit(total, limit)) : Optional.empty();
            }
            Instant now = pass.startedAt();
            if (refusedAt != null && within(refusedAt, now)) {
                return Optional.of(Texts.heldAfterRefusal(total, limit, window, Duration.between(refusedAt, now)));
            }
            refusedAt = null;
            while (!recent.isEmpty() && !within(recent.peekFirst().passStart(), now)) {
                recent.removeFirst();
            }
            long earlier = recent.stream().mapToLong(Allowed::count).sum();
            if (earlier + total > limit) {
                refusedAt = now;
                return Optional.of(Texts.overTheWindowLimit(total, earlier, limit, window));
            }
            recent.addLast(new Allowed(now, total));
            return Optional.empty();
        }

        /** Whether a pass that started at {@code then} is less than the window before one starting {@code now}. */
        private boolean within(Instant then, Instant now) {
            return now.isBefore(then.plus(window));
        }
    }

    /** The replica entry a deferred action removes. */
    Action.Visitor<Entry, RuntimeException> DOOMED_ENTRY = new Action.Visitor<>() {
        public Entry createDirectory(Action.CreateDirectory action) {
            throw new IllegalArgumentException("not a deletion: " + action);
        }

        public Entry syncDirectory(Action.SyncDirectory action) {
            throw new IllegalArgumentException("not a deletion: " + action);
        }

        public Entry copyNew(Action.CopyNew action) {
            throw new IllegalArgumentException("not a deletion: " + action);
        }

        public Entry move(Action.Move action) {
            throw new IllegalArgumentException("not a deletion: " + action);
        }

        public Entry update(Action.Update action) {
            throw new IllegalArgumentException("not a deletion: " + action);
        }

        public Entry compareContent(Action.CompareContent action) {
            throw new IllegalArgumentException("not a deletion: " + action);
        }

        public Entry syncLink(Action.SyncLink action) {
            throw new IllegalArgumentException("not a deletion: " + action);
        }

        public Entry replaceType(Action.ReplaceType action) {
            return action.replica();
        }

        public Entry skipSpecial(Action.SkipSpecial action) {
            throw new IllegalArgumentException("not a deletion: " + action);
        }

        public Entry delete(Action.Delete action) {
            return action.replica();
        }

        public Entry skipUnreadable(Action.SkipUnreadable action) {
            throw new IllegalArgumentException("not a deletion: " + action);
        }
    };
}
