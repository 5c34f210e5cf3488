package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.sftp.SftpTree;
import dirsync.testing.EmbeddedSftpServer;
import dirsync.testing.LogCapture;
import dirsync.testing.OpenSshTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Times over SFTP v3, whole seconds in an unsigned 32-bit field: a date after 2038 reaches OpenSSH's server, which
 * reads them unsigned; a time the wire cannot hold (before 1970, after 2106), or one another server could not take
 * (MINA's stops answering from 2^31), is an error for that file alone, named, and the pass goes on.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard: a server that stops answering hangs the pass
class TimesOverSftpTest {

    private static final Instant Y2040 = Instant.parse("2040-02-03T04:05:06Z");
    private static final Instant Y2100 = Instant.parse("2100-01-01T00:00:00Z");

    @RegisterExtension
    final OpenSshTrees ssh = new OpenSshTrees();

    @RegisterExtension
    static final EmbeddedSftpServer MINA = new EmbeddedSftpServer();

    @BeforeEach
    void layOut() throws Exception {
        Files.writeString(ssh.source().resolve("plain"), "an ordinary file");
    }

    private PassSummary sync(SftpTree tree) {
        return ssh.sync(tree, Clock.systemUTC());
    }

    private Path dated(String name, Instant time) throws Exception {
        Path path = ssh.source().resolve(name);
        if (!Files.exists(path)) {
            Files.writeString(path, "dated " + time);
        }
        Files.setLastModifiedTime(path, FileTime.from(time));
        return path;
    }

    @Test
    void datesAfter2038ReachOpenSshAndASecondPassChangesNothing() throws Exception {
        Files.createDirectory(ssh.source().resolve("dir"));
        dated("dir/late", Y2040);
        dated("dir", Y2100);
        dated("later", Y2100);

        PassSummary first = sync(ssh.tree());

        assertThat(first.errors()).isZero();
        assertThat(Files.getLastModifiedTime(ssh.replica().resolve("dir/late")).toInstant()).isEqualTo(Y2040);
        assertThat(Files.getLastModifiedTime(ssh.replica().resolve("later")).toInstant()).isEqualTo(Y2100);
        assertThat(Files.getLastModifiedTime(ssh.replica().resolve("dir")).toInstant()).isEqualTo(Y2100);
        assertThat(sync(ssh.tree()).changes()).as("a second pass").isZero();
    }

    @Test
    void aTimeOfAnUpdateAfter2038ReachesOpenSshWithoutACopy() throws Exception {
        assertThat(sync(ssh.tree()).errors()).isZero();
        dated("plain", Y2040);

        PassSummary summary = sync(ssh.tree());

        assertThat(summary.errors()).isZero();
        assertThat(summary.bytesCopied()).isZero();
        assertThat(Files.getLastModifiedTime(ssh.replica().resolve("plain")).toInstant()).isEqualTo(Y2040);
    }

    @Test
    void aTimeTheWireCannotHoldIsAnErrorForThatFileAloneAndThePassGoesOn() throws Exception {
        dated("before-1970", Instant.parse("1960-01-01T00:00:00Z"));
        dated("after-2106", Instant.parse("2200-01-01T00:00:00Z"));

        try (LogCapture log = new LogCapture()) {
            PassSummary first = sync(ssh.tree());

            assertThat(first.errors()).isEqualTo(2);
            assertThat(log.errors()).anyMatch(line -> line.contains("before-1970") && line.contains("1960-01-01"))
                    .anyMatch(line -> line.contains("after-2106") && line.contains("2200-01-01"));
        }
        assertThat(Files.readString(ssh.replica().resolve("plain"))).isEqualTo("an ordinary file");
        try (var names = Files.list(ssh.replica())) {
            assertThat(names.map(path -> path.getFileName().toString())).containsExactly("plain");
        }
        assertThat(sync(ssh.tree()).errors()).as("said again each pass, not held silently").isEqualTo(2);
    }

    @Test
    void aServerNotKnownToReadTimesUnsignedGetsNoneFrom2038AndStillAnswers() throws Exception {
        dated("late", Y2040);
        Files.createDirectories(ssh.replica());

        try (LogCapture log = new LogCapture()) {
            PassSummary first = sync(SftpTree.over(MINA.newClient(), ssh.replica().toString(), "mina"));

            assertThat(first.errors()).isEqualTo(1);
            assertThat(log.errors()).anyMatch(line -> line.contains("late") && line.contains("2040-02-03"));
        }
        assertThat(Files.readString(ssh.replica().resolve("plain"))).isEqualTo("an ordinary file");
        dated("plain", Y2040);
        PassSummary update = sync(SftpTree.over(MINA.newClient(), ssh.replica().toString(), "mina"));
        assertThat(update.errors()).as("an update of the time alone: refused, the server still answers").isEqualTo(2);
    }
}
