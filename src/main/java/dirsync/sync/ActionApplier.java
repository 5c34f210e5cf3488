package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.RelPath;
import java.io.IOException;

/**
 * Carries out the actions of one directory: the one place where each kind of action is turned into changes.
 * Returns the subdirectory to walk next when an action leads into one. Made for one directory and handed
 * what that directory's step prepared: its comparisons (those still hashing may trail behind the walk), its copies
 * running aside and its new subdirectories being made.
 */
final class ActionApplier implements Action.Visitor<Descent, IOException> {

    private final PassContext pass;
    private final Changes changes;
    private final RelPath dir;
    private final ContentCheck.Prepared comparisons;
    private final CopyScheduler.DirectoryCopies copies;
    private final DirectoryCreations.Begun creations;
    private final TrailingComparisons trailing;

    ActionApplier(Changes changes, RelPath dir, ContentCheck.Prepared comparisons, TrailingComparisons trailing,
                  CopyScheduler.DirectoryCopies copies, DirectoryCreations.Begun creations) {
        this.pass = changes.pass();
        this.changes = changes;
        this.dir = dir;
        this.comparisons = comparisons;
        this.trailing = trailing;
        this.copies = copies;
        this.creations = creations;
    }

    /** For the deletion phase, whose actions compare nothing and copy nothing. */
    static ActionApplier forDeletions(Changes changes, RelPath dir) {
        return new ActionApplier(changes, dir, (pair, path) -> {
            throw new IllegalStateException("no comparison in the deletion phase: " + path);
        }, TrailingComparisons.NONE, CopyScheduler.DirectoryCopies.NONE, DirectoryCreations.Begun.NONE);
    }

    private RelPath path(Action action) {
        return dir.resolve(action.name());
    }

    @Override
    public Descent createDirectory(Action.CreateDirectory action) throws IOException {
        return Descent.made(action.source(), changes.createDirectory(path(action), creations));
    }

    @Override
    public Descent syncDirectory(Action.SyncDirectory action) {
        return new Descent(action.source(), action.replica());
    }

    @Override
    public Descent copyNew(Action.CopyNew action) throws IOException {
        RelPath path = path(action);
        if (linkedToAnEarlierName(action.source(), null, path)) {
            return null;
        }
        if (copies.runsAside(action.name())) {
            copies.claim(action.name()); // reported when the directory is settled
            return null;
        }
        changes.install(action.source(), null, path, Operation.COPIED, Texts.copiedNew(action.source().kind()), null);
        settledAfterChange(action.source(), path);
        return null;
    }

    /** Renamed in the replica, then checked as a pair; a new entry, as without moves, if it cannot be renamed now. */
    @Override
    public Descent move(Action.Move action) throws IOException {
        Entry source = action.source();
        Entry moved = pass.moves().carryOut(pass, action, path(action));
        if (source.is(EntryKind.DIRECTORY)) {
            return moved == null ? createDirectory(new Action.CreateDirectory(source)) : new Descent(source, moved);
        }
        if (moved == null) {
            return copyNew(new Action.CopyNew(source));
        }
        return moved.size() == source.size() ? compareContent(new Action.CompareContent(source, moved))
                : update(new Action.Update(source, moved));
    }

    @Override
    public Descent update(Action.Update action) throws IOException {
        RelPath path = path(action);
        if (linkedToAnEarlierName(action.source(), action.replica(), path)) {
            return null;
        }
        if (copies.runsAside(action.name())) {
            copies.claim(action.name()); // reported when the directory is settled
            return null;
        }
        changes.install(action.source(), action.replica(), path, Operation.UPDATED,
                Texts.updated(action.source().kind()), null);
        settledAfterChange(action.source(), path);
        return null;
    }

    @Override
    public Descent compareContent(Action.CompareContent action) throws IOException {
        RelPath path = path(action);
        Entry source = action.source();
        Entry replica = action.replica();
        if (linkedToAnEarlierName(source, replica, path)) {
            return null;
        }
        if (pass.hardLinks().sharedWithAnother(source, replica)) {
            // One replica file under the names of two source files: this name gets a copy of its own.
            changes.install(source, replica, path, Operation.UPDATED, Texts.UPDATED_FILE, null);
            settledAfterChange(source, path);
            return null;
        }
        if (!pass.hardLinks().tracks(source) && trailing.defer(action, path)) {
            return null; // decided when the directory is settled, its hashes done meanwhile
        }
        ContentCheck.Verdict verdict = comparisons.compare(action, path);
        changes.compared(source, replica, path, verdict);
        if (verdict.same()) {
            pass.hardLinks().settled(source, path, replica);
        } else {
            settledAfterChange(source, path);
        }
        return null;
    }

    @Override
    public Descent syncLink(Action.SyncLink action) throws IOException {
        if (!pass.replica().carries(action.source(), action.replica())) {
            changes.remakeLink(action.source(), path(action));
        }
        return null;
    }

    /**
     * For a later name of a source file with several: makes the replica name a second name of the replica file
     * the first name got, unless it is that file already. Returns whether the name is settled so.
     */
    private boolean linkedToAnEarlierName(Entry source, Entry replica, RelPath path) throws IOException {
        HardLinks.FirstName first = pass.hardLinks().earlier(source);
        if (first == null) {
            return false;
        }
        if (!pass.hardLinks().isAlso(first, path, replica)) {
            changes.link(replica, path, first.path());
        }
        return true;
    }

    /** After a copy: remembers the replica file a name with several got (one more stat, for those only). */
    private void settledAfterChange(Entry source, RelPath path) {
        if (pass.hardLinks().tracks(source)) {
            Entry now;
            try {
                now = pass.replica().examine(path);
            } catch (IOException unknown) {
                now = null; // a dry run's copy, or gone since: later names are linked all the same
            }
            pass.hardLinks().settled(source, path, now);
        }
    }

    @Override
    public Descent replaceType(Action.ReplaceType action) throws IOException {
        return changes.replace(action.source(), action.replica(), path(action));
    }

    @Override
    public Descent skipSpecial(Action.SkipSpecial action) {
        pass.report().record(Operation.SKIPPED, Texts.SKIPPED_SPECIAL, path(action), Texts.NOT_MIRRORED);
        return null;
    }

    @Override
    public Descent delete(Action.Delete action) throws IOException {
        changes.delete(action.replica(), path(action));
        return null;
    }

    @Override
    public Descent skipUnreadable(Action.SkipUnreadable action) {
        pass.report().debug(Texts.LEFT_ALONE, path(action));
        return null;
    }
}
