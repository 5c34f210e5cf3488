package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.ExtendedAttributesUnsupportedException;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import dirsync.fs.ReplicaTree;
import dirsync.fs.TreeDeletion;
import java.io.IOException;
import java.util.Optional;

/**
 * The changes a pass makes to the replica, each logged as it is made: installing files and links (keeping the
 * old version in the backup first), replacing an entry of another kind, removing entries, bringing attributes
 * over. Every change goes through the replica tree; nothing here knows what kind of tree it is.
 */
final class Changes {

    private final PassContext pass;

    Changes(PassContext pass) {
        this.pass = pass;
    }

    /** The pass these changes are made in: whoever makes changes is handed this one value, not the pair. */
    PassContext pass() {
        return pass;
    }

    /**
     * Installs a file or link over {@code replaced} (null if nothing is there), which goes to the backup first if
     * there is one. {@code sourceMd5}, if this pass hashed the source, must match the copy. (Copies running on a
     * copier thread are reported by their directory's {@link CopyScheduler.DirectoryCopies}.)
     */
    void install(Entry source, Entry replaced, RelPath path, Operation operation, String what, byte[] sourceMd5)
            throws IOException {
        if (source.is(EntryKind.SYMLINK)) {
            boolean kept = pass.backups().keepBeforeReplacing(path, replaced);
            pass.replica().installSymlink(path, source);
            pass.report().record(operation, what, path, Texts.linkDetail(source.linkTarget(), kept));
            return;
        }
        boolean kept = pass.backups().keepBeforeReplacing(path, replaced);
        if (pass.unsettled().asRead(path)) {
            ReplicaTree.AsRead copy = pass.replica().installFileAsRead(pass.source(), path, source, pass.work());
            line(operation, what, path, copy.bytes(), kept);
            pass.unsettled().copiedAsRead(pass.report(), path, copy.sourceChanged());
            return;
        }
        ReplicaTree.Installed copy = pass.replica().installFile(pass.source(), path, source, sourceMd5, pass.work());
        copied(operation, what, path, copy, kept);
    }

    /**
     * The line of a file copied into place (here, or by a copier thread whose action never came up), its source
     * unchanged all along: settled, and a verified pair of the hash memory (which holds it to its rules).
     */
    void copied(Operation operation, String what, RelPath path, ReplicaTree.Installed copy, boolean keptOld) {
        line(operation, what, path, copy.bytes(), keptOld);
        pass.unsettled().settled(path);
        pass.moves().settled(path, copy.source(), copy.replica());
        if (pass.memory() != null && copy.replica() != null) {
            pass.memory().learnInstalled(copy.source(), copy.replica(), pass.startedAt());
        }
    }

    private void line(Operation operation, String what, RelPath path, long bytes, boolean keptOld) {
        pass.report().copied(bytes);
        pass.report().record(operation, what, path, Texts.bytes(bytes, keptOld));
    }

    /** A link whose target is right but whose own owner or time is not: made again (a link cannot be chmod-ed). */
    void remakeLink(Entry source, RelPath path) throws IOException {
        pass.replica().installSymlink(path, source);
        pass.report().record(Operation.ATTRIBUTES, Texts.LINK_ATTRIBUTES, path);
    }

    /** Makes {@code path} a second name of the replica file at {@code existing}, in place of {@code replaced}. */
    void link(Entry replaced, RelPath path, RelPath existing) throws IOException {
        boolean kept = pass.backups().keepBeforeReplacing(path, replaced);
        pass.hardLinks().link(path, existing);
        pass.report().record(Operation.LINKED, Texts.LINKED_FILE, path, Texts.linkedTo(existing, kept));
    }

    /**
     * Creates a directory of the replica, or takes it from the {@code creations} begun for its parent; returns its
     * identity (see {@link ReplicaTree#createDirectory}).
     */
    Entry.Identity createDirectory(RelPath path, DirectoryCreations.Begun creations) throws IOException {
        Entry.Identity made = creations.runsAside(path.name()) ? creations.take(path.name())
                : pass.replica().createDirectory(path);
        createdDirectory(path);
        return made;
    }

    /** Logs and counts a directory made in the replica. */
    void createdDirectory(RelPath path) {
        pass.report().record(Operation.CREATED_DIRECTORY, Texts.CREATED_DIRECTORY, path);
    }

    /**
     * Replaces a replica entry of another kind; returns the new directory to walk, if the source has one there.
     * A replica directory is replaced only in the deletion phase, after the walk.
     */
    Descent replace(Entry source, Entry replica, RelPath path) throws IOException {
        String what = Texts.replaced(replica.kind(), source.kind());
        if (!replica.is(EntryKind.DIRECTORY) && !source.is(EntryKind.DIRECTORY)) {
            // A file or link is renamed over the old non-directory in one step.
            install(source, replica, path, Operation.REPLACED, what, null);
            return null;
        }
        if (remove(replica, path) == null) {
            return null;
        }
        if (source.is(EntryKind.DIRECTORY)) {
            Entry.Identity made = pass.replica().createDirectory(path);
            pass.report().record(Operation.REPLACED, what, path);
            return Descent.made(source, made);
        }
        install(source, null, path, Operation.REPLACED, what, null);
        return null;
    }

    void delete(Entry replica, RelPath path) throws IOException {
        String detail = remove(replica, path);
        if (detail != null) {
            boolean directory = replica.is(EntryKind.DIRECTORY);
            pass.report().record(directory ? Operation.DELETED_DIRECTORY : Operation.DELETED,
                    Texts.deleted(replica.kind()), path, detail);
        }
    }

    /**
     * Removes a replica entry, a directory with all it holds: into the backup if there is one, else for good.
     * Returns the detail for its log line, or null if it could not all go (the failures are reported).
     */
    private String remove(Entry replica, RelPath path) throws IOException {
        if (pass.backups().active()) {
            pass.backups().move(path);
            return Texts.MOVED_TO_BACKUP;
        }
        if (!replica.is(EntryKind.DIRECTORY)) {
            pass.replica().delete(path);
            return "";
        }
        TreeDeletion deletion = pass.replica().deleteTree(path, pass.cancellation());
        long gone = deletion.nonDirectories() + deletion.directories();
        if (pass.cancellation().isRequested() && gone > 0) {
            // A stop ends a tree deletion early: not reported as done, but what it deleted gets its line.
            pass.report().unfinished(Texts.STOPPED_DELETING, path, Texts.deletedBeforeTheStop(gone));
        }
        pass.cancellation().check();
        for (TreeDeletion.Failure failure : deletion.failures()) {
            pass.report().error(Texts.CANNOT_DELETE, failure.path(), failure.cause());
        }
        if (!deletion.complete()) {
            return null;
        }
        return Texts.entriesInside(Math.max(0, gone - 1));
    }

    /** What a comparison by content decided: the pair kept as the same content, or the file copied again. */
    void compared(Entry source, Entry replica, RelPath path, ContentCheck.Verdict verdict) throws IOException {
        if (verdict.same()) {
            sameContent(source, replica, path, verdict);
        } else {
            install(source, replica, path, Operation.UPDATED, Texts.UPDATED_FILE, verdict.sourceMd5());
        }
    }

    /** The contents are equal: only attributes may need bringing over. */
    void sameContent(Entry source, Entry replica, RelPath path, ContentCheck.Verdict verdict) throws IOException {
        // Any change of an extended attribute moves the change time, which the hash memory checks: a pair it trusts
        // needs them not read.
        boolean xattrs = !verdict.trusted() && extendedAttributes(path, source);
        boolean others = !pass.replica().carries(source, replica);
        if (others) {
            pass.replica().setAttributes(path, source);
        }
        if (xattrs || others) {
            pass.report().record(Operation.ATTRIBUTES, Texts.FILE_ATTRIBUTES, path);
        } else {
            pass.report().debug(verdict.how(), path);
            pass.moves().settled(path, source, replica);
        }
    }

    /**
     * Brings the source's extended attributes of a file or directory over (before its mode, which may take the
     * owner's write permission), where the replica carries them; returns whether any changed. A file system without
     * them is one warning a pass.
     */
    boolean extendedAttributes(RelPath path, Entry source) {
        Optional<ReplicaFeatures.ExtendedAttributeCarrying> carrying = pass.replica().features().extendedAttributes();
        if (carrying.isEmpty()) {
            return false;
        }
        try {
            return carrying.get().carryExtendedAttributes(pass.source(), path);
        } catch (ExtendedAttributesUnsupportedException e) {
            pass.report().warnOnce("xattrs", Texts.noExtendedAttributes(e.getMessage()));
        } catch (IOException e) {
            if (!Failures.changedSince(pass.source(), source, path)) {
                pass.report().error(Texts.CANNOT_COPY_XATTRS, path, e);
            } // else the source entry vanished or changed type meanwhile: the next pass sees it settled
        }
        return false;
    }

    /**
     * A directory whose deletions a guard refused: it keeps the mode and times it had before the pass (writing into
     * it moved its time, and it may have been made writable for the copies).
     */
    void restoreDirectory(OpenedDirectory dir) {
        if (dir.replicaDir() == null || pass.replicaLost()) {
            return;
        }
        try {
            Entry current = pass.replica().examine(dir.relative());
            if (current.is(EntryKind.DIRECTORY) && !pass.replica().carries(dir.replicaDir(), current)) {
                pass.replica().setAttributes(dir.relative(), dir.replicaDir());
            }
        } catch (IOException e) {
            pass.report().error(Texts.CANNOT_SET_DIRECTORY_ATTRIBUTES, dir.relative(), e);
        }
    }

    /**
     * A directory's subtree (and its deletions) are done: its permissions and modification time are set now,
     * since filling or emptying a directory changes its time. Not on a lost replica: the next pass sets them.
     */
    void finishDirectory(OpenedDirectory dir) {
        if (dir.sourceDir() == null || pass.replicaLost()) {
            return;
        }
        try {
            Entry current = pass.replica().examine(dir.relative());
            if (!current.is(EntryKind.DIRECTORY)) {
                return;
            }
            boolean xattrs = extendedAttributes(dir.relative(), dir.sourceDir());
            if (!pass.replica().carries(dir.sourceDir(), current)) {
                pass.replica().setAttributes(dir.relative(), dir.sourceDir());
            }
            // Logged when more than the time changed: filling a directory moves its time anyway.
            if (dir.replicaDir() != null && (xattrs || !pass.replica().carries(dir.sourceDir(),
                    dir.replicaDir().withModified(dir.sourceDir().modified())))) {
                pass.report().record(Operation.ATTRIBUTES, Texts.DIRECTORY_ATTRIBUTES, dir.relative());
            }
        } catch (IOException e) {
            pass.report().error(Texts.CANNOT_SET_DIRECTORY_ATTRIBUTES, dir.relative(), e);
        }
    }
}
