package dirsync.fs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CountsTest {

    @Test
    void aCountOfOneTakesTheSingularNoun() {
        assertThat(Counts.of(1, "entry", "entries")).isEqualTo("1 entry");
        assertThat(Counts.of(0, "entry", "entries")).isEqualTo("0 entries");
        assertThat(Counts.of(2, "byte", "bytes")).isEqualTo("2 bytes");
    }
}
