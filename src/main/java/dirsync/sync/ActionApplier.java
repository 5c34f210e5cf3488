package dirsync.sync;

import dirsync.fs.RelPath;
import java.io.IOException;

/**
 * Carries out the actions of one directory: the one place where each kind of action is turned into changes.
 * Returns the subdirectory to walk next when an action leads into one. Made for one directory and handed
 * what that directory's step prepared: its comparisons and its copies running aside.
 */
final class ActionApplier implements Action.Visitor<Descent, IOException> {

    private final PassContext pass;
    private final Changes changes;
    private final RelPath dir;
    private final ContentCheck.Prepared comparisons;
    private final CopyScheduler.DirectoryCopies copies;

    ActionApplier(PassContext pass, Changes changes, RelPath dir, ContentCheck.Prepared comparisons,
                  CopyScheduler.DirectoryCopies copies) {
        this.pass = pass;
        this.changes = changes;
        this.dir = dir;
        this.comparisons = comparisons;
        this.copies = copies;
    }

    private RelPath path(Action action) {
        return dir.resolve(action.name());
    }

    @Override
    public Descent createDirectory(Action.CreateDirectory action) throws IOException {
        changes.createDirectory(path(action));
        return new Descent(action.source(), null);
    }

    @Override
    public Descent syncDirectory(Action.SyncDirectory action) {
        return new Descent(action.source(), action.replica());
    }

    @Override
    public Descent copyNew(Action.CopyNew action) throws IOException {
        changes.install(action.source(), null, path(action), Operation.COPIED, Texts.copiedNew(action.source().kind()),
                null, copies.claim(action.name()));
        return null;
    }

    @Override
    public Descent update(Action.Update action) throws IOException {
        changes.install(action.source(), action.replica(), path(action), Operation.UPDATED,
                Texts.updated(action.source().kind()), null, copies.claim(action.name()));
        return null;
    }

    @Override
    public Descent compareContent(Action.CompareContent action) throws IOException {
        RelPath path = path(action);
        ContentCheck.Verdict verdict = comparisons.compare(action, path);
        if (verdict.same()) {
            changes.sameContent(action.source(), action.replica(), path, verdict.how());
        } else {
            changes.install(action.source(), action.replica(), path, Operation.UPDATED, Texts.UPDATED_FILE,
                    verdict.sourceMd5(), null);
        }
        return null;
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
