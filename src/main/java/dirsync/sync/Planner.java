package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges the sorted listings of one source directory and its replica counterpart into actions. Pure: it
 * reads no disk, so every decision can be tested with tables. Actions come out in name order, except that
 * deletions come last so that a directory's copies are made before anything in it is removed.
 */
public final class Planner {

    private Planner() {
    }

    public static List<Action> plan(List<Entry> source, List<Entry> replica) {
        List<Action> actions = new ArrayList<>(Math.max(source.size(), replica.size()));
        List<Action> deletions = new ArrayList<>();
        int s = 0;
        int r = 0;
        while (s < source.size() || r < replica.size()) {
            int order = s == source.size() ? 1
                    : r == replica.size() ? -1
                    : source.get(s).name().compareTo(replica.get(r).name());
            if (order < 0) {
                onlyInSource(source.get(s++), actions);
            } else if (order > 0) {
                onlyInReplica(replica.get(r++), actions, deletions);
            } else {
                inBoth(source.get(s++), replica.get(r++), actions, deletions);
            }
        }
        actions.addAll(deletions);
        return actions;
    }

    private static void onlyInSource(Entry source, List<Action> actions) {
        switch (source.kind()) {
            case DIRECTORY -> actions.add(new Action.CreateDirectory(source));
            case FILE, SYMLINK -> actions.add(new Action.CopyNew(source));
            case SPECIAL -> actions.add(new Action.SkipSpecial(source));
            case UNREADABLE -> actions.add(new Action.SkipUnreadable(source.name()));
        }
    }

    private static void onlyInReplica(Entry replica, List<Action> actions, List<Action> deletions) {
        if (replica.is(EntryKind.UNREADABLE)) {
            actions.add(new Action.SkipUnreadable(replica.name()));
        } else {
            deletions.add(new Action.Delete(replica));
        }
    }

    private static void inBoth(Entry source, Entry replica, List<Action> actions, List<Action> deletions) {
        if (source.is(EntryKind.UNREADABLE) || replica.is(EntryKind.UNREADABLE)) {
            // Not knowing what the source holds is no reason to destroy the replica's copy.
            actions.add(new Action.SkipUnreadable(source.name()));
            return;
        }
        if (source.is(EntryKind.SPECIAL)) {
            actions.add(new Action.SkipSpecial(source));
            deletions.add(new Action.Delete(replica));
            return;
        }
        if (source.kind() != replica.kind()) {
            actions.add(new Action.ReplaceType(source, replica));
            return;
        }
        switch (source.kind()) {
            case DIRECTORY -> actions.add(new Action.SyncDirectory(source, replica));
            case SYMLINK -> actions.add(source.linkTarget().equals(replica.linkTarget())
                    ? new Action.SyncLink(source, replica)
                    : new Action.Update(source, replica));
            case FILE -> actions.add(source.size() != replica.size()
                    ? new Action.Update(source, replica)
                    : new Action.CompareContent(source, replica));
            default -> throw new AssertionError("unexpected kind " + source.kind());
        }
    }
}
