package dirsync.fs;

import java.io.IOException;
import java.util.List;

/**
 * The entries of one directory sorted by name (unsigned byte order, see {@link Name}), plus the entries whose attributes
 * could not be read. Entries that vanished between the listing and the stat are simply absent.
 */
public record Listing(List<Entry> entries, List<Problem> problems) {

    public static final Listing EMPTY = new Listing(List.of(), List.of());

    public Listing {
        entries = List.copyOf(entries);
        problems = List.copyOf(problems);
    }

    /** An entry that was listed but could not be examined. */
    public record Problem(Name name, IOException cause) {
    }
}
