package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.RelPath;
import dirsync.fs.SourceChangedException;
import dirsync.fs.SourceTree;
import java.io.IOException;

/**
 * Sorts what went wrong with one action into what it means for the user: the source changed during the copy
 * (retried next pass), the source entry vanished or changed type (a race the next pass sees settled), or an error.
 */
final class Failures {

    private Failures() {
    }

    static void report(PassContext pass, Action action, RelPath path, Exception e) {
        if (e instanceof SourceChangedException changed) {
            pass.unsettled().changing(pass.report(), path, changed.getMessage());
        } else if (e instanceof Vanished || action.listedSource()
                .map(listed -> changedSince(pass.source(), listed, path)).orElse(false)) {
            pass.report().record(Operation.VANISHED, Texts.VANISHED_BEFORE_COPY, path);
        } else {
            pass.report().error(action.accept(VERB), path, e);
        }
    }

    /**
     * What a copy on another thread failed with, sorted when it failed rather than when it is reported (the source
     * may be back by then): a {@link Vanished} if the source entry was gone or of another kind.
     */
    static IOException asSeenWhenItFailed(SourceTree source, Entry listed, RelPath path, IOException e) {
        if (!(e instanceof SourceChangedException) && changedSince(source, listed, path)) {
            return new Vanished(e);
        }
        return e;
    }

    /** A failure whose source entry was found gone, or of another kind, when it happened. */
    static final class Vanished extends IOException {
        Vanished(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Whether a source entry is gone or is no longer of the kind it was listed as. */
    static boolean changedSince(SourceTree source, Entry listed, RelPath path) {
        try {
            return source.examine(path).kind() != listed.kind();
        } catch (IOException gone) {
            return true; // no such file, or a parent that is no longer a directory
        }
    }

    /** What failed, by the kind of action: "cannot copy", "cannot delete", ... */
    private static final Action.Visitor<String, RuntimeException> VERB = new Action.Visitor<>() {
        public String createDirectory(Action.CreateDirectory action) {
            return Texts.CANNOT_CREATE_DIRECTORY;
        }

        public String syncDirectory(Action.SyncDirectory action) {
            return Texts.CANNOT_COPY;
        }

        public String copyNew(Action.CopyNew action) {
            return Texts.CANNOT_COPY;
        }

        public String move(Action.Move action) {
            return Texts.CANNOT_MOVE;
        }

        public String update(Action.Update action) {
            return Texts.CANNOT_COPY;
        }

        public String compareContent(Action.CompareContent action) {
            return Texts.CANNOT_COMPARE;
        }

        public String syncLink(Action.SyncLink action) {
            return Texts.CANNOT_COPY;
        }

        public String replaceType(Action.ReplaceType action) {
            return Texts.CANNOT_REPLACE;
        }

        public String skipSpecial(Action.SkipSpecial action) {
            return Texts.CANNOT_COPY;
        }

        public String delete(Action.Delete action) {
            return Texts.CANNOT_DELETE;
        }

        public String skipUnreadable(Action.SkipUnreadable action) {
            return Texts.CANNOT_COPY;
        }
    };
}
