package dirsync.fs;

import java.io.IOException;

/** A tree's file system keeps no extended attributes (or not for this user): the pass warns once and goes on. */
public final class ExtendedAttributesUnsupportedException extends IOException {

    private static final long serialVersionUID = 1L;

    public ExtendedAttributesUnsupportedException(String where, Throwable cause) {
        super("extended attributes are not supported on " + where, cause);
    }
}
