package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.LeasedLock;
import dirsync.fs.s3.ObjectLock;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One run per {@code s3://} replica, from any host: the jar against S3Proxy in this process, its lock object
 * {@code prefix/.dirsync.lock}. A run "on another host" is the jar with a {@code java.io.tmpdir} of its own (so that
 * the local lock of the same host does not stand in the way), or this test holding the lock object itself. Every
 * wait is on a log line or an exit, never on time.
 */
class ObjectStoreLockIT {

    private static final Duration RUN = Duration.ofSeconds(120);
    private static final String ELSEWHERE = "host elsewhere boot 0 pid 1";

    @RegisterExtension
    static final JarToS3 S3 = new JarToS3("lock-");

    private final DirsyncJar jar = S3.jar();

    @BeforeEach
    void layOutSource() {
        Trees.at(jar.source()).file("a.txt", "alpha").file("dir/b.txt", "bravo");
    }

    private String lockText() {
        return S3.client().getObjectAsBytes(request -> request.bucket(S3.bucket()).key(S3.lockKey()))
                .asUtf8String();
    }

    /** A --once run as from another host: a java.io.tmpdir (where the same host's local lock lives) of its own. */
    private List<String> onceFromElsewhere(Path log) throws IOException {
        Path tmp = Files.createDirectories(jar.tmp().resolve("elsewhere-tmp"));
        return Stream.concat(Stream.of(DirsyncJar.java(), "-Djava.io.tmpdir=" + tmp, "-jar",
                DirsyncJar.jarFile().toString()), Stream.of("--once", jar.source().toString(), S3.address(), "60",
                log.toString())).toList();
    }

    private JarRuns.Running periodic(int intervalSeconds) throws IOException {
        JarRuns.Running first = jar.start("first", jar.sync(jar.source(), S3.address(),
                String.valueOf(intervalSeconds), jar.logFile()));
        JarRuns.await(RUN, "the first run's first pass to finish",
                () -> JarRuns.readString(jar.logFile()).contains("pass 1 finished"), first::describe);
        return first;
    }

    @Test
    void aReplicaHeldByARunOnAnotherHostIsRefusedWithExit3AndOneLineAndNothingWritten() throws Exception {
        try (LeasedLock elsewhere = ObjectLock.acquire(S3.client(), S3.bucket(), S3.prefix(), ELSEWHERE,
                Duration.ofSeconds(60), holder -> false)) {
            JarRuns.Finished refused = jar.run("refused", RUN, S3.once());

            assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(3);
            assertThat(refused.stderr().lines().toList()).as(refused.describe()).singleElement().asString()
                    .startsWith("dirsync: another dirsync is using this replica (" + ELSEWHERE + ", lock s3://"
                            + S3.bucket() + "/" + S3.lockKey() + " renewed ").endsWith(" s ago)");
            assertThat(S3.keys()).containsExactly(S3.lockKey());
            assertThat(lockText()).contains("\nowner " + ELSEWHERE + "\n");
        }

        JarRuns.Finished after = jar.run("after", RUN, S3.once());

        assertThat(after.exitCode()).as(after.describe()).isZero();
        assertThat(S3.keys()).contains(S3.prefix() + "a.txt", S3.prefix() + "dir/b.txt").doesNotContain(S3.lockKey());
    }

    @Test
    void aSecondRunExits3WhileTheFirstRunsAndTheFirstReleasesTheLockWhenItStops() throws Exception {
        JarRuns.Running first = periodic(3600);
        assertThat(lockText()).contains(" pid " + first.process().pid() + "\n");

        Path secondLog = jar.tmp().resolve("logs/second.log");
        JarRuns.Finished second = jar.run("second", RUN, onceFromElsewhere(secondLog));

        assertThat(second.exitCode()).as(second.describe()).isEqualTo(3);
        assertThat(second.stderr()).as(second.describe()).startsWith("dirsync: another dirsync is using this replica (")
                .contains(" pid " + first.process().pid() + ", lock s3://" + S3.bucket() + "/" + S3.lockKey());
        first.process().destroy(); // SIGTERM
        JarRuns.Finished stopped = first.awaitExit(RUN);
        assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
        assertThat(S3.keys()).doesNotContain(S3.lockKey());
    }

    @Test
    void aRunWhoseLockIsTakenOverLearnsItAtItsNextRenewalAndStopsWithExit3() throws Exception {
        JarRuns.Running first = periodic(1);
        Path lockFile = S3.store().bucketDirectory().resolve(S3.lockKey());
        AtomicReference<LeasedLock> taken = new AtomicReference<>();

        // The first run's lease made stale (its Last-Modified an hour back), then taken over as from another host;
        // a renewal of the first run's landing in between makes it fresh again, so both are done again until taken.
        JarRuns.await(RUN, "the lock to be taken over", () -> {
            try {
                Files.setLastModifiedTime(lockFile, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
                taken.set(ObjectLock.acquire(S3.client(), S3.bucket(), S3.prefix(), ELSEWHERE,
                        Duration.ofSeconds(60), holder -> false));
                return true;
            } catch (LeasedLock.HeldElsewhereException renewedMeanwhile) {
                return false;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, first::describe);
        JarRuns.Finished stopped = first.awaitExit(RUN);

        try (LeasedLock elsewhere = taken.get()) {
            assertThat(stopped.exitCode()).as(stopped.describe()).isEqualTo(3);
            assertThat(JarRuns.readString(jar.logFile())).as(stopped.describe())
                    .contains("the lock s3://" + S3.bucket() + "/" + S3.lockKey()
                            + " was taken over by another dirsync while this one could not renew it")
                    .contains("stopping: another dirsync took this replica over");
            assertThat(lockText()).as("the new holder's lock, left in place").contains("\nowner " + ELSEWHERE + "\n");
            elsewhere.renew();
        }
    }
}
