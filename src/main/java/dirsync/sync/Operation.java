package dirsync.sync;

/** Everything a pass can do or meet, each counted in the pass summary under its key. */
public enum Operation {
    CREATED_DIRECTORY("created"),
    COPIED("copied"),
    UPDATED("updated"),
    /** A file or directory the source moved, renamed in the replica instead of copied again. */
    MOVED("moved"),
    /** A file made a second name of another replica file, as its source is of another source file. */
    LINKED("linked"),
    REPLACED("replaced"),
    DELETED("deleted"),
    DELETED_DIRECTORY("deleted_dirs"),
    ATTRIBUTES("attributes"),
    SKIPPED("skipped"),
    /** A source entry disappeared before it could be read: not an error, the next pass sees the new state. */
    VANISHED("vanished"),
    /** A source file changed while it was copied: the copy was discarded and is retried next pass. */
    CHANGING("changing"),
    ERROR("errors");

    private final String key;

    Operation(String key) {
        this.key = key;
    }

    /** The name of this count in the summary line. */
    public String key() {
        return key;
    }
}
