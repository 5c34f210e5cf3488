package dirsync.sync;

import dirsync.fs.Entry;
import java.nio.file.Path;

/**
 * One decision about one name in one directory, made by {@link Planner} from the two listings alone.
 * Deciding is kept apart from doing: the {@link Synchronizer} carries actions out (or, in a dry run, only
 * reports them).
 */
public sealed interface Action {

    /** The entry's name within its directory. */
    Path name();

    /** A decision about a name the source has, named after the source's entry. */
    sealed interface FromSource extends Action {
        Entry source();

        @Override
        default Path name() {
            return source().name();
        }
    }

    /** A directory exists only in the source: create it, then fill it. */
    record CreateDirectory(Entry source) implements FromSource {
    }

    /** A directory exists on both sides: descend into it, then bring its attributes over. */
    record SyncDirectory(Entry source, Entry replica) implements FromSource {
    }

    /** A file or symlink exists only in the source. */
    record CopyNew(Entry source) implements FromSource {
    }

    /** The same kind of file or symlink on both sides, known to differ (size or link target). */
    record Update(Entry source, Entry replica) implements FromSource {
    }

    /** Two regular files of equal size: only their MD5 hashes can tell whether the replica is stale. */
    record CompareContent(Entry source, Entry replica) implements FromSource {
    }

    /** The name exists on both sides with different kinds: the replica entry is replaced. */
    record ReplaceType(Entry source, Entry replica) implements FromSource {
    }

    /** A FIFO, socket or device in the source: never opened, never mirrored. */
    record SkipSpecial(Entry source) implements FromSource {
    }

    /** The replica has something the source does not (or something that cannot be mirrored). */
    record Delete(Entry replica) implements Action {
        @Override
        public Path name() {
            return replica.name();
        }
    }

    /** An entry on either side could not be examined: leave the replica's entry of that name alone. */
    record SkipUnreadable(Path name) implements Action {
    }
}
