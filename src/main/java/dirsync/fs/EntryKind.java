package dirsync.fs;

/** What a directory entry is, as seen without following symbolic links. */
public enum EntryKind {
    DIRECTORY("directory"),
    FILE("file"),
    SYMLINK("symlink"),
    /** A FIFO, socket or device: never opened, never mirrored. */
    SPECIAL("special file"),
    /** Listed by its directory, but its attributes could not be read (the reason is in the listing). */
    UNREADABLE("unreadable entry");

    private final String label;

    EntryKind(String label) {
        this.label = label;
    }

    /** A human word for log lines: "file", "directory", ... */
    public String label() {
        return label;
    }
}
