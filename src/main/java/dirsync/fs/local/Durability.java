package dirsync.fs.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * How a file written under a temporary name gets to disk before it takes its name. The one promise: once
 * {@link Pending#await} returns, the file's content survives a crash or a power loss, so the rename that follows
 * can never leave a name with torn or missing content.
 */
interface Durability {

    /** One fsync per file, at once: right for every file system, and slow for many small files. */
    Durability EACH_FILE = new Durability() {
        @Override
        public Pending written(Path temp, FileChannel out) throws IOException {
            out.force(true);
            return Pending.DURABLE;
        }

        @Override
        public int filesAtOnce() {
            return 4; // more threads each waiting on its own fsync were measured no faster
        }
    };

    /**
     * Called once every byte of {@code temp} is written through {@code out}, which stays open until the pending
     * write is awaited or abandoned.
     */
    Pending written(Path temp, FileChannel out) throws IOException;

    /** How many files a pass should write at once to make the most of this way to disk. */
    int filesAtOnce();

    /** A written file on its way to disk. Exactly one of its methods is called, once. */
    interface Pending {

        /** A file that is durable already. */
        Pending DURABLE = new Pending() {
            @Override
            public void await() {
            }

            @Override
            public void abandon() {
            }
        };

        /** Returns once the file's content is durable; throws if it cannot be made so. */
        void await() throws IOException;

        /** The file will not be renamed into place (it failed a check): it need not be waited for. */
        void abandon();
    }
}
