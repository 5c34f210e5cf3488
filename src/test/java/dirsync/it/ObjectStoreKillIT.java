package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.local.LocalTree;
import dirsync.testing.StoreFaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * SIGKILL of the jar in the middle of passes to an {@code s3://} replica (S3Proxy in this process): every object
 * left under a file's key holds that file's whole content in one of the two trees the passes copy, never a part;
 * each next run takes over the lock object the killed one left (its holder, a process of this host, is gone) without
 * waiting out the lease; and one more pass completes the mirror, releases the lock, and leaves no incomplete
 * multipart upload: one that a kill left in progress (the second test's, whose kill always lands during one) is
 * aborted by the next run.
 *
 * <p>Two trees, A and B ({@link KillTrees}: 306 small files in six directories and three big ones, the same names
 * with different content). Odd kills come in a first copy of A into an emptied prefix, even ones in a pass from B
 * over what the kill before left. Each kill comes as soon as the log shows the k-th file copied, k spread over the
 * pass, so that the kills land at moments spread from its start to its end.
 */
class ObjectStoreKillIT {

    private static final Duration RUN = Duration.ofSeconds(180);
    private static final Duration DEATH = Duration.ofSeconds(30);
    private static final int[] KILL_AFTER_COPIES = {1, 45, 90, 135, 180, 225, 270, 300};
    /** How long a wait for the store may take before the test counts it a hang. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(120);

    private static final StoreFaults FAULTS = new StoreFaults();

    @RegisterExtension
    static final JarToS3 S3 = new JarToS3("kill-", FAULTS::over);

    private final DirsyncJar jar = S3.jar();

    @Test
    void sigkillMidPassLeavesOnlyWholeObjectsAndTheNextRunTakesOverTheLockAndCompletesTheMirror() throws Exception {
        Path treeA = jar.tmp().resolve("A");
        Path treeB = jar.tmp().resolve("B");
        KillTrees.layOut(treeA, 'A', new long[] {3 * KillTrees.MIB + 123, 2 * KillTrees.MIB, KillTrees.MIB - 7}, 51);
        KillTrees.layOut(treeB, 'B', new long[] {3 * KillTrees.MIB + 5, KillTrees.MIB + 1, 2 * KillTrees.MIB}, 51);

        int midPass = 0;
        Map<String, String> torn = new TreeMap<>();
        Path lastSource = treeB;
        for (int kill = 1; kill <= KILL_AFTER_COPIES.length; kill++) {
            boolean firstCopy = kill % 2 == 1;
            lastSource = firstCopy ? treeA : treeB;
            if (firstCopy) {
                emptyThePrefix();
            }
            Path log = jar.tmp().resolve("logs").resolve(String.format("kill-%02d.log", kill));
            JarRuns.Running dirsync = jar.start("kill", jar.sync(lastSource, S3.address(), "60", log, "--once"));
            int copies = KILL_AFTER_COPIES[kill - 1];
            awaitCopies(dirsync, log, copies);
            dirsync.process().destroyForcibly(); // SIGKILL on Linux
            JarRuns.Finished dead = dirsync.awaitExit(DEATH);
            if (dead.exitCode() == 137) {
                midPass++;
            } else {
                assertThat(dead.exitCode()).as("a run that ended by itself, or was refused\n%s", dead.describe())
                        .isZero();
            }
            String moment = "kill " + kill + ", after the " + copies + "th copy of a " + (firstCopy ? "first copy"
                    : "pass") + " from " + lastSource.getFileName();
            for (String problem : notWhole(treeA, treeB)) {
                torn.putIfAbsent(problem, moment);
            }
        }

        JarRuns.Finished last = jar.run("last", RUN, jar.sync(lastSource, S3.address(), "60", jar.logFile(), "--once"));
        System.out.printf("ObjectStoreKillIT: kills %d, hit mid-pass %d, objects not whole %d%n",
                KILL_AFTER_COPIES.length, midPass, torn.size());

        assertThat(torn).as("objects that hold neither A's nor B's whole file").isEmpty();
        assertThat(midPass).as("kills that interrupted a pass").isGreaterThanOrEqualTo(KILL_AFTER_COPIES.length / 2);
        assertThat(last.exitCode()).as(last.describe()).isZero();
        assertThat(TreesThroughSeam.describe(S3.readBack()))
                .as("the replica read back from the bucket")
                .containsExactlyEntriesOf(TreesThroughSeam.describe(LocalTree.at(lastSource)));
        assertThat(S3.keys()).as("the lock released").doesNotContain(S3.lockKey());
        // These trees' files are single PUTs (at most 3 MiB): the next test's kill lands during a multipart upload.
        assertThat(incompleteUploads()).as("incomplete multipart uploads").isEmpty();
    }

    /**
     * The store stores the first part of an upload and holds the later ones, unanswered, until the jar is dead: the
     * kill lands while the upload is in progress, every time, and leaves it incomplete, a part stored.
     */
    @Test
    void sigkillDuringAMultipartUploadLeavesAnUploadThatTheNextRunAbortsAsItCompletesTheMirror() throws Exception {
        Path source = jar.source();
        KillTrees.layOut(source, 'A', new long[] {20 * KillTrees.MIB}, 5); // over 8 MiB: parts of 8, 8 and 4 MiB
        JarRuns.Finished dead;
        FAULTS.holdPartsAfter(1);
        try {
            JarRuns.Running dirsync = jar.start("kill", S3.once());
            JarRuns.await(HANG_GUARD, "an incomplete upload under the prefix with a part stored",
                    ObjectStoreKillIT::anUploadWithAPartStored, dirsync::describe);
            dirsync.process().destroyForcibly(); // SIGKILL on Linux
            dead = dirsync.awaitExit(DEATH);
        } finally {
            FAULTS.releaseParts();
        }
        assertThat(dead.exitCode()).as("killed mid-pass\n%s", dead.describe()).isEqualTo(137);
        // The parts held go on once let go, and fail on the dead jar's connections: wait until they are done with.
        JarRuns.await(HANG_GUARD, "the server done with the parts it held", () -> FAULTS.partsInHand() == 0,
                () -> "parts in hand: " + FAULTS.partsInHand());
        assertThat(incompleteUploads()).as("the upload the kill left").hasSize(1);
        assertThat(notWhole(source, source)).as("objects that do not hold their whole file").isEmpty();

        JarRuns.Finished next = jar.run("next", RUN, S3.once());

        assertThat(next.exitCode()).as(next.describe()).isZero();
        assertThat(incompleteUploads()).as("incomplete multipart uploads").isEmpty();
        assertThat(TreesThroughSeam.describe(S3.readBack()))
                .as("the replica read back from the bucket")
                .containsExactlyEntriesOf(TreesThroughSeam.describe(LocalTree.at(source)));
        assertThat(S3.keys()).as("the lock released").doesNotContain(S3.lockKey());
    }

    /** The multipart uploads under the test's prefix begun and neither completed nor aborted. */
    private static List<MultipartUpload> incompleteUploads() {
        return S3.client().listMultipartUploads(request -> request.bucket(S3.bucket()).prefix(S3.prefix()))
                .uploads();
    }

    private static boolean anUploadWithAPartStored() {
        return incompleteUploads().stream().anyMatch(upload -> !S3.client().listParts(request -> request
                .bucket(S3.bucket()).key(upload.key()).uploadId(upload.uploadId())).parts().isEmpty());
    }

    private void emptyThePrefix() {
        List<String> all = S3.keys();
        for (int from = 0; from < all.size(); from += 1000) {
            List<ObjectIdentifier> batch = all.subList(from, Math.min(all.size(), from + 1000)).stream()
                    .map(key -> ObjectIdentifier.builder().key(key).build()).toList();
            S3.client().deleteObjects(request -> request.bucket(S3.bucket())
                    .delete(delete -> delete.objects(batch)));
        }
    }

    /**
     * Every object under a file's key (not a directory's marker, not the lock) whose content is neither the whole
     * file of that name in A nor in B, each with what it is.
     */
    private List<String> notWhole(Path treeA, Path treeB) throws IOException {
        List<String> problems = new ArrayList<>();
        for (String key : S3.keys()) {
            String relative = key.substring(S3.prefix().length());
            if (relative.isEmpty() || relative.endsWith("/") || relative.equals(".dirsync.lock")) {
                continue;
            }
            byte[] content;
            try {
                content = S3.client().getObjectAsBytes(request -> request.bucket(S3.bucket()).key(key)).asByteArray();
            } catch (NoSuchKeyException gone) {
                // Listed, then gone: a request the killed run had sent (a batch of deletions, say) can still end at
                // the server after the kill. An object that is not there holds no torn content.
                System.out.printf("ObjectStoreKillIT: %s was listed, then gone%n", key);
                continue;
            }
            if (!same(content, treeA.resolve(relative)) && !same(content, treeB.resolve(relative))) {
                problems.add(relative + " (" + content.length + " bytes, neither A's nor B's)");
            }
        }
        return problems;
    }

    private static boolean same(byte[] content, Path file) throws IOException {
        return Files.isRegularFile(file) && Files.size(file) == content.length
                && Arrays.equals(Files.readAllBytes(file), content);
    }

    /** Waits until {@code log} shows {@code count} files copied, or the run has ended by itself (polled, 120 s). */
    private static void awaitCopies(JarRuns.Running dirsync, Path log, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (copiedLines(log) < count && dirsync.process().isAlive()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("dirsync did not log " + count + " copies within 120 s\n"
                        + dirsync.describe());
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
    }

    private static long copiedLines(Path log) {
        return JarRuns.lines(log).stream().filter(line -> line.contains(" copied new file ")
                || line.contains(" updated file ") || line.contains(" replaced directory with file ")).count();
    }
}
