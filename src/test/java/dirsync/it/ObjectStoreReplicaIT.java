package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.local.LocalTree;
import dirsync.testing.CuttingRelay;
import dirsync.testing.Eventually;
import dirsync.testing.S3ProxyServer;
import dirsync.testing.StoreFaults;
import dirsync.testing.Trees;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The jar with an {@code s3://} replica in a real S3 server (S3Proxy, started in this process), configured from its
 * environment alone as the AWS CLI would be: {@code AWS_ENDPOINT_URL} at 127.0.0.1 (so path-style addressing), the
 * two key variables, no region, no option. The replica is read back object by object through a fresh object tree and
 * compared with the source entry by entry; the refusals are one line on stderr with their exit code, and leave the
 * bucket as it was.
 */
class ObjectStoreReplicaIT {

    private static final Duration RUN = Duration.ofSeconds(120);

    private static final StoreFaults FAULTS = new StoreFaults();

    @RegisterExtension
    static final JarToS3 S3 = new JarToS3("replica-", FAULTS::over);

    private final DirsyncJar jar = S3.jar();

    private JarRuns.Finished once(String... options) throws Exception {
        return jar.run("once", RUN, S3.once(options));
    }

    private void assertReplicaIsTheSource() {
        assertThat(TreesThroughSeam.describe(S3.readBack())).as("the replica read back from the bucket")
                .containsExactlyEntriesOf(TreesThroughSeam.describe(LocalTree.at(jar.source())));
    }

    /** Asserts that {@code refused} exited with {@code exitCode} and wrote one line to stderr: that line's assert. */
    private static AbstractStringAssert<?> assertRefusedInOneLine(JarRuns.Finished refused, int exitCode) {
        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(exitCode);
        return assertThat(refused.stderr().lines().toList()).as(refused.describe()).singleElement().asString();
    }

    /** How the line of a refusal by the store begins. */
    private String theStoreRefused() {
        return "dirsync: cannot use replica '" + S3.address() + "': the object store at " + S3.store().endpoint()
                + " refused";
    }

    /** The children's environment with the store's keys, but the endpoint {@code http://127.0.0.1:port}. */
    private Map<String, String> endpointAt(int port) {
        Map<String, String> variables = S3.environment(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
        variables.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + port);
        return variables;
    }

    /** A port of 127.0.0.1 that was free a moment ago: nothing listens there now, connections are refused. */
    private static int aPortNothingListensOn() throws IOException {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return free.getLocalPort();
        }
    }

    /**
     * A periodic run every second whose endpoint is 127.0.0.1:{@code port}, where nothing listens yet; returned once
     * its first pass has ended early, not reaching the store.
     */
    private JarRuns.Running periodicWithTheStoreAt(int port) throws IOException {
        jar.environment(endpointAt(port));
        JarRuns.Running dirsync = jar.start("periodic", jar.sync(jar.source(), S3.address(), "1", jar.logFile()));
        JarRuns.await(Duration.ofSeconds(60), "a pass that could not reach the store", () -> JarRuns.readString(
                jar.logFile()).contains("pass 1 ended early"), dirsync::describe);
        return dirsync;
    }

    /** The store reachable at 127.0.0.1:{@code port} from now on, until the relay returned is closed. */
    private static CuttingRelay theStoreComesUpAt(int port) throws IOException {
        return CuttingRelay.on(port, S3.store().endpoint().getPort(), CuttingRelay.NEVER);
    }

    private void layOutSource() {
        Trees.at(jar.source())
                .file("a.txt", "alpha")
                .file("dir/b.txt", "bravo")
                .file("dir/Überall 50% x+y.txt", "a key the SDK lists url-encoded and decodes")
                .file("dir/sub/c.bin", "x".repeat(100_000))
                .dir("empty")
                .link("dir/to-a", "../a.txt")
                .mode("dir/b.txt", "rw-------");
    }

    @Test
    void aFirstCopyMirrorsTheTreeAndANoChangePassChangesNothing() throws Exception {
        layOutSource();

        JarRuns.Finished first = once();
        assertThat(first.exitCode()).as(first.describe()).isZero();
        assertReplicaIsTheSource();
        List<String> keysAfterFirst = S3.keys();

        JarRuns.Finished second = once();

        assertThat(second.exitCode()).as(second.describe()).isZero();
        assertThat(JarRuns.lines(jar.logFile())).filteredOn(line -> line.contains("pass 1 finished"))
                .hasSize(2).last().asString().contains("copied=0").contains("deleted=0");
        assertReplicaIsTheSource();
        assertThat(S3.keys()).isEqualTo(keysAfterFirst);
        assertThat(second.stderr()).isEmpty();
    }

    @Test
    void typeChangesDeletionsEmptyDirectoriesAndLinksAreMirrored() throws Exception {
        layOutSource();
        Trees.at(jar.source()).file("gone/deep/x.txt", "x").file("becomes-dir", "file").dir("becomes-file")
                .file("becomes-link", "file").link("link-becomes-file", "a.txt");
        assertThat(once().exitCode()).isZero();

        Trees.deleteRecursively(jar.source().resolve("gone"));
        Files.delete(jar.source().resolve("becomes-dir"));
        Files.delete(jar.source().resolve("becomes-file"));
        Files.delete(jar.source().resolve("becomes-link"));
        Files.delete(jar.source().resolve("link-becomes-file"));
        Trees.at(jar.source()).file("becomes-dir/inside.txt", "now a directory").file("becomes-file", "now a file")
                .link("becomes-link", "dir/b.txt").file("link-becomes-file", "now a file").dir("empty/new-empty");
        JarRuns.Finished next = once();

        assertThat(next.exitCode()).as(next.describe()).isZero();
        assertReplicaIsTheSource();
        assertThat(S3.keys()).noneMatch(key -> key.contains("gone"));
    }

    @Test
    void anEmptySourceIsRefusedAndTheReplicaKept() throws Exception {
        layOutSource();
        assertThat(once().exitCode()).isZero();
        List<String> before = S3.keys();
        Trees.deleteRecursively(jar.source());
        Files.createDirectories(jar.source());

        JarRuns.Finished refused = once();

        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(1);
        assertThat(JarRuns.readString(jar.logFile())).contains("the source is empty but the replica is not");
        assertThat(S3.keys()).isEqualTo(before);
    }

    @Test
    void maxDeleteRefusesAPassThatWouldDeleteMore() throws Exception {
        layOutSource();
        assertThat(once().exitCode()).isZero();
        List<String> before = S3.keys();
        Trees.deleteRecursively(jar.source().resolve("dir"));

        JarRuns.Finished refused = once("--max-delete", "2");

        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(1);
        assertThat(JarRuns.readString(jar.logFile())).contains("more than --max-delete 2 allows");
        assertThat(S3.keys()).isEqualTo(before);
    }

    @Test
    void aDryRunReadsTheStoreAndWritesNothing() throws Exception {
        layOutSource();

        JarRuns.Finished dry = once("--dry-run");

        assertThat(dry.exitCode()).as(dry.describe()).isZero();
        assertThat(JarRuns.readString(jar.logFile())).contains("(dry run) copied new file a.txt");
        assertThat(S3.keys()).isEmpty();
    }

    @Test
    void wrongCredentialsAreOneLineAndExit5() throws Exception {
        layOutSource();
        jar.environment(S3.environment(S3ProxyServer.ACCESS_KEY, "not-the-secret"));

        JarRuns.Finished refused = once();

        assertRefusedInOneLine(refused, 5).startsWith(theStoreRefused()).contains("SignatureDoesNotMatch");
        assertThat(S3.keys()).isEmpty();
    }

    @Test
    void aMissingBucketIsOneLineAndExit4() throws Exception {
        layOutSource();
        String missing = "s3://no-such-bucket/x";

        JarRuns.Finished refused = jar.run("missing", RUN, jar.sync(jar.source(), missing, "60", jar.logFile(),
                "--once"));

        assertRefusedInOneLine(refused, 4)
                .isEqualTo("dirsync: cannot use replica '" + missing + "': there is no bucket 'no-such-bucket' at "
                        + S3.store().endpoint() + " (dirsync creates no bucket)");
    }

    @Test
    void aBadAddressIsOneLineAndExit2WithNothingWritten() throws Exception {
        JarRuns.Finished refused = jar.run("bad", RUN, jar.sync(jar.source(), "s3://Not_A_Bucket/x", "60",
                jar.logFile(), "--once"));

        assertRefusedInOneLine(refused, 2)
                .startsWith("dirsync: replica 's3://Not_A_Bucket/x': 'Not_A_Bucket' is not a bucket name");
        assertThat(jar.logFile()).doesNotExist();
    }

    @Test
    void anUnreachableStoreFailsAOncePassWithOneError() throws Exception {
        layOutSource();
        Map<String, String> nowhere = endpointAt(1);
        nowhere.put("AWS_MAX_ATTEMPTS", "1");
        jar.environment(nowhere);

        JarRuns.Finished failed = once();

        assertThat(failed.exitCode()).as(failed.describe()).isEqualTo(1);
        assertThat(JarRuns.lines(jar.logFile())).anyMatch(line -> line.contains("each pass tries again"))
                .anyMatch(line -> line.contains("ERROR") && line.contains("127.0.0.1:1"));
        assertThat(failed.stdout() + failed.stderr()).doesNotContain("Exception");
    }

    @Test
    void inPeriodicModeAStoreUnreachableAtTheStartIsTriedAgainEachPassUntilAPassCompletes() throws Exception {
        layOutSource();
        int port = aPortNothingListensOn();
        JarRuns.Running dirsync = periodicWithTheStoreAt(port);
        assertThat(S3.keys()).isEmpty();

        try (CuttingRelay store = theStoreComesUpAt(port)) {
            JarRuns.await(RUN, "a pass that reaches the store", () -> JarRuns.lines(jar.logFile()).stream()
                    .anyMatch(line -> line.matches(".* pass \\d+ finished: .*")), dirsync::describe);

            // The names only: the next passes run meanwhile (every second), and may be giving attributes again.
            assertThat(S3.keys()).as(dirsync.describe()).filteredOn(key -> !key.equals(S3.lockKey())) // held by the run
                    .containsExactlyInAnyOrder(S3.prefix(), S3.prefix() + "a.txt",
                    S3.prefix() + "dir/",
                    S3.prefix() + "dir/b.txt", S3.prefix() + "dir/Überall 50% x+y.txt", S3.prefix() + "dir/sub/",
                    S3.prefix() + "dir/sub/c.bin", S3.prefix() + "dir/to-a.rclonelink", S3.prefix() + "empty/");
            assertThat(JarRuns.lines(jar.logFile())).as(dirsync.describe())
                    .filteredOn(line -> line.contains(" finished: ")).first()
                    .asString().contains("created=3 copied=5").contains("errors=0");
            assertThat(dirsync.process().isAlive()).as(dirsync.describe()).isTrue();
        }
    }

    @Test
    void credentialsThatMayListButNotWriteAreOneLineAndExit5WithNothingWritten() throws Exception {
        layOutSource();
        FAULTS.denyWritesUnder(S3.prefix());

        JarRuns.Finished refused = once();

        assertRefusedInOneLine(refused, 5)
                .startsWith(theStoreRefused() + " to write the lock object").contains("403 AccessDenied");
        assertThat(S3.keys()).isEmpty();
    }

    @Test
    void inPeriodicModeAStoreFirstReachedAtALaterPassThatDeniesWritesStopsTheRunWithExit5() throws Exception {
        layOutSource();
        FAULTS.denyWritesUnder(S3.prefix());
        int port = aPortNothingListensOn();
        JarRuns.Running dirsync = periodicWithTheStoreAt(port);

        try (CuttingRelay store = theStoreComesUpAt(port)) {
            JarRuns.Finished stopped = dirsync.awaitExit(RUN);

            assertThat(stopped.exitCode()).as(stopped.describe()).isEqualTo(5);
            assertThat(JarRuns.lines(jar.logFile())).as(stopped.describe())
                    .anyMatch(line -> line.contains("stopping: cannot use replica '" + S3.address() + "'")
                            && line.contains("refused to write the lock object"))
                    .noneMatch(line -> line.matches(".* pass \\d+ finished: .*"));
            assertThat(stopped.stdout() + stopped.stderr()).doesNotContain("Exception");
            assertThat(S3.keys()).isEmpty();
        }
    }

    @Test
    void noCredentialsAtAllAreOneLineAndExit5() throws Exception {
        Map<String, String> none = S3.environment(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
        none.remove("AWS_ACCESS_KEY_ID");
        none.remove("AWS_SECRET_ACCESS_KEY");
        jar.environment(none);

        JarRuns.Finished refused = once();

        assertRefusedInOneLine(refused, 5)
                .startsWith("dirsync: cannot use replica '" + S3.address() + "': no AWS credentials found");
    }

    @Test
    void watchModeBringsANewFileOverWithinTheIntervalOfAnHour() throws Exception {
        layOutSource();
        JarRuns.Running dirsync = jar.start("watch", jar.sync(jar.source(), S3.address(), "3600", jar.logFile(),
                "--watch", "--watch-delay", "0.1"));
        JarRuns.await(RUN, "the first pass", () -> JarRuns.readString(jar.logFile()).contains("pass 1 finished"),
                dirsync::describe);

        Trees.at(jar.source()).file("dir/sub/new.txt", "arrived later");

        // The whole tree, not the new key alone: dir/sub's marker gets its new time after the file is in.
        Eventually.within(RUN, "the new file and its directory's time in the bucket", this::assertReplicaIsTheSource,
                dirsync::describe);
    }
}
