package dirsync.fs.s3;

import java.io.IOException;

/**
 * A name an object store cannot hold as this tree maps names to keys: not UTF-8 (a key is Unicode text), a file
 * whose name ends in {@code .rclonelink} (it would read back as a link), or a key longer than 1,024 bytes. Thrown
 * for that entry alone; the rest of the pass goes on.
 */
public final class UnstorableNameException extends IOException {

    private static final long serialVersionUID = 1L;

    public UnstorableNameException(String message) {
        super(message);
    }
}
