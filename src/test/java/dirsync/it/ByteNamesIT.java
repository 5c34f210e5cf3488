package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Linux names are bytes, not text: dirsync must mirror names that are not valid in the locale's charset
 * byte for byte, even with no locale at all (as under cron), and must not let a name forge or colour a log
 * line. Java cannot create such names under a UTF-8 locale, so bash makes them and find(1) checks them.
 */
class ByteNamesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * Lays out the source with bash: each name is a bash $'...' string. The directory with a newline,
     * an invalid byte and an escape in its name holds a file with a Latin-1 byte in its name.
     */
    private static final String MAKE_TREE = String.join("\n",
            "set -eu",
            "cd \"$1\"",
            "printf 'invalid utf-8\\n' > $'\\xff\\xfe'",
            "printf 'same bytes, other order\\n' > $'\\xfe\\xff'",
            "printf 'latin-1\\n' > $'caf\\xe9'",
            "printf 'latin-1, another letter\\n' > $'caf\\xe8'",
            "printf 'utf-8 e acute\\n' > $'caf\\xc3\\xa9'",
            "printf 'utf-8 cjk\\n' > $'\\xe6\\x97\\xa5\\xe6\\x9c\\xac.txt'",
            "printf 'newline\\n' > $'new\\nline'",
            "printf 'forged\\n' > $'x\\n2026-01-01T00:00:00.000Z ERROR forged line'",
            "printf 'carriage return\\n' > $'carriage\\rreturn'",
            "printf 'ansi escape\\n' > $'\\x1b[31mred\\x1b[0m'",
            "printf 'backslash\\n' > 'back\\slash'",
            "printf 'tab\\n' > $'tab\\there'",
            "printf 'long ascii\\n' > \"$(printf 'L%.0s' $(seq 1 255))\"",
            "printf 'long utf-8\\n' > \"$(printf '\\xe6\\x97\\xa5%.0s' $(seq 1 85))\"",
            "mkdir $'dir\\xff\\n\\x1b[1m'",
            "printf 'inside a strange directory\\n' > $'dir\\xff\\n\\x1b[1m/inner\\xe9'",
            "printf 'plain\\n' > plain.txt");

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @BeforeEach
    void setUp() throws Exception {
        Exec made = exec(jar.source(), "bash", "-c", MAKE_TREE, "make-tree", jar.source().toString());
        assertThat(made.exitCode()).as("creating the byte-named tree: %s", made.text()).isZero();
        assertThat(listing(jar.source())).as("the source tree as find sees it").hasSize(17);
    }

    @Test
    void mirrorsNamesByteForByteWithoutALocale() throws Exception {
        JarRuns.Finished run = onceWithoutLocale();

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(listing(jar.replica())).as("byte-level listing of the replica\n%s", run.describe())
                .containsExactlyElementsOf(listing(jar.source()));
        Exec compared = exec(jar.source(), "bash", "-c", String.join("\n",
                "n=0",
                "while IFS= read -r -d '' f; do",
                "  cmp -s -- \"$f\" \"$1/$f\" || printf 'differs: %q\\n' \"$f\"",
                "  n=$((n+1))",
                "done < <(find . -type f -print0)",
                "echo \"compared $n\""), "compare", jar.replica().toString());
        assertThat(compared.text()).as("file contents compared with cmp\n%s", run.describe())
                .isEqualTo("compared 16\n");
    }

    @Test
    void logEscapesControlCharactersSoANameCannotForgeOrColourALine() throws Exception {
        JarRuns.Finished run = onceWithoutLocale();

        assertThat(run.exitCode()).as(run.describe()).isZero();
        byte[] log = Files.readAllBytes(jar.logFile());
        assertThat(indexOf(log, (byte) 0x1b)).as("a raw ESC byte in the log\n%s", run.describe()).isEqualTo(-1);
        assertThat(indexOf(log, (byte) '\r')).as("a raw CR byte in the log\n%s", run.describe()).isEqualTo(-1);
        assertThat(indexOf(log, (byte) '\t')).as("a raw TAB byte in the log\n%s", run.describe()).isEqualTo(-1);
        String text = new String(log, StandardCharsets.ISO_8859_1); // byte for char: nothing is hidden
        List<String> lines = List.of(text.split("\n"));
        assertThat(lines).as(run.describe())
                .allSatisfy(line -> assertThat(line).containsPattern("^" + JarRuns.LOG_LINE_START.pattern()));
        assertThat(lines).as("every entry is logged, on one line each\n%s", run.describe())
                .anySatisfy(line -> assertThat(line).endsWith("INFO  copied new file new\\nline (8 bytes)"))
                .anySatisfy(line -> assertThat(line).endsWith(
                        "copied new file x\\n2026-01-01T00:00:00.000Z ERROR forged line (7 bytes)"))
                .anySatisfy(line -> assertThat(line).endsWith("copied new file carriage\\rreturn (16 bytes)"))
                .anySatisfy(line -> assertThat(line).endsWith("copied new file \\x1b[31mred\\x1b[0m (12 bytes)"))
                .anySatisfy(line -> assertThat(line).endsWith("copied new file back\\\\slash (10 bytes)"))
                .anySatisfy(line -> assertThat(line).endsWith("copied new file tab\\there (4 bytes)"))
                .anySatisfy(line -> assertThat(line).contains("created directory dir").endsWith("\\n\\x1b[1m"))
                .noneSatisfy(line -> assertThat(line).contains("ERROR forged line").doesNotContain("x\\n"));
        assertThat(lines).as(run.describe()).last().asString().contains("pass 1 finished").contains(" errors=0 ");
    }

    @Test
    void secondPassOverTheSameByteNamedTreeChangesNothing() throws Exception {
        JarRuns.Finished first = onceWithoutLocale();
        assertThat(first.exitCode()).as(first.describe()).isZero();

        JarRuns.Finished second = onceWithoutLocale();

        assertThat(second.exitCode()).as(second.describe()).isZero();
        List<String> summaries = new ArrayList<>();
        Matcher matcher = Pattern.compile("(?m)pass \\d+ finished: .*$")
                .matcher(Files.readString(jar.logFile(), StandardCharsets.ISO_8859_1));
        while (matcher.find()) {
            summaries.add(matcher.group());
        }
        assertThat(summaries).as(second.describe()).hasSize(2);
        assertThat(summaries.get(1)).as(second.describe())
                .contains(" copied=0 ", " updated=0 ", " deleted=0 ", " created=0 ", " replaced=0 ",
                        " deleted_dirs=0 ", " attributes=0 ", " errors=0 ");
        assertThat(listing(jar.replica())).as(second.describe()).containsExactlyElementsOf(listing(jar.source()));
    }

    /** {@code dirsync --once} with an empty environment but PATH: no LANG, no LC_*, as under cron. */
    private JarRuns.Finished onceWithoutLocale() throws IOException {
        List<String> command = new ArrayList<>(List.of("env", "-i", "PATH=/usr/bin:/bin",
                "XDG_STATE_HOME=" + jar.stateHome()));
        command.addAll(jar.once());
        return jar.run("once", TIMEOUT, command);
    }

    /**
     * Every entry under {@code root} as find prints it (type, mode, size for files, the name's raw bytes),
     * sorted; each element is the bytes read as ISO-8859-1, one char per byte, so equality is byte equality.
     */
    private static List<String> listing(Path root) throws Exception {
        Exec find = exec(root, "find", ".", "-mindepth", "1",
                "(", "-type", "f", "-printf", "%y %m %s %P\\0", ")", "-o", "-printf", "%y %m %P\\0");
        assertThat(find.exitCode()).as("find in %s: %s", root, find.text()).isZero();
        String all = new String(find.stdout(), StandardCharsets.ISO_8859_1);
        List<String> entries = new ArrayList<>(List.of(all.split("\0")));
        entries.removeIf(String::isEmpty);
        entries.sort(null);
        return entries;
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private record Exec(int exitCode, byte[] stdout) {
        String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /** Runs a short helper command in {@code dir} (C locale) and returns its exit code and stdout (stderr merged). */
    private static Exec exec(Path dir, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        // Bytes, not characters: in a UTF-8 locale bash's "read -d ''" mangles names that are not valid UTF-8.
        builder.environment().put("LC_ALL", "C");
        Process process = builder.start();
        process.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = process.getInputStream()) {
            in.transferTo(out);
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new Exec(process.exitValue(), out.toByteArray());
    }
}
