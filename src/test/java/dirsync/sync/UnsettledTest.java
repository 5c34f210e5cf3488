package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Name;
import dirsync.fs.RelPath;
import dirsync.testing.LogCapture;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What a run saves of the files that do not settle, and what the next run takes of it. */
class UnsettledTest {

    private static final RelPath LATIN1 = RelPath.ROOT.resolve(Name.of("logs")).resolve(Name.of(new byte[] {'a',
            (byte) 0xe9, '.', 'l', 'o', 'g'}));
    private static final RelPath ITS_UTF8_LOOKALIKE = RelPath.of("logs/a\uFFFD.log");

    /** Two full passes that found {@code path} changing, as a run leaves them. */
    private static Unsettled foundChangingTwice(RelPath path) {
        Unsettled unsettled = new Unsettled();
        PassReport report = new PassReport("", () -> false);
        for (int pass = 0; pass < 2; pass++) {
            Unsettled.Pass view = unsettled.begin(true, true);
            view.changing(report, path, "source changed while it was copied");
            unsettled.end(view, true);
        }
        return unsettled;
    }

    @Test
    void aNameThatIsNotUtf8KeepsItsCountAcrossARestartByItsBytes() {
        Unsettled next = new Unsettled();

        assertThat(next.fromBytes(foundChangingTwice(LATIN1).toBytes())).isTrue();

        Unsettled.Pass third = next.begin(true, true);
        assertThat(third.asRead(LATIN1)).as("found changing in the two passes before").isTrue();
        assertThat(third.asRead(ITS_UTF8_LOOKALIKE)).isFalse();
    }

    @Test
    void aDamagedRecordIsRefusedWhole() {
        byte[] saved = foundChangingTwice(LATIN1).toBytes();
        byte[] longer = Arrays.copyOf(saved, saved.length + 1);
        byte[] notARelPath = saved.clone();
        notARelPath[notARelPath.length - 1] = '/'; // "logs/a\xe9.lo/": an empty name

        for (byte[] damaged : new byte[][] {Arrays.copyOf(saved, saved.length - 1), longer, notARelPath,
                new byte[] {1, 2, 3}, new byte[0]}) {
            Unsettled next = new Unsettled();
            assertThat(next.fromBytes(damaged)).as(Arrays.toString(damaged)).isFalse();
            assertThat(next.isEmpty()).isTrue();
        }
    }

    @Test
    void aFileFoundChangingSaysWhyOnce() {
        Unsettled.Pass pass = new Unsettled().begin(false, false);
        try (LogCapture log = new LogCapture()) {
            pass.changing(new PassReport("", () -> false), RelPath.of("big.bin"), "source changed while it was copied");

            assertThat(log.messages()).containsExactly(
                    "copy discarded, retried next pass: big.bin (source changed while it was copied)");
        }
    }
}
