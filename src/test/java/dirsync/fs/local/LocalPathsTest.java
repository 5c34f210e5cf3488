package dirsync.fs.local;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A local tree's paths: names and link targets as their exact bytes, and a cache that never mixes two paths up. */
class LocalPathsTest {

    @TempDir
    Path temp;

    /**
     * A link made by another tree holds the link's very bytes (given here in hex), relative or absolute, which
     * a path made from text would change: a trailing '/' (x/), ".." after a name that is not UTF-8 (caf\xe9/../x/),
     * runs of '/' (a//b/, /abs//x/, ../up//, caf\xe9/..//x/, /tmp//j\xe9/, //), and the root (/).
     */
    @ParameterizedTest
    @ValueSource(strings = {"782f", "636166e92f2e2e2f782f", "612f2f622f", "2f6162732f2f782f", "2e2e2f75702f2f",
            "636166e92f2e2e2f2f782f", "2f746d702f2f6ae92f", "2f2f", "2f"})
    void aLinkIsMadeAgainWithItsTargetByteForByte(String hex) throws Exception {
        byte[] target = HexFormat.of().parseHex(hex);
        Files.createDirectories(temp.resolve("source"));
        run("bash", "-c", "ln -s -- \"$(printf \"$1\")\" \"$2\"", "ln", escaped(target),
                temp.resolve("source/link").toString());
        assertThat(readlink(temp.resolve("source/link"))).as("the source's link").isEqualTo(target);
        LocalTree source = LocalTree.at(temp.resolve("source"));
        LocalTree replica = LocalTree.at(temp.resolve("replica"));
        replica.prepareRoot();
        Entry link = source.examine(RelPath.of("link"));

        replica.installSymlink(RelPath.of("link"), link);

        assertThat(readlink(temp.resolve("replica/link"))).as("the replica's link, as readlink prints it")
                .isEqualTo(target);
        assertThat(replica.examine(RelPath.of("link")).linkTarget()).isEqualTo(link.linkTarget());
    }

    @Test
    void aNameThatIsNotUtf8IsFoundByItsBytesByATreeThatNeverListedIt() throws Exception {
        byte[] name = HexFormat.of().parseHex("ff6361665ce9");
        run("bash", "-c", "touch -- \"$2/$(printf \"$1\")\"", "touch", escaped(name), temp.toString());

        Entry entry = LocalTree.at(temp).examine(RelPath.ROOT.resolve(Name.of(name)));

        assertThat(entry.kind()).isEqualTo(EntryKind.FILE);
        assertThat(entry.name().bytes()).isEqualTo(name);
    }

    @Test
    void everyPathIsItsOwnAlthoughFarMorePathsThanTheCacheHoldsShareItsSlots() {
        LocalPaths paths = new LocalPaths(temp);
        RelPath[] rels = new RelPath[40_000];
        for (int i = 0; i < rels.length; i++) {
            rels[i] = RelPath.of("d" + (i % 97) + "/e" + (i % 13) + "/f" + i);
        }
        for (int round = 0; round < 2; round++) {
            for (RelPath rel : rels) {
                assertThat(paths.of(rel)).isEqualTo(temp.resolve(rel.toString()));
            }
        }
    }

    @Test
    void aPathAskedForWithAnEqualRelPathIsTheOneMadeForTheFirst() {
        LocalPaths paths = new LocalPaths(temp);
        Path first = paths.of(RelPath.of("a/b/c"));

        Path again = paths.of(RelPath.of("a").resolve(Name.of("b")).resolve(Name.of("c")));

        assertThat(again).isSameAs(first).isEqualTo(temp.resolve("a/b/c"));
    }

    private static byte[] readlink(Path link) throws Exception {
        byte[] printed = run("readlink", "--", link.toString());
        return Arrays.copyOf(printed, printed.length - 1); // its newline
    }

    /** The bytes as printf's escapes, so that any byte reaches the command as it is. */
    private static String escaped(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(String.format("\\x%02x", b & 0xff));
        }
        return text.toString();
    }

    /** Runs a command; returns its standard output (stderr with it). */
    private static byte[] run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        process.getInputStream().transferTo(out);
        assertThat(process.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
        return out.toByteArray();
    }
}
