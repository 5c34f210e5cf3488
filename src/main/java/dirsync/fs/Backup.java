package dirsync.fs;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Where one pass keeps what it deletes or overwrites: {@code <backup directory>/<pass start>/<the entry's path>}.
 * The directory is on the replica's side (for a local replica, a local directory outside it).
 */
public record Backup(Path passDirectory) {

    /** One directory per pass, named for its start: sortable, and free of characters shells dislike. */
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public static Backup forPass(Path backupDirectory, Instant passStart) {
        return new Backup(backupDirectory.resolve(STAMP.format(passStart)));
    }
}
