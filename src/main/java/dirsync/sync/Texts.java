package dirsync.sync;

import dirsync.fs.Counts;
import dirsync.fs.EntryKind;

/**
 * Every text a pass puts in its log lines, in one place: each line reads {@code <text> <path><detail>}. Kept
 * stable, since users grep their logs for them.
 */
final class Texts {

    static final String CREATED_DIRECTORY = "created directory";
    static final String CREATED_REPLICA_DIRECTORY = "created the replica directory, which was missing";
    static final String UPDATED_FILE = "updated file";
    static final String LINKED_FILE = "linked file";
    static final String MOVED_FILE = "moved file";
    static final String MOVED_DIRECTORY = "moved directory";
    static final String STOPPED_DELETING = "stopped while deleting directory";
    static final String SKIPPED_SPECIAL = "skipped special file";
    static final String NOT_MIRRORED = " (not mirrored)";
    static final String LEFT_ALONE = "left alone, could not be examined:";
    static final String NOT_MOVED = "copied, not moved (the replica refused the rename):";
    static final String UNCHANGED_SAME_TIME = "unchanged (same size and time):";
    static final String UNCHANGED_VERIFIED = "unchanged (verified earlier, neither side changed since):";
    static final String UNCHANGED_SAME_MD5 = "unchanged (same MD5):";
    static final String FILE_ATTRIBUTES = "updated attributes of file";
    static final String DIRECTORY_ATTRIBUTES = "updated attributes of directory";
    static final String LINK_ATTRIBUTES = "updated attributes of symlink";
    static final String KEPT_IN_BACKUP = "old version kept in backup";
    static final String MOVED_TO_BACKUP = " (moved to backup)";
    static final String DELETED_NOTHING = "deleted nothing in the replica this pass:";
    static final String SOURCE_CHANGING = "copy discarded, retried next pass:";
    static final String COPIED_AS_READ = "copied as read, the copy may not match any single moment of the source:";
    static final String VANISHED_BEFORE_COPY = "vanished from the source (or changed type) before it was copied:";
    static final String SOURCE_DIRECTORY_VANISHED = "source directory vanished or changed type:";

    // Errors of the whole pass, no path: "<what>" or "<what>: <reason>"
    static final String SOURCE_NOT_A_DIRECTORY = "the source is no longer a directory";
    static final String REPLICA_NOT_A_DIRECTORY = "the replica is no longer a directory";
    static final String CANNOT_READ_SOURCE_ROOT = "cannot read the source directory";
    static final String CANNOT_USE_REPLICA_ROOT = "cannot use the replica directory";
    static final String CANNOT_REACH_REPLICA = "cannot reach the replica";
    static final String LOST_REPLICA = "lost the connection to the replica";

    // Errors of an entry, at level ERROR (which says it is one): "<what> <path>: <reason>"
    /** After a failure that was not counted, since the replica was lost by then (debug level). */
    static final String AFTER_LOSS = " (not counted: the replica was lost)";
    static final String CANNOT_LIST_SOURCE = "cannot list source directory";
    static final String CANNOT_LIST_REPLICA = "cannot list replica directory";
    static final String CANNOT_MAKE_WRITABLE = "cannot make replica directory writable";
    static final String CANNOT_SET_DIRECTORY_ATTRIBUTES = "cannot set attributes of directory";
    static final String CANNOT_DELETE = "cannot delete";
    static final String CANNOT_CREATE_DIRECTORY = "cannot create directory";
    static final String CANNOT_COMPARE = "cannot compare";
    static final String CANNOT_REPLACE = "cannot replace";
    static final String CANNOT_MOVE = "cannot move";
    static final String CANNOT_COPY = "cannot copy";
    static final String CANNOT_COPY_XATTRS = "cannot copy extended attributes of";

    // Why a pass deletes nothing
    static final String EMPTY_SOURCE = "the source is empty but the replica is not (an unmounted disk looks like "
            + "this; --allow-empty-source allows it)";

    private Texts() {
    }

    /** The start of a pass's summary line: "pass 3 finished: ". */
    static String summary(long pass, boolean completed, boolean stopRequested) {
        return "pass " + pass + " " + ending(completed, stopRequested) + ": ";
    }

    private static String ending(boolean completed, boolean stopRequested) {
        return completed ? "finished" : stopRequested ? "interrupted by a stop request" : "ended early";
    }

    static String partialSummary(int directories, boolean completed, boolean stopRequested) {
        return "changes in " + directories + (directories == 1 ? " directory" : " directories")
                + (completed ? "" : ", " + ending(false, stopRequested)) + ": ";
    }

    static String copiedNew(EntryKind kind) {
        return "copied new " + kind.label();
    }

    static String updated(EntryKind kind) {
        return "updated " + kind.label();
    }

    static String replaced(EntryKind old, EntryKind now) {
        return "replaced " + old.label() + " with " + now.label();
    }

    static String deleted(EntryKind kind) {
        return "deleted " + kind.label();
    }

    /** The detail of a changing line: " (why)", and from the second full pass in a row on, how many. */
    static String changingDetail(String reason, int passesInARow) {
        return " (" + reason + (passesInARow >= 2 ? ", " + passesInARow + " passes in a row" : "") + ")";
    }

    /** The error of a file that changed during its copy in {@code passes} full passes in a row. */
    static String neverSettled(int passes) {
        return "changed during its copy in " + passes + " passes in a row, not copied:";
    }

    /** Why a file that does not settle has no copy, and what the operator can do about it. */
    static String whatToDoWhenUnsettled(String reason) {
        return " (" + reason + "; the replica has no copy of its current content: exclude it (--exclude), let "
                + "dirsync copy it as read (--copy-unsettled), or stop its writer or copy it from a snapshot)";
    }

    static String copiedAsReadDetail(int passesInARow) {
        return " (it changed during its copy in " + passesInARow + " passes in a row; --copy-unsettled)";
    }

    static String cannotExamine(String side) {
        return "cannot examine " + side + " entry";
    }

    static String overTheLimit(long total, long limit) {
        return "it would delete " + entries(total) + ", more than --max-delete " + limit + " allows";
    }

    /** The refusal that holds deletions back for {@code window}. */
    static String overTheWindowLimit(long total, long earlier, long limit, java.time.Duration window) {
        return (earlier == 0 ? "it would delete " + entries(total)
                : "it would delete " + entries(total) + ", and the passes of the last " + window.toSeconds()
                + " s deleted " + earlier) + ": more than --max-delete " + limit + " allows in " + window.toSeconds()
                + " s; nothing is deleted for the next " + window.toSeconds() + " s (a restart with a higher "
                + "--max-delete lets them through)";
    }

    /** A pass within the window after a refusal: {@code since} is the time from the refused pass's start. */
    static String heldAfterRefusal(long total, long limit, java.time.Duration window, java.time.Duration since) {
        java.time.Duration left = window.minus(since);
        long leftSeconds = left.toSeconds() + (left.toNanosPart() == 0 ? 0 : 1);
        return "it would delete " + entries(total) + ", but deletions are held: a pass " + since.toSeconds()
                + " s earlier was refused (more than --max-delete " + limit + " allows in " + window.toSeconds()
                + " s), and nothing is deleted for " + leftSeconds + " s more";
    }

    /** The detail of a copy's line: " (12 bytes)", or " (12 bytes, old version kept in backup)". */
    static String bytes(long count, boolean keptOld) {
        return " (" + Counts.of(count, "byte", "bytes") + (keptOld ? ", " + KEPT_IN_BACKUP : "") + ")";
    }

    static String linkDetail(Object target, boolean keptOld) {
        return " -> " + target + (keptOld ? " (" + KEPT_IN_BACKUP + ")" : "");
    }

    /** The detail of a hard link's line: " (another name of a/b)". */
    /** The detail of a move's line, "moved file a/x -> b/x": where it went. */
    static String movedTo(Object to) {
        return " -> " + to;
    }

    static String linkedTo(Object existing, boolean keptOld) {
        return " (another name of " + existing + (keptOld ? ", " + KEPT_IN_BACKUP : "") + ")";
    }

    /** The one warning of a pass whose trees cannot both keep extended attributes. */
    static String noExtendedAttributes(String reason) {
        return "extended attributes not carried this pass: " + reason;
    }

    static String deletedBeforeTheStop(long count) {
        return " (" + entries(count) + " inside deleted before the stop; the next pass deletes the rest)";
    }

    static String entriesInside(long count) {
        return " (" + entries(count) + " inside)";
    }

    private static String entries(long count) {
        return Counts.of(count, "entry", "entries");
    }
}
