package dirsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.app.StopSignal;
import dirsync.app.Surroundings;
import dirsync.testing.S3ProxyServer;
import dirsync.testing.StoreFaults;
import dirsync.testing.Trees;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The real command line through picocli, in process, with an {@code s3://} replica in a real S3 server: the store
 * found from the run's environment alone; the options that cannot apply refused before anything is written.
 */
class ObjectReplicaCommandTest {

    private static final StoreFaults FAULTS = new StoreFaults();

    @RegisterExtension
    static final S3ProxyServer STORE = new S3ProxyServer(FAULTS::over);

    @TempDir
    Path temp;

    @TempDir
    Path locks;

    private Surroundings surroundings;
    private Path source;
    private Path log;
    private String prefix;

    @BeforeEach
    void layOut() {
        source = Trees.at(temp.resolve("source")).file("a.txt", "alpha").file("sub/b.txt", "beta").dir("empty").root();
        log = temp.resolve("logs/dirsync.log");
        prefix = STORE.newPrefix();
        surroundings = new Surroundings(locks, Duration.ofSeconds(10), false).withEnvironment(Map.of(
                "AWS_ENDPOINT_URL", STORE.endpoint().toString(),
                "AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY,
                "HOME", temp.resolve("home").toString()));
    }

    private String address() {
        return "s3://" + STORE.bucket() + "/" + prefix;
    }

    private record Run(int exitCode, String out, String err) {
    }

    private Run run(String... options) {
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("--once", source.toString(), address(), "60", log.toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = DirsyncCommand.commandLine(new StopSignal(), surroundings);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args.toArray(String[]::new));
        return new Run(exitCode, out.toString(), err.toString());
    }

    private List<String> keys() {
        return STORE.client().listObjectsV2Paginator(request -> request.bucket(STORE.bucket()).prefix(prefix))
                .contents().stream().map(S3Object::key).map(key -> key.substring(prefix.length())).sorted().toList();
    }

    @Test
    void aOncePassMirrorsTheSourceIntoTheBucketWithTheStoreFromTheEnvironment() {
        Run run = run();

        assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
        assertThat(keys()).containsExactly("", "a.txt", "empty/", "sub/", "sub/b.txt");
        assertThat(run.out()).contains("object store: " + STORE.endpoint() + " (path-style), region us-east-1 (none "
                + "set)");
    }

    @Test
    void aSecondPassOverAnUnchangedTreeChangesNothingAttributesIncluded() {
        assertThat(run().exitCode()).isZero();

        Run second = run();

        assertThat(second.exitCode()).as(second.err() + second.out()).isZero();
        assertThat(second.out().lines().filter(line -> line.contains("pass 1 finished")).findFirst()).get()
                .asString().contains("created=0 copied=0 updated=0").contains("deleted=0").contains("attributes=0");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--backup-dir=BACKUP    | --backup-dir cannot be used with an s3:// replica: an object store keeps no backups",
        "--ssh-key=KEY          | --ssh-key cannot be used with an s3:// replica: it applies to an sftp:// replica only",
        "--known-hosts=KNOWN    | --known-hosts cannot be used with an s3:// replica",
        "--ssh-config=CONFIG    | --ssh-config cannot be used with an s3:// replica",
        "--accept-new-host-key  | --accept-new-host-key cannot be used with an s3:// replica",
        "--no-owner             | --no-owner cannot be used with an s3:// replica: the source's owner and group",
        "--no-group             | --no-group cannot be used with an s3:// replica"})
    void anOptionThatCannotApplyIsRefusedInOneLineWithNothingWritten(String option, String message) {
        Run run = run(option.replace("BACKUP", temp.resolve("backup").toString())
                .replace("KEY", temp.resolve("key").toString()).replace("KNOWN", temp.resolve("known").toString())
                .replace("CONFIG", temp.resolve("config").toString()));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList()).singleElement().asString().startsWith("dirsync: " + message);
        assertThat(log).doesNotExist();
        assertThat(keys()).isEmpty();
    }

    @Test
    void credentialsThatMayListButNotWriteAreRefusedAtTheLockObjectInOneLineWithExit5() {
        FAULTS.denyWritesUnder(prefix);

        Run run = run();

        assertThat(run.exitCode()).as(run.err() + run.out()).isEqualTo(5);
        assertThat(run.err().lines().toList()).singleElement().asString().isEqualTo("dirsync: cannot use replica '"
                + address().substring(0, address().length() - 1) + "': the object store at " + STORE.endpoint() + " refused to write the lock object "
                + address() + ".dirsync.lock (403 AccessDenied: Access Denied): these credentials may list the "
                + "replica but not write it");
        assertThat(run.out()).doesNotContain("Exception").doesNotContain("each pass tries again");
        assertThat(keys()).isEmpty();
    }

    @Test
    void aDryRunWithCredentialsThatMayOnlyListRunsAndWritesNothing() {
        FAULTS.denyWritesUnder(prefix);

        Run run = run("--dry-run");

        assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(keys()).isEmpty();
    }

    /** The names of the files kept about replicas (locks, memories) in the run's state directory. */
    private Set<String> stateFiles() throws IOException {
        try (Stream<Path> files = Files.list(locks)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.startsWith("dirsync-"))
                    .collect(Collectors.toSet());
        }
    }

    /** The run's environment with no endpoint variable, and {@code endpoint} as the default profile's endpoint_url. */
    private void endpointInTheProfileOnly(String endpoint) throws IOException {
        Path config = temp.resolve("home/.aws/config");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "[default]\nendpoint_url = " + endpoint + "\n");
        Map<String, String> environment = new HashMap<>(surroundings.environment());
        environment.remove("AWS_ENDPOINT_URL");
        surroundings = surroundings.withEnvironment(environment);
    }

    @Test
    void twoStoresGivenOnlyInTheProfileWithTheSameBucketAndPrefixNeverShareAMemory() throws IOException {
        endpointInTheProfileOnly(STORE.endpoint().toString());
        Run first = run();
        assertThat(first.exitCode()).as(first.err() + first.out()).isZero();
        Set<String> firstStore = stateFiles();
        assertThat(firstStore).isNotEmpty();

        // The same server under another name: to dirsync, another store with a bucket and prefix of the same names.
        endpointInTheProfileOnly("http://localhost:" + STORE.endpoint().getPort());
        Run second = run();

        assertThat(second.exitCode()).as(second.err() + second.out()).isZero();
        assertThat(second.out()).contains("object store: http://localhost:" + STORE.endpoint().getPort());
        assertThat(stateFiles()).containsAll(firstStore).hasSizeGreaterThan(firstStore.size());
    }

    @Test
    void anEndpointGivenInTheProfileNamesTheReplicasMemoryAsTheSameEndpointInTheEnvironmentDoes() throws IOException {
        Run fromTheEnvironment = run();
        assertThat(fromTheEnvironment.exitCode()).as(fromTheEnvironment.err() + fromTheEnvironment.out()).isZero();
        Set<String> kept = stateFiles();
        assertThat(kept).isNotEmpty();

        endpointInTheProfileOnly(STORE.endpoint().toString());
        Run fromTheProfile = run();

        assertThat(fromTheProfile.exitCode()).as(fromTheProfile.err() + fromTheProfile.out()).isZero();
        assertThat(stateFiles()).isEqualTo(kept);
    }
}
