package dirsync.fs.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.fs.Cancellation;
import dirsync.fs.Entry;
import dirsync.fs.Md5;
import dirsync.fs.Progress;
import dirsync.fs.RelPath;
import dirsync.fs.Work;
import dirsync.fs.local.LocalTree;
import dirsync.sync.PassSummary;
import dirsync.sync.SyncOptions;
import dirsync.sync.Synchronizer;
import dirsync.testing.S3ProxyServer;
import dirsync.testing.SeveringRelay;
import dirsync.testing.StoreFaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the object tree does when the store or the network fails: a throttled or ailing store (503 SlowDown, 500) is
 * retried by the SDK's own default strategy; a network lost mid-pass is one error for that pass, and the next pass
 * mirrors, with no upload left incomplete; and the incomplete uploads a killed run left are aborted at the next run's
 * start. Against S3Proxy on 127.0.0.1, its faults answered by the server itself ({@link StoreFaults}) or made by a
 * relay that loses the network after a number of bytes ({@link SeveringRelay}): nothing here rests on timing.
 */
class StoreFaultsTest {

    private static final StoreFaults FAULTS = new StoreFaults();

    @RegisterExtension
    static final S3ProxyServer SERVER = new S3ProxyServer(FAULTS::over);

    private static final int MIB = 1 << 20;

    @TempDir
    Path temp;

    private String prefix;
    private Path sourceRoot;

    @BeforeEach
    void prepare() throws IOException {
        prefix = SERVER.newPrefix();
        sourceRoot = Files.createDirectories(temp.resolve("source"));
    }

    private S3Tree treeThrough(S3Client client) {
        return S3Tree.over(client, SERVER.bucket(), prefix, "s3://" + SERVER.bucket() + "/" + prefix,
                new PartSizes(5 * MIB, 5 * MIB));
    }

    private static Work work() {
        return new Work(Cancellation.NEVER, new Md5(), new Progress());
    }

    private byte[] sourceFile(String relative, int size, long seed) throws IOException {
        byte[] content = new byte[size];
        new Random(seed).nextBytes(content);
        Path file = sourceRoot.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        return content;
    }

    private byte[] object(String relativeKey) {
        return SERVER.client().getObjectAsBytes(request -> request.bucket(SERVER.bucket()).key(prefix + relativeKey))
                .asByteArray();
    }

    private int incompleteUploads(String under) {
        return SERVER.client().listMultipartUploads(request -> request.bucket(SERVER.bucket()).prefix(under))
                .uploads().size();
    }

    @Test
    void aSlowDownAnsweredTwiceThenOkStillInstallsTheFileWithTheSdksDefaultRetries() throws IOException {
        byte[] content = sourceFile("throttled", 1000, 1);
        LocalTree source = LocalTree.at(sourceRoot);
        Entry entry = source.examine(RelPath.of("throttled"));
        int before = FAULTS.answered();
        FAULTS.failPuts(prefix + "throttled", 2, StoreFaults.Fault.SLOW_DOWN);

        try (S3Client client = SERVER.clientWithSdkRetries()) {
            treeThrough(client).installFile(source, RelPath.of("throttled"), entry, null, work());
        }

        assertThat(FAULTS.answered() - before).isEqualTo(2);
        assertThat(object("throttled")).isEqualTo(content);
    }

    @Test
    void anInternalErrorAnsweredTwiceThenOkStillInstallsTheFile() throws IOException {
        byte[] content = sourceFile("ailing", 1000, 2);
        LocalTree source = LocalTree.at(sourceRoot);
        Entry entry = source.examine(RelPath.of("ailing"));
        int before = FAULTS.answered();
        FAULTS.failPuts(prefix + "ailing", 2, StoreFaults.Fault.INTERNAL_ERROR);

        try (S3Client client = SERVER.clientWithSdkRetries()) {
            treeThrough(client).installFile(source, RelPath.of("ailing"), entry, null, work());
        }

        assertThat(FAULTS.answered() - before).isEqualTo(2);
        assertThat(object("ailing")).isEqualTo(content);
    }

    @Test
    void aStoreThatKeepsThrottlingFailsThatFileAloneAndTheStoreIsNotLost() throws IOException {
        sourceFile("throttled", 1000, 3);
        LocalTree source = LocalTree.at(sourceRoot);
        Entry entry = source.examine(RelPath.of("throttled"));
        FAULTS.failPuts(prefix + "throttled", 1_000, StoreFaults.Fault.SLOW_DOWN);

        try (S3Client client = SERVER.clientWithSdkRetries()) {
            S3Tree tree = treeThrough(client);
            assertThatThrownBy(() -> tree.installFile(source, RelPath.of("throttled"), entry, null, work()))
                    .isInstanceOf(S3Calls.StoreException.class).hasMessageContaining("503 SlowDown");
            assertThat(tree.features().broken()).isEmpty();
        } finally {
            FAULTS.failPuts(prefix + "throttled", 0, StoreFaults.Fault.SLOW_DOWN);
        }
    }

    @Test
    void aNetworkLostMidPassIsOneErrorAndTheNextPassMirrorsWithNoUploadLeft() throws IOException {
        byte[] big = sourceFile("big", 11 * MIB, 4); // three parts; the network goes in the middle of them
        for (int i = 0; i < 40; i++) {
            sourceFile("small/f" + i, 2000, 100 + i);
        }
        try (SeveringRelay relay = SeveringRelay.to(SERVER.endpoint().getPort(), 3L * MIB);
             S3Client client = SERVER.clientThrough(relay.port())) {
            S3Tree tree = treeThrough(client);
            tree.prepareRoot();
            Synchronizer sync = new Synchronizer(LocalTree.at(sourceRoot), tree, SyncOptions.defaults());

            PassSummary lost = sync.runPass(Cancellation.NEVER);

            assertThat(relay.severed()).isTrue();
            assertThat(lost.completed()).isFalse();
            assertThat(lost.errors()).isEqualTo(1);
            assertThat(incompleteUploads(prefix)).as("the lost pass's upload, its abort lost too").isPositive();

            relay.heal();
            PassSummary next = sync.runPass(Cancellation.NEVER);

            assertThat(next.completed()).isTrue();
            assertThat(next.errors()).isZero();
        }
        assertThat(object("big")).isEqualTo(big);
        for (int i = 0; i < 40; i++) {
            assertThat(object("small/f" + i)).isEqualTo(Files.readAllBytes(sourceRoot.resolve("small/f" + i)));
        }
        assertThat(incompleteUploads(prefix)).isZero();
    }

    @Test
    void thePartsOfAnUploadAreSentInParallel() throws IOException {
        byte[] content = sourceFile("big", 16 * MIB, 5); // four parts: 5, 5, 5 and 1 MiB
        LocalTree source = LocalTree.at(sourceRoot);
        Entry entry = source.examine(RelPath.of("big"));
        FAULTS.partsMeet(MultipartWrite.PARTS_AT_ONCE);
        try (S3Client client = SERVER.clientWithSdkRetries()) {
            treeThrough(client).installFile(source, RelPath.of("big"), entry, null, work());
        } finally {
            FAULTS.partsMeet(0);
        }

        assertThat(object("big")).isEqualTo(content);
    }

    @Test
    void theIncompleteUploadsUnderThePrefixAreAbortedAtTheRunsStartAndOnlyThose() throws IOException {
        S3Client direct = SERVER.client();
        String ours = direct.createMultipartUpload(request -> request.bucket(SERVER.bucket()).key(prefix + "x/left"))
                .uploadId();
        direct.uploadPart(request -> request.bucket(SERVER.bucket()).key(prefix + "x/left").uploadId(ours)
                .partNumber(1), RequestBody.fromBytes(new byte[1000]));
        String elsewhere = "not-" + prefix;
        direct.createMultipartUpload(request -> request.bucket(SERVER.bucket()).key(elsewhere + "kept"));

        try (S3Client client = SERVER.clientWithSdkRetries()) {
            treeThrough(client).prepareRoot();
        }

        assertThat(incompleteUploads(prefix)).isZero();
        assertThat(incompleteUploads(elsewhere)).isEqualTo(1);
    }
}
