package dirsync.fs;

import java.io.IOException;

/** The source file changed while it was being copied; the copy was discarded and is retried next pass. */
public final class SourceChangedException extends IOException {

    private static final long serialVersionUID = 1L;

    public SourceChangedException(String message) {
        super(message);
    }
}
