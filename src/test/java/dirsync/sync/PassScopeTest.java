package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.RelPath;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a scope gathers directories: tables, no disk. */
class PassScopeTest {

    private static List<String> roots(PassScope scope) {
        return scope.roots().stream().map(root -> root.path() + (root.subtree() ? "/**" : "")).toList();
    }

    @Test
    void directoriesComeInTreeOrderAncestorsFirst() {
        PassScope scope = PassScope.builder().directory(RelPath.of("b")).directory(RelPath.of("a/z"))
                .directory(RelPath.of("a")).directory(RelPath.of("a.b")).build();

        assertThat(roots(scope)).containsExactly("a", "a/z", "a.b", "b");
    }

    @Test
    void aWholeSubtreeCoversTheDirectoriesBelowIt() {
        PassScope scope = PassScope.builder().directory(RelPath.of("a/b")).subtree(RelPath.of("a"))
                .directory(RelPath.of("a/b/c")).directory(RelPath.of("ab")).build();

        assertThat(roots(scope)).containsExactly("a/**", "ab");
    }

    @Test
    void aDirectoryNamedAloneAndWholeIsCoveredWhole() {
        PassScope scope = PassScope.builder().subtree(RelPath.of("a")).directory(RelPath.of("a")).build();

        assertThat(roots(scope)).containsExactly("a/**");
    }

    @Test
    void theWholeRootIsEverything() {
        PassScope scope = PassScope.builder().directory(RelPath.of("x")).subtree(RelPath.ROOT).build();

        assertThat(scope.isEverything()).isTrue();
        assertThat(scope.size()).isEqualTo(1);
    }

    @Test
    void theRootAloneIsNotEverything() {
        PassScope scope = PassScope.builder().directory(RelPath.ROOT).build();

        assertThat(scope.isEverything()).isFalse();
        assertThat(roots(scope)).containsExactly(".");
    }

    @Test
    void namesOrderAsUnsignedBytes() {
        PassScope scope = PassScope.builder().directory(RelPath.of("\u00e9")).directory(RelPath.of("z")).build();

        assertThat(roots(scope)).containsExactly("z", "\u00e9");
    }
}
