package dirsync.fs.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.fs.local.LocalTree;
import dirsync.sync.PassSummary;
import dirsync.sync.SyncOptions;
import dirsync.sync.Synchronizer;
import dirsync.testing.S3ProxyServer;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the tree remembers of the objects' metadata ({@link ObjectMemory}), through real passes against S3Proxy on
 * 127.0.0.1: which requests a pass makes, counted by operation. The time an answer must come after an object's
 * last write to be remembered is a parameter here (zero, or an hour), so no test waits for a clock.
 */
class ObjectMemoryTest {

    @RegisterExtension
    static final S3ProxyServer SERVER = new S3ProxyServer();

    private static final Instant LAST_YEAR = Instant.parse("2025-03-04T05:06:07.123456789Z");

    @TempDir
    Path temp;

    private final Map<String, Integer> requests = new ConcurrentHashMap<>();
    private S3Client client;
    private String prefix;
    private Path source;

    @BeforeEach
    void layOut() throws IOException {
        client = SERVER.countingClient(requests);
        prefix = SERVER.newPrefix();
        source = Files.createDirectories(temp.resolve("source"));
        Trees.at(source).file("a.txt", "alpha").file("docs/b.txt", "bravo").file("docs/deep/c.txt", "charlie")
                .dir("empty").link("docs/link", "../a.txt").mtime("a.txt", LAST_YEAR);
    }

    private S3Tree tree(ObjectMemory memory) {
        return S3Tree.over(client, SERVER.bucket(), prefix, "s3://" + SERVER.bucket() + "/" + prefix, memory);
    }

    private PassSummary pass(S3Tree tree) {
        requests.clear();
        PassSummary summary = new Synchronizer(LocalTree.at(source), tree, SyncOptions.defaults())
                .runPass(Cancellation.NEVER);
        assertThat(summary.errors()).isZero();
        return summary;
    }

    /** The HEADs of a pass that reads no object: the root's marker, examined before the pass lists the prefix. */
    private static final int ROOT_ONLY = 1;

    /** Requests that read one object's metadata or content: HEADs and GETs. */
    private int objectReads() {
        return requests.getOrDefault("HeadObject", 0) + requests.getOrDefault("GetObject", 0);
    }

    @Test
    void aNoChangePassReadsNoObjectItsMemoryKnowsAsListed() {
        S3Tree tree = tree(new ObjectMemory(Duration.ZERO));
        pass(tree);
        pass(tree);
        assertThat(objectReads()).as("the pass after the copy reads each object once").isPositive();

        PassSummary unchanged = pass(tree);

        assertThat(unchanged.changes()).isZero();
        assertThat(requests).doesNotContainKeys("GetObject", "PutObject", "CopyObject");
        assertThat(requests.get("HeadObject")).isEqualTo(ROOT_ONLY);
        assertThat(requests.get("ListObjectsV2")).isEqualTo(1);
    }

    @Test
    void aLaterRunStartsFromTheMemoryAnEarlierOneExported() {
        ObjectMemory first = new ObjectMemory(Duration.ZERO);
        S3Tree tree = tree(first);
        pass(tree);
        pass(tree);
        ObjectMemory next = new ObjectMemory(Duration.ZERO);
        assertThat(next.importMemory(first.exportMemory())).isTrue();

        PassSummary unchanged = pass(tree(next));

        assertThat(unchanged.changes()).isZero();
        assertThat(requests).doesNotContainKeys("GetObject");
        assertThat(requests.get("HeadObject")).isEqualTo(ROOT_ONLY);
    }

    @Test
    void anObjectRewrittenBehindTheTreesBackIsReadAgainAndRepaired() throws IOException {
        S3Tree tree = tree(new ObjectMemory(Duration.ZERO));
        pass(tree);
        pass(tree);
        client.putObject(request -> request.bucket(SERVER.bucket()).key(prefix + "docs/b.txt")
                .metadata(Map.of("mtime", "1", "mode", "100600")), RequestBody.fromString("BRAVO"));

        PassSummary repaired = pass(tree);

        // the object, and perhaps its directory's marker: S3Proxy's filesystem store gives the marker the directory's
        // time, which the write moves, but Last-Modified has whole seconds, so within the second of the last pass
        // the marker still lists as it was (the other five objects are never read again)
        assertThat(requests.get("HeadObject")).as("only what the listing shows changed")
                .isBetween(ROOT_ONLY + 1, ROOT_ONLY + 2);
        assertThat(requests).doesNotContainKeys("GetObject");
        assertThat(repaired.changes()).isEqualTo(1);
        assertThat(new String(client.getObjectAsBytes(request -> request.bucket(SERVER.bucket())
                .key(prefix + "docs/b.txt")).asByteArray())).isEqualTo("bravo");
    }

    @Test
    void anAnswerGivenSoonAfterTheObjectsLastWriteIsNotRemembered() {
        S3Tree tree = tree(new ObjectMemory(Duration.ofHours(1)));
        pass(tree);
        pass(tree);
        int first = objectReads();

        pass(tree);

        assertThat(objectReads()).isEqualTo(first).isPositive();
    }

    @Test
    void damagedMemoryBytesAreRefusedWhole() {
        ObjectMemory memory = new ObjectMemory(Duration.ZERO);
        pass(tree(memory));
        pass(tree(memory));
        byte[] saved = memory.exportMemory();
        ObjectMemory next = new ObjectMemory(Duration.ZERO);

        assertThat(next.importMemory(java.util.Arrays.copyOf(saved, saved.length - 1))).isFalse();
        assertThat(next.importMemory(new byte[] {1, 2, 3})).isFalse();
        assertThat(next.size()).isZero();
        assertThat(next.importMemory(saved)).isTrue();
        assertThat(next.size()).isEqualTo(memory.size()).isPositive();
    }
}
