package dirsync.fs.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * How a file written under a temporary name gets to disk before it takes its name. The one promise: once
 * {@link Copy#await} returns, the file's content survives a crash or a power loss, so the rename that follows
 * can never leave a name with torn or missing content.
 */
interface Durability {

    /** One fsync per file, as soon as it is written: right for every file system, slow for many small files. */
    Durability EACH_FILE = new Durability() {
        @Override
        public Copy begin() {
            return FORCED_ALONE;
        }

        @Override
        public int filesAtOnce() {
            return 4; // more threads each waiting on its own fsync were measured no faster
        }
    };

    /** A copy forced to disk by its own fsync when written. */
    Copy FORCED_ALONE = new Copy() {
        @Override
        public void written(Path temp, FileChannel out) throws IOException {
            out.force(true);
        }

        @Override
        public void await() {
        }

        @Override
        public void abandon() {
        }
    };

    /** A copy begins (before its first byte is written), so that others may wait for it to share their flush. */
    Copy begin();

    /** How many files a pass should write at once to make the most of this way to disk. */
    int filesAtOnce();

    /**
     * One file's way to disk, used by one thread: {@link #written} once all its bytes are, then {@link #await}
     * before the rename; or {@link #abandon} at any point, if the file will not be renamed into place (a later
     * call of abandon, after await, does nothing).
     */
    interface Copy {

        /** Every byte of {@code temp} is written through {@code out}, which stays open until awaited. */
        void written(Path temp, FileChannel out) throws IOException;

        /** Returns once the file's content is durable; throws if it cannot be made so. */
        void await() throws IOException;

        /** The file will not be renamed into place: nothing waits for it any more. */
        void abandon();
    }
}
