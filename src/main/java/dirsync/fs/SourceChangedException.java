package dirsync.fs;

import java.io.IOException;

/** The source file changed while it was being copied; the copy was discarded and is retried next pass. */
public final class SourceChangedException extends IOException {

    private static final long serialVersionUID = 1L;

    public SourceChangedException(String message) {
        super(message);
    }

    /**
     * The source file {@code rel} as it is just before a copy, which must still be the regular file {@code listed}
     * (same size and modification time) that the pass decided to copy.
     */
    public static Entry requireAsListed(SourceTree source, RelPath rel, Entry listed) throws IOException {
        Entry before = source.examine(rel);
        if (!before.is(EntryKind.FILE) || before.size() != listed.size()
                || !before.modified().equals(listed.modified())) {
            throw new SourceChangedException("source changed since it was listed");
        }
        return before;
    }

    /** The source file {@code rel} as it is just before a copy that takes whatever it reads: a regular file still. */
    public static Entry requireRegularFile(SourceTree source, RelPath rel) throws IOException {
        Entry before = source.examine(rel);
        if (!before.is(EntryKind.FILE)) {
            throw new SourceChangedException("source is no longer a regular file");
        }
        return before;
    }

    /**
     * After a copy of {@code copied} bytes: the source file must be in the very state it was in before (size,
     * times, identity: any write moves its change time, which no one can set back).
     */
    public static void requireUnchangedSince(SourceTree source, RelPath rel, Entry before, long copied)
            throws IOException {
        if (!unchangedSince(source, rel, before, copied)) {
            throw new SourceChangedException("source changed while it was copied");
        }
    }

    /** Whether the source file is, after a copy of {@code copied} bytes, in the very state it was in before. */
    public static boolean unchangedSince(SourceTree source, RelPath rel, Entry before, long copied)
            throws IOException {
        Entry now = source.examine(rel);
        return now.is(EntryKind.FILE) && now.size() == before.size() && now.modified().equals(before.modified())
                && now.identity().equals(before.identity()) && copied == before.size();
    }
}
