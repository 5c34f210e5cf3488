package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.testing.LogCapture;
import dirsync.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every behaviour of {@link SynchronizerTest} again, with the replica an object tree ({@link dirsync.fs.s3.S3Tree})
 * in a bucket of S3Proxy, a real S3 server on 127.0.0.1 (see {@link ReplicaInBucket}). What an object store cannot
 * hold is left out, each with its reason: a FIFO in the replica, a name that is not UTF-8 (one error, never a wrongly
 * named object), a key longer than 1,024 bytes. Renames are of files only (a copy on the store, then a delete): a
 * directory the source renamed is made anew, and its files are renamed into it one by one.
 */
class SynchronizerOnS3Test extends SynchronizerTest {

    @RegisterExtension
    static final S3ProxyServer SERVER = new S3ProxyServer();

    @Override
    ReplicaUnderTest replicaUnderTest() {
        return new ReplicaInBucket(SERVER);
    }

    @Override
    boolean replicaOnPlatform() {
        return false;
    }

    /** No PATH_MAX here, but a key's limit: a path of more than 1,024 bytes is one error, and the pass goes on. */
    @Override
    @Test
    void anErrorOnOneEntryIsCountedAndThePassGoesOn() throws IOException {
        Path deep = trees.source();
        for (int level = 0; level < 5; level++) {
            deep = deep.resolve("d".repeat(250));
        }
        Files.createDirectories(deep);
        Files.writeString(deep.resolve("f"), "deep");
        trees.src().file("a-before", "1").file("z-after", "2");

        PassSummary summary = Mirrors.of(trees.source(), replica.tree(), false).runPass(Cancellation.NEVER);

        assertThat(summary.errors()).isGreaterThanOrEqualTo(1);
        assertThat(summary.completed()).isTrue();
        assertThat(replica.text("a-before")).contains("1");
        assertThat(replica.text("z-after")).contains("2");
    }

    @Override
    @Test
    void walksAThousandLevelsDeepWithoutOverflowingTheStack() {
        Assumptions.abort("an object key holds at most 1,024 bytes: a thousand levels need 2,000");
    }

    /** No rename of a directory (no one request moves a prefix): its files are renamed into it one by one. */
    @Override
    @Test
    void aRenamedDirectoryIsOneRenameAndItsFilesAreCheckedAsPairs() throws IOException {
        trees.src().file("photos/2024/a.jpg", "aaa").file("photos/2024/b.jpg", "bbbb").file("photos/c.jpg", "c")
                .file("other", "o");

        try (LogCapture capture = new LogCapture()) {
            PassSummary summary = passAfter(mirror(PassHooks.NONE), () -> moveInSource("photos", "pictures"));

            assertMirrored();
            assertThat(summary.errors()).isZero();
            assertThat(summary.count(Operation.MOVED)).isEqualTo(3);
            assertThat(summary.bytesCopied()).isZero();
            assertThat(capture.messages()).contains("moved file photos/2024/a.jpg -> pictures/2024/a.jpg",
                    "moved file photos/c.jpg -> pictures/c.jpg");
        }
    }

    /** The same: the directories made anew, the files renamed into them. */
    @Override
    @Test
    void aDirectoryMovedDeeperIntoNewDirectoriesIsRenamedThere() throws IOException {
        trees.src().file("project/src/main.c", "int main;").file("project/README", "read me");

        PassSummary summary = passAfter(mirror(PassHooks.NONE), () -> moveInSource("project", "archive/2026/project"));

        assertMirrored();
        assertThat(summary.errors()).isZero();
        assertThat(summary.count(Operation.MOVED)).isEqualTo(2);
        assertThat(summary.bytesCopied()).isZero();
        assertThat(summary.count(Operation.CREATED_DIRECTORY)).isEqualTo(4);
    }
}
