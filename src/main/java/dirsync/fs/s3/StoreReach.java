package dirsync.fs.s3;

import dirsync.fs.ReplicaFeatures;
import java.io.IOException;
import java.util.Optional;

/**
 * Whether the object store still answers in this pass. HTTP opens connections as it needs them, so there is nothing
 * to connect, but a pass whose requests stop getting answers (the endpoint down, the network gone, after the SDK's
 * own retries) has lost the store, and says so once instead of failing object after object: {@link S3Calls} tells
 * this of each request that got no answer, before that failure is thrown, and the tree offers it to the core as its
 * {@link ReplicaFeatures.PassConnection} ({@link #perPass}). The next pass begins afresh, first aborting what a lost
 * pass may have left of its uploads.
 */
final class StoreReach {

    private volatile IOException lost;

    /** A request got no answer: the store is lost for the rest of this pass (the first cause is kept). */
    synchronized void lost(IOException cause) {
        if (lost == null) {
            lost = cause;
        }
    }

    /** The feature: each pass forgets the last one's loss, then aborts the uploads that may be left of it. */
    ReplicaFeatures.PassConnection perPass(IncompleteUploads uploads) {
        return new ReplicaFeatures.PassConnection() {
            @Override
            public void beginPass() throws IOException {
                lost = null;
                uploads.settleOwed();
            }

            @Override
            public Optional<IOException> broken() {
                return Optional.ofNullable(lost);
            }
        };
    }
}
