package dirsync.fs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The progress line's words. */
class ProgressTest {

    @Test
    void oneEntryCheckedIsSaidInTheSingular() {
        assertThat(new Progress.Snapshot(1, 0, 0, 0).describe())
                .isEqualTo("1 entry checked, 0 B hashed, 0 B copied, 0 B/s, 0 s");
    }

    @Test
    void manyEntriesAreGroupedInThousandsAndPlural() {
        assertThat(new Progress.Snapshot(12_345, 2048, 0, 2_000_000_000L).describe())
                .isEqualTo("12,345 entries checked, 2.0 KiB hashed, 0 B copied, 1.0 KiB/s, 2 s");
    }
}
