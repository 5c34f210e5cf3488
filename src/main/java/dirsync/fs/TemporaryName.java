package dirsync.fs;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The name a copy has before it takes its own: {@code .dirsync-<16 hex digits>.tmp}, beside its target, the same
 * on every kind of replica (ASCII, so any file system takes it). A pass that finds one left by a run that was
 * killed or cut off deletes it like any entry the source does not have.
 */
public final class TemporaryName {

    private static final String PREFIX = ".dirsync-";
    private static final String SUFFIX = ".tmp";

    private TemporaryName() {
    }

    /** A fresh name. */
    public static String fresh() {
        byte[] random = new byte[8];
        ThreadLocalRandom.current().nextBytes(random);
        return PREFIX + HexFormat.of().formatHex(random) + SUFFIX;
    }
}
