package dirsync.fs.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.fs.local.LocalTree;
import dirsync.sync.PassSummary;
import dirsync.sync.SyncOptions;
import dirsync.sync.Synchronizer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * What the tree remembers of the objects' metadata ({@link ObjectMemory}), through real passes against S3Proxy on
 * 127.0.0.1: which requests a pass makes, counted by operation. The time an answer must come after an object's
 * last write to be remembered is a parameter here (zero, or an hour), so no test waits for a clock.
 */
class ObjectMemoryTest {

    @RegisterExtension
    static final S3ProxyTrees S3 = new S3ProxyTrees();

    private static final Instant LAST_YEAR = Instant.parse("2025-03-04T05:06:07.123456789Z");

    @BeforeEach
    void layOut() {
        S3.src().file("a.txt", "alpha").file("docs/b.txt", "bravo").file("docs/deep/c.txt", "charlie")
                .dir("empty").link("docs/link", "../a.txt").mtime("a.txt", LAST_YEAR);
    }

    private PassSummary pass(S3Tree tree) {
        S3.requests().clear();
        PassSummary summary = new Synchronizer(LocalTree.at(S3.source()), tree, SyncOptions.defaults())
                .runPass(Cancellation.NEVER);
        assertThat(summary.errors()).isZero();
        return summary;
    }

    /** The HEADs of a pass that reads no object: the root's marker, examined before the pass lists the prefix. */
    private static final int ROOT_ONLY = 1;

    /** Requests that read one object's metadata or content: HEADs and GETs. */
    private int objectReads() {
        return S3.requests().getOrDefault("HeadObject", 0) + S3.requests().getOrDefault("GetObject", 0);
    }

    @Test
    void aNoChangePassReadsNoObjectItsMemoryKnowsAsListed() {
        S3Tree tree = S3.tree(new ObjectMemory(Duration.ZERO));
        pass(tree);
        pass(tree);
        assertThat(objectReads()).as("the pass after the copy reads each object once").isPositive();

        PassSummary unchanged = pass(tree);

        assertThat(unchanged.changes()).isZero();
        assertThat(S3.requests()).doesNotContainKeys("GetObject", "PutObject", "CopyObject");
        assertThat(S3.requests().get("HeadObject")).isEqualTo(ROOT_ONLY);
        assertThat(S3.requests().get("ListObjectsV2")).isEqualTo(1);
    }

    @Test
    void aLaterRunStartsFromTheMemoryAnEarlierOneExported() {
        ObjectMemory first = new ObjectMemory(Duration.ZERO);
        S3Tree tree = S3.tree(first);
        pass(tree);
        pass(tree);
        ObjectMemory next = new ObjectMemory(Duration.ZERO);
        assertThat(next.importMemory(first.exportMemory())).isTrue();

        PassSummary unchanged = pass(S3.tree(next));

        assertThat(unchanged.changes()).isZero();
        assertThat(S3.requests()).doesNotContainKeys("GetObject");
        assertThat(S3.requests().get("HeadObject")).isEqualTo(ROOT_ONLY);
    }

    @Test
    void anObjectRewrittenBehindTheTreesBackIsReadAgainAndRepaired() {
        S3Tree tree = S3.tree(new ObjectMemory(Duration.ZERO));
        pass(tree);
        pass(tree);
        S3.client().putObject(request -> request.bucket(S3.bucket()).key(S3.prefix() + "docs/b.txt")
                .metadata(Map.of("mtime", "1", "mode", "100600")), RequestBody.fromString("BRAVO"));

        PassSummary repaired = pass(tree);

        // the object, and perhaps its directory's marker: S3Proxy's filesystem store gives the marker the directory's
        // time, which the write moves, but Last-Modified has whole seconds, so within the second of the last pass
        // the marker still lists as it was (the other five objects are never read again)
        assertThat(S3.requests().get("HeadObject")).as("only what the listing shows changed")
                .isBetween(ROOT_ONLY + 1, ROOT_ONLY + 2);
        assertThat(S3.requests()).doesNotContainKeys("GetObject");
        assertThat(repaired.changes()).isEqualTo(1);
        assertThat(new String(S3.object("docs/b.txt"))).isEqualTo("bravo");
    }

    @Test
    void anAnswerGivenSoonAfterTheObjectsLastWriteIsNotRemembered() {
        S3Tree tree = S3.tree(new ObjectMemory(Duration.ofHours(1)));
        pass(tree);
        pass(tree);
        int first = objectReads();

        pass(tree);

        assertThat(objectReads()).isEqualTo(first).isPositive();
    }

    @Test
    void damagedMemoryBytesAreRefusedWhole() {
        ObjectMemory memory = new ObjectMemory(Duration.ZERO);
        pass(S3.tree(memory));
        pass(S3.tree(memory));
        byte[] saved = memory.exportMemory();
        ObjectMemory next = new ObjectMemory(Duration.ZERO);

        assertThat(next.importMemory(java.util.Arrays.copyOf(saved, saved.length - 1))).isFalse();
        assertThat(next.importMemory(new byte[] {1, 2, 3})).isFalse();
        assertThat(next.size()).isZero();
        assertThat(next.importMemory(saved)).isTrue();
        assertThat(next.size()).isEqualTo(memory.size()).isPositive();
    }
}
