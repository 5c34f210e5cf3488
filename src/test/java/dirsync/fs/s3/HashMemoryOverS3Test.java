package dirsync.fs.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.fs.local.LocalTree;
import dirsync.sync.Operation;
import dirsync.sync.PassSummary;
import dirsync.sync.SyncOptions;
import dirsync.sync.Synchronizer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The verified-hash memory with the replica in a bucket of S3Proxy on 127.0.0.1, kept from one run to the next as
 * the app keeps it: an object has no inode and no change time, so a pair is trusted while the object has the ETag,
 * size and {@code mtime} metadata it was verified with ({@link ObjectIdentity}). Another client that writes other
 * content of the same size under the same metadata moves only the ETag, and that is enough.
 */
class HashMemoryOverS3Test {

    @RegisterExtension
    static final S3ProxyTrees S3 = new S3ProxyTrees();

    /** Ten seconds ahead: files the test writes count as settled, not as changed "just now". */
    private static final Clock AHEAD = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(10));
    private static final Instant LAST_YEAR = Instant.parse("2025-03-04T05:06:07.123456789Z");

    /** A run's synchronizer, over a tree of its own as each run makes one. */
    private static Synchronizer run() {
        return new Synchronizer(LocalTree.at(S3.source()), S3.tree(), SyncOptions.defaults(), AHEAD);
    }

    private static PassSummary pass(Synchronizer mirror) {
        PassSummary summary = mirror.runPass(Cancellation.NEVER);
        assertThat(summary.errors()).isZero();
        return summary;
    }

    @Test
    void anObjectOverwrittenWithOtherContentOfTheSameSizeAndTheSameMetadataIsComparedAgainAndRepaired() {
        S3.src().file("a", "alpha").file("b", "bravo, bravo").mtime("a", LAST_YEAR).mtime("b", LAST_YEAR);
        Synchronizer first = run();
        pass(first); // copies
        pass(first); // verifies
        Synchronizer next = run();
        assertThat(next.importHashMemory(first.exportHashMemory())).isTrue();
        pass(next);
        assertThat(next.progress().snapshot().bytesHashed()).as("the memory trusts both pairs").isZero();
        HeadObjectResponse before = S3.head("a");
        S3.server().client().putObject(request -> request.bucket(S3.bucket()).key(S3.prefix() + "a")
                .metadata(before.metadata()), RequestBody.fromString("ALPHA"));
        HeadObjectResponse after = S3.head("a");
        assertThat(after.metadata()).isEqualTo(before.metadata()).containsKeys("mtime", "mode");
        assertThat(after.contentLength()).isEqualTo(before.contentLength());
        assertThat(after.eTag()).isNotEqualTo(before.eTag());

        PassSummary repair = pass(next);

        assertThat(repair.count(Operation.UPDATED)).isEqualTo(1);
        assertThat(next.progress().snapshot().bytesHashed()).as("a hashed again, b still trusted").isEqualTo(5);
        assertThat(new String(S3.object("a"))).isEqualTo("alpha");
        assertThat(new String(S3.object("b"))).isEqualTo("bravo, bravo");
    }
}
