package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The moves of one pass. A regular file or directory that only the source has, at P, is a move from Q when the
 * {@link Whereabouts} saw its identity at Q in an earlier pass (a file with the size and modification time it has
 * now: a changed one is copied, since a new file may have taken a deleted one's inode number, and renaming the
 * deleted one's replica would delete it past every guard), the source has nothing at Q any more, Q is not
 * excluded, a directory Q was not opened by this pass, and the replica's entry at Q is still exactly what dirsync
 * left there. Then the replica's entry is renamed from Q to P (the replica's {@link ReplicaFeatures.Renaming}) and
 * the pass goes on as usual: the moved file is checked like any pair, the moved directory walked like any other.
 * Anything not proven, or a rename that fails, is a copy, as without moves.
 *
 * <p>The planner decides on two listings alone; this turns its {@link Action.CopyNew} or
 * {@link Action.CreateDirectory} into an {@link Action.Move} after it, and checks everything again right before
 * the rename. What was moved away is no longer the replica's at Q: a deletion of Q planned before the move is
 * dropped (it counts against no guard), and a listing of Q's directory made before it (ahead of the walk) is
 * read without Q. The pass thread alone uses it; one is made for each pass.
 */
final class Moves {

    /** The memory of places; null where the pass finds no moves (no memory, or a replica without renames). */
    private final Whereabouts places;
    /**
     * Whether directories are moved too: in a full pass only. A pass over part of the tree does not walk into a
     * directory the replica already has, and the watch learns a directory's new place only from a walk into it.
     */
    private final boolean directories;
    private final Set<RelPath> movedAway = new HashSet<>();
    /** Each rename this pass made: the old path, and the new. */
    private final Map<RelPath, RelPath> renamed = new HashMap<>();
    /** The same renames the other way: the new path, and the old (the last one to it). */
    private final Map<RelPath, RelPath> cameFrom = new HashMap<>();
    /** The directories this pass opened, and every directory above them. */
    private final Set<RelPath> opened = new HashSet<>();

    Moves(Whereabouts places, boolean directories) {
        this.places = places;
        this.directories = directories;
    }

    /** A regular file's pair found equal, or copied: where its source identity is now (see {@link Whereabouts}). */
    void settled(RelPath path, Entry source, Entry replica) {
        if (places != null && replica != null) {
            places.saw(path, source, replica);
        }
    }

    /**
     * The pass opens {@code dir}, found as {@code sides}: its replica side existed before the pass, or the pass has
     * just made it (learned as made, by the identity the replica gave it), or the replica has none.
     */
    void opened(RelPath dir, Descent sides) {
        if (places == null) {
            return;
        }
        for (RelPath at = dir; at != null && opened.add(at); at = at.isRoot() ? null : at.parent()) {
            // and every directory above it, once
        }
        if (sides.source() == null || dir.isRoot()) {
            return;
        }
        if (sides.replica() != null) {
            places.saw(dir, sides.source(), sides.replica());
        } else if (sides.made() != null) {
            places.sawMade(dir, sides.source(), sides.made());
        }
    }

    /** A replica listing of {@code dir} without what this pass has moved away since (a listing made ahead). */
    List<Entry> stillThere(RelPath dir, List<Entry> replica) {
        if (movedAway.isEmpty()) {
            return replica;
        }
        return replica.stream().filter(entry -> !movedAway.contains(dir.resolve(entry.name()))).toList();
    }

    /**
     * The plan of {@code dir} with each new file or directory that is a move from elsewhere made an
     * {@link Action.Move}. {@code replica}: the directory's replica entries, as the plan was made from them.
     */
    List<Action> find(PassContext pass, RelPath dir, List<Action> actions, List<Entry> replica) {
        if (places == null || places.isEmpty()) {
            return actions;
        }
        Set<Name> inReplica = null;
        List<Action> found = null;
        for (int i = 0; i < actions.size(); i++) {
            Action action = actions.get(i);
            if (!action.accept(NewName.CHECK)) {
                continue; // the replica has an entry of that name (see below): not looked up for every pair
            }
            Optional<Entry> source = action.listedSource();
            if (source.isEmpty() || !action.changesEntries() || action.waitsForDeletions()
                    || !(source.get().is(EntryKind.FILE) || directories && source.get().is(EntryKind.DIRECTORY))) {
                continue;
            }
            Whereabouts.Place place = places.before(source.get());
            if (place == null) {
                continue;
            }
            if (inReplica == null) {
                inReplica = new HashSet<>();
                for (Entry entry : replica) {
                    inReplica.add(entry.name());
                }
            }
            if (inReplica.contains(action.name())) {
                continue; // not new here: an update or a replacement, never a move
            }
            Found there = provable(pass, place, dir.resolve(action.name()));
            if (there != null) {
                found = found == null ? new ArrayList<>(actions) : found;
                found.set(i, new Action.Move(source.get(), there.from(), there.left()));
            }
        }
        return found == null ? actions : found;
    }

    /**
     * Renames the replica's entry as {@code move} says, to {@code to}, if it still may be: logged and counted.
     * Returns the entry now at {@code to}, or null if nothing was renamed (then it is a copy).
     */
    Entry carryOut(PassContext pass, Action.Move move, RelPath to) {
        Whereabouts.Place place = places.before(move.source());
        Found there = place == null ? null : provable(pass, place, to);
        if (there == null) {
            return null;
        }
        try {
            pass.replica().features().renames().orElseThrow().rename(there.from(), to);
        } catch (IOException refused) {
            pass.report().debug(Texts.NOT_MOVED, to);
            return null;
        }
        movedAway.add(there.from());
        renamed.put(there.from(), to);
        cameFrom.put(to, there.from());
        boolean directory = move.source().is(EntryKind.DIRECTORY);
        pass.report().record(Operation.MOVED, directory ? Texts.MOVED_DIRECTORY : Texts.MOVED_FILE, there.from(),
                Texts.movedTo(to));
        try {
            return pass.replica().examine(to);
        } catch (IOException gone) {
            return move.replica().named(to.name()); // checked against the source next, as it was found
        }
    }

    /** The plan's deletions without those of entries this pass has moved away. */
    DeletionGuard.DeletionPlan withoutMovedAway(DeletionGuard.DeletionPlan plan) {
        if (movedAway.isEmpty()) {
            return plan;
        }
        List<OpenedDirectory> directories = new ArrayList<>();
        for (OpenedDirectory dir : plan.directories()) {
            List<Action> deletions = dir.deletions().stream()
                    .filter(deletion -> !movedAway.contains(dir.relative().resolve(deletion.name()))).toList();
            directories.add(new OpenedDirectory(dir.relative(), dir.sourceDir(), dir.replicaDir(), dir.descents(),
                    deletions, dir.copies(), dir.comparisons(), dir.emptyOverNonEmpty()));
        }
        return new DeletionGuard.DeletionPlan(directories, plan.emptyOverNonEmpty());
    }

    /** Where a move takes the replica's entry from, and the entry found there. */
    private record Found(RelPath from, Entry left) {
    }

    /**
     * Where the replica has the entry of {@code place} now (its old path, or where a directory above it was moved
     * this pass), if a move from there to {@code to} is proven now (see the class comment); else null.
     */
    private Found provable(PassContext pass, Whereabouts.Place place, RelPath to) {
        RelPath from = now(place.path());
        if (pass.replica().features().renames().isEmpty() || from.equals(to) || to.isWithin(from)
                || from.isWithin(to) || excluded(pass, place.path()) || excluded(pass, from)
                || place.directory() && opened.contains(from) || inSource(pass, place.path())
                || !from.equals(place.path()) && inSource(pass, from)) {
            return null;
        }
        try {
            Entry left = pass.replica().examine(from);
            return place.leftAsIs(left) ? new Found(from, left) : null;
        } catch (IOException unknown) {
            return null;
        }
    }

    /** Whether the source has anything at {@code path} (or cannot tell): then it is no move from there. */
    private static boolean inSource(PassContext pass, RelPath path) {
        try {
            pass.source().examine(path);
            return true; // a swap, or a second name: copied
        } catch (NoSuchFileException | NotDirectoryException gone) {
            return false;
        } catch (IOException unknown) {
            return true;
        }
    }

    /** Where {@code path} of the replica is after this pass's renames of it or of a directory above it. */
    private RelPath now(RelPath path) {
        RelPath at = path;
        for (int rounds = 0; !renamed.isEmpty() && rounds < 64; rounds++) {
            RelPath moved = null;
            List<Name> below = new ArrayList<>();
            for (RelPath up = at; !up.isRoot(); up = up.parent()) {
                RelPath to = renamed.get(up);
                if (to != null) {
                    moved = to;
                    for (int i = below.size() - 1; i >= 0; i--) {
                        moved = moved.resolve(below.get(i));
                    }
                    break;
                }
                below.add(up.name());
            }
            if (moved == null) {
                return at;
            }
            at = moved;
        }
        return at;
    }

    /**
     * Where the replica's entry at {@code path} was when this pass began, if a rename of this pass put it (or a
     * directory above it) there; else {@code path}.
     */
    RelPath before(RelPath path) {
        RelPath at = path;
        for (int rounds = 0; !cameFrom.isEmpty() && rounds < 64; rounds++) {
            RelPath was = null;
            List<Name> below = new ArrayList<>();
            for (RelPath up = at; !up.isRoot() && was == null; up = up.parent()) {
                was = cameFrom.get(up);
                if (was == null) {
                    below.add(up.name());
                }
            }
            if (was == null) {
                return at;
            }
            for (int i = below.size() - 1; i >= 0; i--) {
                was = was.resolve(below.get(i));
            }
            at = was;
        }
        return at;
    }

    /** Whether the path or a directory above it is excluded (then the replica's entry there is not the pass's). */
    private static boolean excluded(PassContext pass, RelPath path) {
        Excludes excludes = pass.options().excludes();
        if (excludes.isEmpty()) {
            return false;
        }
        for (RelPath at = path; !at.isRoot(); at = at.parent()) {
            Entry entry = at == path ? Entry.file(at.name(), 0, FileTime.fromMillis(0), Set.of())
                    : Entry.directory(at.name(), FileTime.fromMillis(0), Set.of());
            if (excludes.excludes(at.parent(), entry) || at == path
                    && excludes.excludes(at.parent(), Entry.directory(at.name(), FileTime.fromMillis(0), Set.of()))) {
                return true;
            }
        }
        return false;
    }
}
