package dirsync.fs;

import java.io.IOException;
import java.util.List;

/** What a recursive delete removed, and what it could not. */
public record TreeDeletion(long nonDirectories, long directories, List<Failure> failures) {

    public TreeDeletion {
        failures = List.copyOf(failures);
    }

    public boolean complete() {
        return failures.isEmpty();
    }

    /** @param path where it failed, relative to the tree's root */
    public record Failure(RelPath path, IOException cause) {
    }
}
