package dirsync.fs.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.fs.Cancellation;
import dirsync.fs.LeasedLock;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import dirsync.fs.local.LocalTree;
import dirsync.sync.PassSummary;
import dirsync.sync.SyncOptions;
import dirsync.sync.Synchronizer;
import dirsync.testing.S3ProxyServer;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The one-run-per-replica lock object ({@link ObjectLock}) against S3Proxy on 127.0.0.1, which keeps
 * {@code If-None-Match: *} and {@code If-Match}; and, through a client that strips those headers, against a store
 * that ignores them. A stale lease is made by setting the lock's file in S3Proxy's filesystem backend an hour back
 * (its Last-Modified), never by waiting.
 */
class ObjectLockTest {

    @RegisterExtension
    static final S3ProxyServer SERVER = new S3ProxyServer();

    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final String OWNER_A = "host a boot x pid 1";
    private static final String OWNER_B = "host b boot y pid 2";

    @TempDir
    Path temp;

    private String prefix;

    @BeforeEach
    void newReplica() {
        prefix = SERVER.newPrefix();
    }

    private ObjectLock acquire(S3Client client, String owner) throws IOException {
        return ObjectLock.acquire(client, SERVER.bucket(), prefix, owner, LEASE, holder -> false);
    }

    private String lockText() {
        return SERVER.client().getObjectAsBytes(request -> request.bucket(SERVER.bucket())
                .key(prefix + ".dirsync.lock")).asUtf8String();
    }

    private List<String> keys(String bucket, String under) {
        return SERVER.client().listObjectsV2Paginator(request -> request.bucket(bucket).prefix(under)).contents()
                .stream().map(S3Object::key).toList();
    }

    /** The lock's Last-Modified an hour back: a lease nobody renewed. */
    private void ageTheLock() throws IOException {
        Files.setLastModifiedTime(SERVER.bucketDirectory().resolve(prefix + ".dirsync.lock"),
                FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    }

    @Test
    void aFreeReplicaIsTakenWithAConditionalWriteAndTheLockSaysWhoHoldsIt() throws IOException {
        try (ObjectLock lock = acquire(SERVER.client(), OWNER_A)) {
            assertThat(lock.atomic()).isTrue();
            assertThat(lock.describe()).isEqualTo("s3://" + SERVER.bucket() + "/" + prefix + ".dirsync.lock");
            assertThat(lockText()).startsWith("dirsync lock\ntoken ").contains("\nowner " + OWNER_A + "\n")
                    .contains("\nstarted ").contains("\nrenewed ");
            assertThat(keys(SERVER.bucket(), prefix)).containsExactly(prefix + ".dirsync.lock");
        }
    }

    /** The probe object's DELETE goes on another thread, beside the lock's PUT, and is done when acquire returns. */
    @Test
    void theProbeObjectIsDeletedBesideTheTakingOfTheLockAndGoneOnceItIsTaken() throws IOException {
        List<String> besideThreads = new CopyOnWriteArrayList<>();
        Executor recording = task -> {
            besideThreads.add("sent");
            Beside.ownThread("test-beside").execute(task);
        };

        try (ObjectLock lock = ObjectLock.acquire(SERVER.client(), SERVER.bucket(), prefix, OWNER_A, LEASE,
                holder -> false, recording)) {
            assertThat(lock.atomic()).isTrue();
            assertThat(besideThreads).containsExactly("sent");
            assertThat(keys(SERVER.bucket(), prefix)).containsExactly(prefix + ".dirsync.lock");
        }
    }

    @Test
    void aSecondRunIsRefusedWhileTheLockIsHeldAndSaysByWhomAndWhenItWasRenewed() throws IOException {
        try (ObjectLock held = acquire(SERVER.client(), OWNER_A)) {
            String before = lockText();
            assertThatThrownBy(() -> acquire(SERVER.client(), OWNER_B))
                    .isInstanceOf(LeasedLock.HeldElsewhereException.class)
                    .hasMessageStartingWith("another dirsync is using this replica (" + OWNER_A + ", lock "
                            + held.describe() + " renewed ")
                    .hasMessageEndingWith(" s ago)");
            assertThat(lockText()).isEqualTo(before);
        }
    }

    @Test
    void aLeaseNotRenewedForAWholeLeaseIsTakenOver() throws IOException {
        ObjectLock dead = acquire(SERVER.client(), OWNER_A);
        ageTheLock();

        try (ObjectLock taker = acquire(SERVER.client(), OWNER_B)) {
            assertThat(lockText()).contains("\nowner " + OWNER_B + "\n");
        }
        dead.close();
    }

    @Test
    void aFreshLeaseWhoseHolderIsGoneIsTakenOverWithoutWaiting() throws IOException {
        acquire(SERVER.client(), OWNER_A);

        try (ObjectLock taker = ObjectLock.acquire(SERVER.client(), SERVER.bucket(), prefix, OWNER_B, LEASE,
                OWNER_A::equals)) {
            assertThat(lockText()).contains("\nowner " + OWNER_B + "\n");
        }
    }

    @Test
    void renewingRewritesTheLockAndKeepsIt() throws IOException {
        try (ObjectLock lock = acquire(SERVER.client(), OWNER_A)) {
            String before = lockText();
            lock.renew();
            lock.renew();
            assertThat(lockText()).isNotEqualTo(before).contains("(write 3)").contains("\nowner " + OWNER_A + "\n");
        }
    }

    @Test
    void aRunWhoseLockWasTakenOverLearnsItAtItsNextRenewalAndLeavesTheNewHoldersLock() throws IOException {
        ObjectLock first = acquire(SERVER.client(), OWNER_A);
        ageTheLock();
        try (ObjectLock second = acquire(SERVER.client(), OWNER_B)) {
            assertThatThrownBy(first::renew).isInstanceOf(LeasedLock.HeldElsewhereException.class)
                    .hasMessage("the lock " + first.describe()
                            + " was taken over by another dirsync while this one could not renew it");
            first.close();
            assertThat(lockText()).contains("\nowner " + OWNER_B + "\n");
            second.renew();
        }
    }

    @Test
    void theLockIsDeletedAtTheEndAndTheNextRunTakesIt() throws IOException {
        acquire(SERVER.client(), OWNER_A).close();

        assertThat(keys(SERVER.bucket(), prefix)).isEmpty();
        try (ObjectLock next = acquire(SERVER.client(), OWNER_B)) {
            assertThat(lockText()).contains("\nowner " + OWNER_B + "\n");
        }
    }

    @Test
    void noPassListsTheLockAndAPassThatDeletesEverythingElseLeavesIt() throws IOException {
        S3Tree replica = S3Tree.over(SERVER.client(), SERVER.bucket(), prefix, "s3://" + SERVER.bucket() + "/"
                + prefix);
        Path source = Files.createDirectories(temp.resolve("source"));
        Trees.at(source).file("a", "1").file("d/b", "2");
        try (ObjectLock lock = acquire(SERVER.client(), OWNER_A)) {
            new Synchronizer(LocalTree.at(source), replica, SyncOptions.defaults()).runPass(Cancellation.NEVER);
            assertThat(replica.list(RelPath.ROOT).entries()).extracting(entry -> entry.name().text())
                    .containsExactly("a", "d");
            Trees.deleteRecursively(source);
            Files.createDirectories(source);

            PassSummary summary = new Synchronizer(LocalTree.at(source), replica,
                    SyncOptions.defaults().withAllowEmptySource(true)).runPass(Cancellation.NEVER);

            assertThat(summary.errors()).isZero();
            assertThat(keys(SERVER.bucket(), prefix)).containsExactlyInAnyOrder(prefix, prefix + ".dirsync.lock");
            lock.renew();
        }
    }

    @Test
    void aSourceEntryWithTheLocksNameIsOneErrorAndTheLockIsKept() throws IOException {
        S3Tree replica = S3Tree.over(SERVER.client(), SERVER.bucket(), prefix, "s3://" + SERVER.bucket() + "/"
                + prefix);
        Path source = Files.createDirectories(temp.resolve("source"));
        Trees.at(source).file(".dirsync.lock", "mine").file("other", "2");
        try (ObjectLock lock = acquire(SERVER.client(), OWNER_A)) {
            String held = lockText();

            PassSummary summary = new Synchronizer(LocalTree.at(source), replica, SyncOptions.defaults())
                    .runPass(Cancellation.NEVER);

            assertThat(summary.errors()).isEqualTo(1);
            assertThat(lockText()).isEqualTo(held);
            assertThat(replica.list(RelPath.ROOT).entries()).extracting(entry -> entry.name())
                    .containsExactly(Name.of("other"));
        }
    }

    @Test
    void aReplicaAtTheBucketsRootHasItsLockThereHiddenFromItsPasses() throws IOException {
        String bucket = "dirsync-lock-root";
        SERVER.client().createBucket(request -> request.bucket(bucket));
        S3Tree replica = S3Tree.over(SERVER.client(), bucket, "", "s3://" + bucket);
        Path source = Files.createDirectories(temp.resolve("source"));
        Trees.at(source).file("a", "1");
        try (ObjectLock lock = ObjectLock.acquire(SERVER.client(), bucket, "", OWNER_A, LEASE, holder -> false)) {
            assertThat(lock.describe()).isEqualTo("s3://" + bucket + "/.dirsync.lock");
            assertThatThrownBy(() -> ObjectLock.acquire(SERVER.client(), bucket, "", OWNER_B, LEASE, h -> false))
                    .isInstanceOf(LeasedLock.HeldElsewhereException.class);
            new Synchronizer(LocalTree.at(source), replica, SyncOptions.defaults()).runPass(Cancellation.NEVER);
            assertThat(replica.list(RelPath.ROOT).entries()).extracting(entry -> entry.name().text())
                    .containsExactly("a");
            Trees.deleteRecursively(source);
            Files.createDirectories(source);
            new Synchronizer(LocalTree.at(source), replica, SyncOptions.defaults().withAllowEmptySource(true))
                    .runPass(Cancellation.NEVER);
            assertThat(keys(bucket, "")).containsExactly(".dirsync.lock");
        }
        assertThat(keys(bucket, "")).isEmpty();
    }

    /** A client whose requests lose their conditions on the way: a store that ignores them. */
    private static S3Client ignoringConditions() {
        return S3Client.builder().endpointOverride(SERVER.endpoint())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true)
                        .expectContinueEnabled(false).build())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                .httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .overrideConfiguration(configuration -> configuration.addExecutionInterceptor(
                        new ExecutionInterceptor() {
                            @Override
                            public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context,
                                                                    ExecutionAttributes attributes) {
                                return context.httpRequest().toBuilder().removeHeader("If-None-Match")
                                        .removeHeader("If-Match").build();
                            }
                        })).build();
    }

    @Test
    void onAStoreThatIgnoresConditionalWritesTheProbeFindsItAndTheLockIsAPlainLease() throws IOException {
        S3Client client = ignoringConditions();
        ObjectLock first = acquire(client, OWNER_A);
        assertThat(first.atomic()).isFalse();
        assertThatThrownBy(() -> acquire(client, OWNER_B)).isInstanceOf(LeasedLock.HeldElsewhereException.class)
                .hasMessageStartingWith("another dirsync is using this replica (" + OWNER_A);
        first.renew();
        ageTheLock();

        try (ObjectLock second = acquire(client, OWNER_B)) {
            assertThat(lockText()).contains("\nowner " + OWNER_B + "\n");
            assertThatThrownBy(first::renew).isInstanceOf(LeasedLock.HeldElsewhereException.class);
            first.close();
            assertThat(lockText()).contains("\nowner " + OWNER_B + "\n");
        }
        assertThat(keys(SERVER.bucket(), prefix)).isEmpty();
    }
}
