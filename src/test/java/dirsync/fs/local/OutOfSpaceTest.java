package dirsync.fs.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.fs.Cancellation;
import dirsync.fs.Md5;
import dirsync.fs.OutOfSpaceException;
import dirsync.fs.Progress;
import dirsync.fs.RelPath;
import dirsync.fs.Work;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full local disk is an {@link OutOfSpaceException} from the tree, whatever language the platform words it in:
 * the replica is a 1 MiB tmpfs (root only), and a JVM of its own runs in German (LANGUAGE=de over C.UTF-8, which
 * needs the C library's German catalog).
 */
class OutOfSpaceTest {

    private static final Path GERMAN_CATALOG = Path.of("/usr/share/locale/de/LC_MESSAGES/libc.mo");
    private static final String GERMAN_NO_SPACE = "Auf dem Gerät ist kein Speicherplatz mehr verfügbar";
    private static final String GERMAN_NO_QUOTA = "Der zugewiesene Plattenplatz (Quota) ist überschritten";

    @TempDir
    Path temp;

    Path source;
    Path replica;
    boolean mounted;

    @BeforeEach
    void layOut() throws Exception {
        source = Files.createDirectory(temp.resolve("source"));
        Files.write(source.resolve("big"), new byte[2 << 20]);
        replica = Files.createDirectory(temp.resolve("small-disk"));
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            run(List.of("umount", replica.toString()), Map.of());
        }
    }

    @Test
    void aCopyOntoAFullDiskIsOutOfSpaceInTheWordsOfThePlatform() throws Exception {
        mountSmallTmpfs();
        LocalTree tree = LocalTree.at(replica);
        LocalTree from = LocalTree.at(source);
        RelPath big = RelPath.of("big");

        assertThatThrownBy(() -> tree.installFile(from, big, from.examine(big), null,
                new Work(Cancellation.NEVER, new Md5(), new Progress())))
                .isInstanceOf(OutOfSpaceException.class)
                .satisfies(e -> assertThat(((FileSystemException) e).getReason()).isEqualTo("No space left on device"));
        try (var left = Files.list(replica)) {
            assertThat(left).as("no temporary file left").isEmpty();
        }
    }

    @Test
    void aCopyOntoAFullDiskIsOutOfSpaceInGermanToo() throws Exception {
        mountSmallTmpfs();

        List<String> said = inGerman("copy", source.toString(), replica.toString());

        assertThat(said).containsExactly(OutOfSpaceException.class.getName(), GERMAN_NO_SPACE);
    }

    @Test
    void aQuotaUsedUpIsToldInGermanByTheWordsOfTheCatalogThatGaveTheFullDisksWords() throws Exception {
        List<String> said = inGerman("words", GERMAN_NO_QUOTA);

        assertThat(said).containsExactly("true");
    }

    @Test
    void aFailureOfAnotherKindIsNotOutOfSpaceInAnyLanguage() throws Exception {
        List<String> said = inGerman("words", "Eingabe-/Ausgabefehler");

        assertThat(said).containsExactly("false");
        assertThat(SpaceErrors.platform().lackOfSpace(new FileSystemException("f", null, "Input/output error")))
                .isFalse();
    }

    @Test
    void theCatalogGivesTheTranslationsAskedFor() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(GERMAN_CATALOG), "no German catalog of the C library here");

        assertThat(MessageCatalog.lookUp(GERMAN_CATALOG, Set.of(SpaceErrors.NO_SPACE, SpaceErrors.NO_QUOTA)))
                .isEqualTo(Map.of(SpaceErrors.NO_SPACE, GERMAN_NO_SPACE, SpaceErrors.NO_QUOTA, GERMAN_NO_QUOTA));
    }

    /** What {@link FullDiskProbe} prints, run in a JVM of its own whose C library speaks German. */
    private List<String> inGerman(String... args) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(GERMAN_CATALOG), "no German catalog of the C library here");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), FullDiskProbe.class.getName()));
        command.addAll(List.of(args));
        Process probe = start(command, Map.of("LANG", "C.UTF-8", "LC_ALL", "C.UTF-8", "LANGUAGE", "de"));
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    private void mountSmallTmpfs() throws Exception {
        Assumptions.assumeTrue(run(List.of("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", replica.toString()),
                Map.of()) == 0, "cannot mount a tmpfs here (needs root)");
        mounted = true;
    }

    private static int run(List<String> command, Map<String, String> environment) throws Exception {
        Process process = start(command, environment);
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }

    private static Process start(List<String> command, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return builder.start();
    }
}
