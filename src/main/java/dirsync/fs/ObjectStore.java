package dirsync.fs;

import java.io.IOException;
import java.util.Map;

/**
 * A replica in an object store ({@code s3://bucket/prefix}), as the application sees it without naming a type of the
 * store's SDK: the code behind it ({@code dirsync.fs.s3}) links against the SDK and is loaded with it, only when the
 * replica is an object store, through the one {@link Opener} it implements.
 */
public interface ObjectStore extends AutoCloseable {

    /** The class, loaded with the SDK, that implements {@link Opener} (a public constructor without parameters). */
    String OPENER_CLASS = "dirsync.fs.s3.S3Stores";

    /** Makes a store's client, configured from the environment as the AWS CLI would be. */
    interface Opener {
        /**
         * The replica under {@code prefix} (empty: the whole bucket, else ending in '/') of {@code bucket}, reached
         * with what {@code environment} (the process's, or a test's) and the AWS configuration files say. Sends no
         * request.
         *
         * @param description how log lines name the replica ({@code s3://bucket/prefix})
         * @throws IOException if the configuration cannot give a client (an endpoint that is not a URL); its message
         *                     is one line for the user
         */
        ObjectStore open(String bucket, String prefix, String description, Map<String, String> environment)
                throws IOException;
    }

    /** The tree the passes work on. */
    ReplicaTree tree();

    /**
     * The endpoint URL the client was configured with, as written where it was found ({@code AWS_ENDPOINT_URL_S3},
     * {@code AWS_ENDPOINT_URL}, the profile's {@code endpoint_url}); empty for AWS itself. Part of the replica's
     * identity: one bucket name at two stores is two replicas.
     */
    java.util.Optional<String> endpoint();

    /** Where the store is and how it is reached, for the log ("http://127.0.0.1:9000, region us-east-1, path-style"). */
    String describe();

    /**
     * Checks, with one small request, that the bucket exists and that these credentials may list the replica's
     * prefix.
     *
     * @throws Refusal      for what only the user can fix: no such bucket, credentials missing or refused
     * @throws IOException  if the store could not be asked (unreachable, or a failure of its own): worth another try
     */
    void check() throws IOException;

    /**
     * Takes the replica's lock object ({@link LeasedLock}), describing this run as {@code owner}; {@code holderIsGone}
     * may declare a fresh lock's holder dead from its owner text.
     *
     * @throws LeasedLock.HeldElsewhereException if another run holds it and renewed it within {@code lease}
     */
    LeasedLock lock(String owner, java.time.Duration lease, java.util.function.Predicate<String> holderIsGone)
            throws IOException;

    /** Ends the client (its connections). */
    @Override
    void close();

    /** An answer of the store that another try would not change. */
    final class Refusal extends IOException {
        private static final long serialVersionUID = 1L;

        /** What the store said no to. */
        public enum Kind {
            /** The bucket does not exist. */
            NO_BUCKET,
            /** Credentials missing, unknown, wrong or denied this bucket; or a region the store did not take. */
            REFUSED
        }

        private final Kind kind;

        public Refusal(Kind kind, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }
}
