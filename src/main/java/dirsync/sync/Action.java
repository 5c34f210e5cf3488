package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.util.Optional;

/**
 * One decision about one name in one directory, made by {@link Planner} from the two listings alone. Deciding
 * is kept apart from doing: actions are carried out only through a {@link Visitor}, whose one method per kind of
 * action makes a new kind a compile error everywhere it is not yet handled.
 */
public sealed interface Action {

    /** The entry's name within its directory. */
    Name name();

    <R, X extends Exception> R accept(Visitor<R, X> visitor) throws X;

    /** Whether it waits for the deletion phase after the walk (it removes something that may hold entries). */
    boolean waitsForDeletions();

    /** Whether it creates, replaces or removes entries of the replica directory it is in. */
    boolean changesEntries();

    /** The source's entry it was decided on; empty if the source has no entry of that name to go by. */
    Optional<Entry> listedSource();

    /**
     * Every kind of action, each with its own method: the one way to act on an action.
     *
     * @param <R> what each method returns
     * @param <X> what each method may throw ({@link RuntimeException} for none)
     */
    interface Visitor<R, X extends Exception> {
        R createDirectory(CreateDirectory action) throws X;

        R syncDirectory(SyncDirectory action) throws X;

        R copyNew(CopyNew action) throws X;

        R move(Move action) throws X;

        R update(Update action) throws X;

        R compareContent(CompareContent action) throws X;

        R syncLink(SyncLink action) throws X;

        R replaceType(ReplaceType action) throws X;

        R skipSpecial(SkipSpecial action) throws X;

        R delete(Delete action) throws X;

        R skipUnreadable(SkipUnreadable action) throws X;
    }

    /** A decision about a name the source has, named after the source's entry. */
    sealed interface FromSource extends Action {
        Entry source();

        @Override
        default Name name() {
            return source().name();
        }

        @Override
        default Optional<Entry> listedSource() {
            return Optional.of(source());
        }
    }

    /** A directory exists only in the source: create it, then fill it. */
    record CreateDirectory(Entry source) implements FromSource {
        public <R, X extends Exception> R accept(Visitor<R, X> visitor) throws X {
            return visitor.createDirectory(this);
        }

        public boolean waitsForDeletions() {
            return false;
        }

        public boolean changesEntries() {
            return true;
        }
    }

    /** A directory exists on both sides: descend into it, then bring its attributes over. */
    record SyncDirectory(Entry source, Entry replica) implements FromSource {
        public <R, X extends Exception> R accept(Visitor<R, X> visitor) throws X {
            return visitor.syncDirectory(this);
        }

        public boolean waitsForDeletions() {
            return false;
        }

        public boolean changesEntries() {
            return false;
        }
    }

    /** A file or symlink exists only in the source. */
    record CopyNew(Entry source) implements FromSource {
        public <R, X extends Exception> R accept(Visitor<R, X> visitor) throws X {
            return visitor.copyNew(this);
        }

        public boolean waitsForDeletions() {
            return false;
        }

        public boolean changesEntries() {
            return true;
        }
    }

    /**
     * A regular file or directory only in the source, which the replica has at another path {@code from} (found
     * there as {@code replica}): the source moved it (see {@link Moves}). The replica's entry is renamed, then
     * checked as any pair is; a copy if it can no longer be renamed. Not a decision of the planner, which sees two
     * listings only: the pass makes a {@link CopyNew} or {@link CreateDirectory} a move.
     */
    record Move(Entry source, RelPath from, Entry replica) implements FromSource {
        public <R, X extends Exception> R accept(Visitor<R, X> visitor) throws X {
            return visitor.move(this);
        }

        public boolean waitsForDeletions() {
            return false;
        }

        public boolean changesEntries() {
            return true;
        }
    }

    /** The same kind of file or symlink on both sides, known to differ (size or link target). */
    record Update(Entry source, Entry replica) implements FromSource {
        public <R, X extends Exception> R accept(Visitor<R, X> visitor) throws X {
            return visitor.update(this);
        }

        public boolean waitsForDeletions() {
            return false;
        }

        public boolean changesEntries() {
            return true;
        }
    }

    /** Two regular files of equal size: only their contents can tell whether the replica is stale. */
    record CompareContent(Entry source, Entry replica) implements FromSource {
        public <R, X extends Exception> R accept(Visitor<R, X> visitor) throws X {
            return visitor.compareContent(this);
        }

        public boolean waitsForDeletions() {
            return false;
        }

        public boolean changesEntries() {
            return true;
        }
    }

    /** The same link target on both sides: only the link's own attributes (owner, time) may need bringing over. */
    record SyncLink(Entry source, Entry replica) implements FromSource {
        public <R, X extends Exception> R accept(Visitor<R, X> visitor) throws X {
            return visitor.syncLink(this);
        }

        public boolean waitsForDeletions() {
            return false;
        }

        public boolean changesEntries() {
            return false;
        }
    }

    /**
     * The name exists on both sides with different kinds: the replica entry is replaced. A replica directory
     * is replaced only in the deletion phase: its contents count as deletions.
     */
    record ReplaceType(Entry source, Entry replica) implements FromSource {
        public <R, X extends Exception> R accept(Visitor<R, X> visitor) throws X {
            return visitor.replaceType(this);
        }

        public boolean waitsForDeletions() {
            return replica.is(EntryKind.DIRECTORY);
        }

        public boolean changesEntries() {
            return true;
        }
    }

    /** A FIFO, socket or device in the source: never opened, never mirrored. */
    record SkipSpecial(Entry source) implements FromSource {
        public <R, X extends Exception> R accept(Visitor<R, X> visitor) throws X {
            return visitor.skipSpecial(this);
        }

        public boolean waitsForDeletions() {
            return false;
        }

        public boolean changesEntries() {
            return false;
        }
    }

    /** The replica has something the source does not (or something that cannot be mirrored). */
    record Delete(Entry replica) implements Action {
        @Override
        public Name name() {
            return replica.name();
        }

        public <R, X extends Exception> R accept(Visitor<R, X> visitor) throws X {
            return visitor.delete(this);
        }

        public boolean waitsForDeletions() {
            return true;
        }

        public boolean changesEntries() {
            return true;
        }

        public Optional<Entry> listedSource() {
            return Optional.empty();
        }
    }

    /** An entry on either side could not be examined: leave the replica's entry of that name alone. */
    record SkipUnreadable(Name name) implements Action {
        public <R, X extends Exception> R accept(Visitor<R, X> visitor) throws X {
            return visitor.skipUnreadable(this);
        }

        public boolean waitsForDeletions() {
            return false;
        }

        public boolean changesEntries() {
            return false;
        }

        public Optional<Entry> listedSource() {
            return Optional.empty();
        }
    }
}
