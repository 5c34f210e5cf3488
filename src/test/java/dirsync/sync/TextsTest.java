package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The counts in log texts read as English: one entry, one byte. */
class TextsTest {

    @Test
    void aCopyOfOneByteSaysByte() {
        assertThat(Texts.bytes(1, false)).isEqualTo(" (1 byte)");
        assertThat(Texts.bytes(2, true)).isEqualTo(" (2 bytes, old version kept in backup)");
    }

    @Test
    void aDeletedDirectoryWithOneEntryInsideSaysEntry() {
        assertThat(Texts.entriesInside(1)).isEqualTo(" (1 entry inside)");
        assertThat(Texts.entriesInside(12)).isEqualTo(" (12 entries inside)");
    }

    @Test
    void aStopAfterOneEntryInsideSaysEntry() {
        assertThat(Texts.deletedBeforeTheStop(1))
                .isEqualTo(" (1 entry inside deleted before the stop; the next pass deletes the rest)");
    }

    @Test
    void aRefusalOfOneDeletionSaysEntry() {
        assertThat(Texts.overTheLimit(1, 0)).isEqualTo("it would delete 1 entry, more than --max-delete 0 allows");
    }
}
