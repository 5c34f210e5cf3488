package dirsync.fs.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * How a file written under a temporary name gets to disk before it takes its name. The one promise: the
 * {@link Install} handed to {@link Copy#whenDurable} (the rename) runs only once the file's content survives a
 * crash or a power loss, so it can never leave a name with torn or missing content.
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

    /** A copy forced to disk by its own fsync when written, and installed at once. */
    Copy FORCED_ALONE = new Copy() {
        @Override
        public void written(Path temp, FileChannel out) throws IOException {
            out.force(true);
        }

        @Override
        public CompletableFuture<Long> whenDurable(Install install) {
            return now(install);
        }

        @Override
        public void abandon() {
        }
    };

    /** A copy begins (before its first byte is written), so that others may wait for it to share their flush. */
    Copy begin();

    /** How many files a pass should write at once to make the most of this way to disk. */
    int filesAtOnce();

    /** What a durable file is for: its rename into place, which returns the bytes copied. */
    @FunctionalInterface
    interface Install {
        long run() throws IOException;
    }

    /** Runs {@code install} on this thread; its result or failure as a completed stage. */
    static CompletableFuture<Long> now(Install install) {
        try {
            return CompletableFuture.completedFuture(install.run());
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * One file's way to disk: {@link #written} once all its bytes are (by the thread that wrote them), then
     * {@link #whenDurable} to hand it over; or {@link #abandon} before that, if it will not be installed (a later
     * call of abandon does nothing).
     */
    interface Copy {

        /** Every byte of {@code temp} is written through {@code out}, which may be closed once handed over. */
        void written(Path temp, FileChannel out) throws IOException;

        /**
         * Hands the written file over: {@code install} runs once its content is durable, at once on this thread or
         * later on another, and the stage completes with its result. If the content cannot be made durable the
         * stage fails and {@code install} does not run.
         */
        CompletableFuture<Long> whenDurable(Install install);

        /** The file will not be installed: nothing waits for it any more. */
        void abandon();
    }
}
