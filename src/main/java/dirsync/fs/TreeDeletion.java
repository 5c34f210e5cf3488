package dirsync.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** What a recursive delete removed, and what it could not. */
public record TreeDeletion(long nonDirectories, long directories, List<Failure> failures) {

    public TreeDeletion {
        failures = List.copyOf(failures);
    }

    public boolean complete() {
        return failures.isEmpty();
    }

    public record Failure(Path path, IOException cause) {
    }
}
