package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.LogCapture;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** The lines of errors of a whole pass: said once, as the ERROR level already says "error", with no path. */
class PassReportTest {

    @Test
    void anUnreachableReplicaIsNamedInWordsNotAsADot() {
        try (LogCapture log = new LogCapture()) {
            new PassReport("", () -> false).passFailure(Texts.CANNOT_REACH_REPLICA,
                    new ConnectException("connection refused"));

            assertThat(log.errors()).containsExactly("cannot reach the replica: connection refused");
        }
    }

    @Test
    void anErrorAtTheRootOfATreeNamesNoDot() {
        try (LogCapture log = new LogCapture()) {
            new PassReport("", () -> false).error(Texts.CANNOT_LIST_SOURCE, dirsync.fs.RelPath.ROOT,
                    new java.nio.file.AccessDeniedException("/srv/data"));

            assertThat(log.errors()).containsExactly("cannot list source directory: permission denied");
        }
    }

    @Test
    void aRefusedDeletionSaysErrorOnlyAsItsLevelAndNamesNoDot() {
        try (LogCapture log = new LogCapture()) {
            PassReport report = new PassReport("", () -> false);
            report.passError(Texts.DELETED_NOTHING, Texts.EMPTY_SOURCE);

            assertThat(log.errors()).containsExactly("deleted nothing in the replica this pass: the source is empty "
                    + "but the replica is not (an unmounted disk looks like this; --allow-empty-source allows it)");
            assertThat(report.summary(java.time.Instant.EPOCH, java.time.Duration.ZERO, true, 0).errors())
                    .isEqualTo(1);
        }
    }
}
