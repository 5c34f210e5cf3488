package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.io.IOException;
import java.util.List;

/**
 * Where a pass over part of the tree starts for one directory of its {@link PassScope}: the directory itself if
 * every directory on the way down to it, itself included, is a directory (never a link) on both sides and is not
 * excluded; otherwise the deepest one on the way that is, taken alone. That one's step then sees what changed
 * below it (a new subdirectory, a directory that became a link, a vanished one) and deals with it like a full
 * pass would, so a write never passes through a link in the replica and nothing excluded is entered.
 *
 * @param subtree whether everything below {@code path} is walked too
 */
record Located(RelPath path, Entry source, Entry replica, boolean subtree) {

    /** {@code sourceRoot} and {@code replicaRoot}: the roots' entries, both directories, as the pass found them. */
    static Located find(PassContext pass, PassScope.Root root, Entry sourceRoot, Entry replicaRoot) {
        Located deepest = new Located(RelPath.ROOT, sourceRoot, replicaRoot, root.path().isRoot() && root.subtree());
        RelPath at = RelPath.ROOT;
        List<Name> names = root.path().names();
        for (int i = 1; i <= names.size(); i++) {
            at = at.resolve(names.get(i - 1));
            Entry source;
            Entry replica;
            try {
                source = pass.source().examine(at);
                replica = pass.replica().examine(at);
            } catch (IOException gone) {
                break; // vanished, or unreadable: the directory above decides
            }
            if (!source.is(EntryKind.DIRECTORY) || !replica.is(EntryKind.DIRECTORY)
                    || pass.options().excludes().excludes(at.parent(), source)) {
                break;
            }
            deepest = new Located(at, source, replica, i == names.size() && root.subtree());
        }
        return deepest;
    }
}
