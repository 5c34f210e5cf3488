package dirsync.fs.s3;

import static dirsync.fs.s3.S3ProxyTrees.work;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.fs.Cancellation;
import dirsync.fs.Entry;
import dirsync.fs.RelPath;
import dirsync.fs.local.LocalTree;
import dirsync.sync.PassSummary;
import dirsync.sync.SyncOptions;
import dirsync.sync.Synchronizer;
import dirsync.testing.SeveringRelay;
import dirsync.testing.StoreFaults;
import java.io.IOException;
import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
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
    static final S3ProxyTrees S3 = new S3ProxyTrees(FAULTS::over);

    private static final int MIB = 1 << 20;

    private S3Tree treeThrough(S3Client client) {
        return S3.treeThrough(client, new PartSizes(5 * MIB, 5 * MIB));
    }

    /** What a store answers when a request may well succeed if sent again: a throttled store, an ailing one. */
    static Stream<Named<StoreFaults.Fault>> errorsWorthRetrying() {
        return Stream.of(Named.of("a throttled store's 503 SlowDown", StoreFaults.Fault.SLOW_DOWN),
                Named.of("an ailing store's 500 InternalError", StoreFaults.Fault.INTERNAL_ERROR));
    }

    @ParameterizedTest(name = "{0} answered twice then OK still installs the file with the SDK's default retries")
    @MethodSource("errorsWorthRetrying")
    void anErrorWorthRetryingAnsweredTwiceThenOkStillInstallsTheFileWithTheSdksDefaultRetries(StoreFaults.Fault fault)
            throws IOException {
        byte[] content = S3.sourceFile("retried", 1000, fault.status());
        LocalTree source = LocalTree.at(S3.source());
        Entry entry = source.examine(RelPath.of("retried"));
        int before = FAULTS.answered();
        FAULTS.failPuts(S3.prefix() + "retried", 2, fault);

        try (S3Client client = S3.server().clientWithSdkRetries()) {
            treeThrough(client).installFile(source, RelPath.of("retried"), entry, null, work());
        }

        assertThat(FAULTS.answered() - before).isEqualTo(2);
        assertThat(S3.object("retried")).isEqualTo(content);
    }

    @Test
    void aStoreThatKeepsThrottlingFailsThatFileAloneAndTheStoreIsNotLost() throws IOException {
        S3.sourceFile("throttled", 1000, 3);
        LocalTree source = LocalTree.at(S3.source());
        Entry entry = source.examine(RelPath.of("throttled"));
        FAULTS.failPuts(S3.prefix() + "throttled", 1_000, StoreFaults.Fault.SLOW_DOWN);

        try (S3Client client = S3.server().clientWithSdkRetries()) {
            S3Tree tree = treeThrough(client);
            assertThatThrownBy(() -> tree.installFile(source, RelPath.of("throttled"), entry, null, work()))
                    .isInstanceOf(S3Calls.StoreException.class).hasMessageContaining("503 SlowDown");
            assertThat(tree.features().broken()).isEmpty();
        } finally {
            FAULTS.failPuts(S3.prefix() + "throttled", 0, StoreFaults.Fault.SLOW_DOWN);
        }
    }

    @Test
    void aNetworkLostMidPassIsOneErrorAndTheNextPassMirrorsWithNoUploadLeft() throws IOException {
        byte[] big = S3.sourceFile("big", 11 * MIB, 4); // three parts; the network goes in the middle of them
        for (int i = 0; i < 40; i++) {
            S3.sourceFile("small/f" + i, 2000, 100 + i);
        }
        try (SeveringRelay relay = SeveringRelay.to(S3.server().endpoint().getPort(), 3L * MIB);
             S3Client client = S3.server().clientThrough(relay.port())) {
            S3Tree tree = treeThrough(client);
            tree.prepareRoot();
            Synchronizer sync = new Synchronizer(LocalTree.at(S3.source()), tree, SyncOptions.defaults());

            PassSummary lost = sync.runPass(Cancellation.NEVER);

            assertThat(relay.severed()).isTrue();
            assertThat(lost.completed()).isFalse();
            assertThat(lost.errors()).isEqualTo(1);
            assertThat(S3.incompleteUploads()).as("the lost pass's upload, its abort lost too").isPositive();

            relay.heal();
            PassSummary next = sync.runPass(Cancellation.NEVER);

            assertThat(next.completed()).isTrue();
            assertThat(next.errors()).isZero();
        }
        assertThat(S3.object("big")).isEqualTo(big);
        for (int i = 0; i < 40; i++) {
            assertThat(S3.object("small/f" + i)).isEqualTo(Files.readAllBytes(S3.source().resolve("small/f" + i)));
        }
        assertThat(S3.incompleteUploads()).isZero();
    }

    @Test
    void thePartsOfAnUploadAreSentInParallel() throws IOException {
        byte[] content = S3.sourceFile("big", 16 * MIB, 5); // four parts: 5, 5, 5 and 1 MiB
        LocalTree source = LocalTree.at(S3.source());
        Entry entry = source.examine(RelPath.of("big"));
        FAULTS.partsMeet(MultipartWrite.PARTS_AT_ONCE);
        try (S3Client client = S3.server().clientWithSdkRetries()) {
            treeThrough(client).installFile(source, RelPath.of("big"), entry, null, work());
        } finally {
            FAULTS.partsMeet(0);
        }

        assertThat(S3.object("big")).isEqualTo(content);
    }

    @Test
    void theIncompleteUploadsUnderThePrefixAreAbortedAtTheRunsStartAndOnlyThose() throws IOException {
        S3Client direct = S3.server().client();
        String ours = direct.createMultipartUpload(request -> request.bucket(S3.bucket()).key(S3.prefix() + "x/left"))
                .uploadId();
        direct.uploadPart(request -> request.bucket(S3.bucket()).key(S3.prefix() + "x/left").uploadId(ours)
                .partNumber(1), RequestBody.fromBytes(new byte[1000]));
        String elsewhere = "not-" + S3.prefix();
        direct.createMultipartUpload(request -> request.bucket(S3.bucket()).key(elsewhere + "kept"));

        try (S3Client client = S3.server().clientWithSdkRetries()) {
            treeThrough(client).prepareRoot();
        }

        assertThat(S3.incompleteUploads()).isZero();
        assertThat(S3.incompleteUploadsUnder(elsewhere)).isEqualTo(1);
    }
}
