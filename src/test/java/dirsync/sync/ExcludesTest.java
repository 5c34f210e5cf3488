package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.fs.Entry;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The exclude syntax, as a table: pattern, relative path, whether it is a directory, and the verdict. */
class ExcludesTest {

    @ParameterizedTest(name = "{0} on {1} (directory: {2}) -> {3}")
    @CsvSource({
        "*.tmp,            a.tmp,                 false, true",
        "*.tmp,            deep/down/b.tmp,       false, true",
        "*.tmp,            a.tmp.keep,            false, false",
        "*.tmp,            tmp,                   false, false",
        "node_modules/,    node_modules,          true,  true",
        "node_modules/,    web/node_modules,      true,  true",
        "node_modules/,    node_modules,          false, false",
        "/build,           build,                 true,  true",
        "/build,           sub/build,             true,  false",
        "docs/*.pdf,       docs/a.pdf,            false, true",
        "docs/*.pdf,       docs/deep/a.pdf,       false, false",
        "docs/*.pdf,       other/docs/a.pdf,      false, false",
        "**/cache,         cache,                 true,  true",
        "**/cache,         a/b/cache,             true,  true",
        "**/cache,         a/b/cache2,            true,  false",
        "logs/**,          logs/x/y.log,          false, true",
        "logs/**,          logs,                  true,  false",
        "?.bak,            a.bak,                 false, true",
        "?.bak,            ab.bak,                false, false",
        "'*.{jpg,png}',    pics/a.png,            false, true",
        "[ab].txt,         b.txt,                 false, true",
        "[ab].txt,         c.txt,                 false, false",
        ".git/,            .git,                  true,  true",
    })
    void decides(String pattern, String path, boolean directory, boolean excluded) {
        RelPath relative = RelPath.of(path);
        RelPath parent = relative.parent();
        Entry entry = directory
                ? Entry.directory(relative.name(), FileTime.fromMillis(0), Set.of())
                : Entry.file(relative.name(), 1, FileTime.fromMillis(0), Set.of());

        assertThat(Excludes.of(List.of(pattern)).excludes(parent, entry)).isEqualTo(excluded);
    }

    @Test
    void keepsWhatNoPatternMatches() {
        Excludes rules = Excludes.of(List.of("*.o", "/out/"));
        List<Entry> entries = List.of(
                Entry.file(Name.of("main.c"), 1, FileTime.fromMillis(0), Set.of()),
                Entry.file(Name.of("main.o"), 1, FileTime.fromMillis(0), Set.of()),
                Entry.directory(Name.of("out"), FileTime.fromMillis(0), Set.of()));

        assertThat(rules.keep(RelPath.ROOT, entries)).extracting(Entry::name).containsExactly(Name.of("main.c"));
    }

    @Test
    void anInvalidPatternIsRefusedWithItsText() {
        assertThatThrownBy(() -> Excludes.of(List.of("[unclosed")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'[unclosed'");
    }

    @Test
    void anUnclosedBracketSaysWhereItIsAndHowALiteralOneIsWritten() {
        assertThatThrownBy(() -> Excludes.of(List.of("[")))
                .hasMessage("invalid exclude pattern '[': the '[' at character 1 has no closing ']' (a backslash "
                        + "before a '[' makes it literal)");
    }

    @Test
    void anEmptyPatternIsRefused() {
        assertThatThrownBy(() -> Excludes.of(List.of("  "))).isInstanceOf(IllegalArgumentException.class);
    }
}
