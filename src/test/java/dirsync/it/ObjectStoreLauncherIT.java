package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.S3ProxyServer;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * How {@code bin/dirsync} starts an {@code s3://} run: the AWS SDK's jars of {@code lib/s3} on the class path, so
 * that the JVM's own loader loads them and the class-data-sharing archive the first run writes holds them, an archive
 * of its own ({@code dirsync-javaN-s3-KEY.jsa}) beside the local runs', on every Java. Whether a run mapped it is read
 * from the JVM's class-loading log: the SDK's client class comes from "shared objects file (top)" only then.
 */
class ObjectStoreLauncherIT {

    private static final Duration RUN = Duration.ofSeconds(120);
    private static final String SDK_SHARED =
            "software.amazon.awssdk.services.s3.DefaultS3Client source: shared objects file (top)";

    @RegisterExtension
    static final S3ProxyServer STORE = new S3ProxyServer();

    @TempDir
    static Path unpackRoot;
    private static UnpackedDist dist;

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    private String prefix;
    private Path cache;
    private Path classLog;

    @BeforeAll
    static void unpack() throws IOException {
        dist = UnpackedDist.unpack(unpackRoot);
    }

    @BeforeEach
    void launcherAndStoreInTheEnvironment() throws IOException {
        prefix = "launcher-" + STORE.newPrefix();
        cache = jar.tmp().resolve("cache");
        classLog = jar.tmp().resolve("classes.txt");
        Map<String, String> variables = new HashMap<>();
        variables.put("AWS_ENDPOINT_URL", STORE.endpoint().toString());
        variables.put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
        variables.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
        variables.put("AWS_CONFIG_FILE", jar.tmp().resolve("no-aws-config").toString());
        variables.put("AWS_SHARED_CREDENTIALS_FILE", jar.tmp().resolve("no-aws-credentials").toString());
        variables.put("AWS_EC2_METADATA_DISABLED", "true");
        variables.put("JAVA_HOME", UnpackedDist.javaHome().toString());
        variables.put("DIRSYNC_CACHE_DIR", cache.toString());
        // filecount=0: the JVM keeps no older log by renaming it
        variables.put("DIRSYNC_JAVA_OPTS", classLogOption());
        jar.environment(variables);
        jar.launchWith(List.of(dist.launcher().toString()));
        Trees.at(jar.source()).file("a.txt", "alpha").file("docs/b.txt", "beta").link("latest", "a.txt");
    }

    @AfterEach
    void trainingEnded() {
        LauncherTraining.awaitEnd(cache);
    }

    private String address() {
        return "s3://" + STORE.bucket() + "/" + prefix.substring(0, prefix.length() - 1);
    }

    private JarRuns.Finished once(String label, String replica) throws IOException {
        JarRuns.Finished run = jar.run(label, RUN, jar.sync(jar.source(), replica, "60", jar.logFile(), "--once"));
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stderr()).as(run.describe()).isEmpty();
        return run;
    }

    @Test
    void anS3RunsFirstRunWritesAnArchiveOfItsOwnThatTheSecondMapsWithTheSdkInIt() throws Exception {
        assumeBaseArchive();
        once("first", address());
        assertThat(Files.readString(classLog)).as("the first run has no archive yet").doesNotContain(SDK_SHARED)
                .contains("software.amazon.awssdk.services.s3.DefaultS3Client source: file:"
                        + dist.home().resolve("lib/s3/s3.jar"));
        assertThat(loaderOf("software.amazon.awssdk.services.s3.DefaultS3Client")).as("the JVM's own loader")
                .contains("ClassLoaders$AppClassLoader");
        assertThat(names(cache)).as("the first run's dump, under a name of its own")
                .singleElement().asString().matches("dirsync-java[0-9]+-s3-[0-9]+\\.jsa\\.[0-9]+\\.tmp");

        JarRuns.Finished second = once("second", address());

        assertThat(Files.readString(classLog)).as(second.describe()).contains(SDK_SHARED)
                .contains("dirsync.cli.Main source: shared objects file (top)");
        assertThat(names(cache)).singleElement().asString().matches("dirsync-java[0-9]+-s3-[0-9]+\\.jsa");
        assertThat(STORE.client().listObjectsV2Paginator(request -> request.bucket(STORE.bucket()).prefix(prefix))
                .contents().stream().map(S3Object::key).toList())
                .contains(prefix + "a.txt", prefix + "docs/b.txt", prefix + "latest.rclonelink");
    }

    /** A local run neither maps the s3:// runs' archive nor loads the SDK: its own key, its own start. */
    @Test
    void aLocalRunAfterAnS3RunKeepsToItsOwnArchiveAndLoadsNoSdk() throws Exception {
        assumeBaseArchive();
        once("s3 first", address());
        once("s3 second", address());
        List<String> s3Archive = names(cache);

        once("local", jar.replica().toString());
        LauncherTraining.awaitEnd(cache); // JDK 25: the local run's training, in the same cache directory

        assertThat(Files.readString(classLog)).doesNotContain("software.amazon.").doesNotContain(SDK_SHARED);
        assertThat(names(cache)).containsAll(s3Archive).hasSizeGreaterThan(s3Archive.size())
                .allMatch(name -> s3Archive.contains(name) || !name.contains("-s3-"));
        Trees.assertSameTree(jar.source(), jar.replica());
    }

    /** README's run command, java -jar, still reaches the SDK in s3/ beside the jar through dirsync's own loader. */
    @Test
    void javaDashJarRunsAnS3ReplicaThroughTheJarsOwnLoader() throws Exception {
        jar.launchWith(List.of(UnpackedDist.javaHome().resolve("bin/java").toString(),
                classLogOption(), "-jar",
                dist.home().resolve("lib/dirsync.jar").toString()));

        once("java -jar", address());

        assertThat(loaderOf("software.amazon.awssdk.services.s3.DefaultS3Client")).as("dirsync's own loader")
                .contains("ObjectStoreLoader$SdkFirst");
        assertThat(Files.exists(cache)).as("java -jar keeps no archive").isFalse();
    }

    /**
     * The JVM's class-loading log, with the loader of each class (debug: a second line after each class's). {@code
     * filecount=0}: the JVM keeps no older log by renaming it.
     */
    private String classLogOption() {
        return "-Xlog:class+load=debug:file=" + classLog + "::filecount=0";
    }

    /** The debug line of the log that names the loader of {@code className} (loaded from a jar). */
    private String loaderOf(String className) throws IOException {
        List<String> lines = Files.readAllLines(classLog);
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).contains(" " + className + " source: ")) {
                return lines.get(i + 1);
            }
        }
        throw new AssertionError(className + " is not in the class-loading log " + classLog);
    }

    private static void assumeBaseArchive() {
        Path base = UnpackedDist.javaHome().resolve("lib/server/classes.jsa");
        Assumptions.assumeTrue(Files.isRegularFile(base), () -> "this Java has no base CDS archive: " + base);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
