package dirsync.fs.s3;

import static dirsync.fs.s3.S3ProxyTrees.work;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.fs.Cancellation;
import dirsync.fs.Entry;
import dirsync.fs.Md5;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaTree;
import dirsync.fs.SourceChangedException;
import dirsync.fs.local.LocalTree;
import dirsync.testing.SourceWrittenWhileRead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * A large file goes up as a multipart upload (parts in parallel, rclone's {@code md5chksum} in its metadata), and
 * nothing read while the file changed is ever installed, in parts or (a smaller file) in one PUT; against S3Proxy on
 * 127.0.0.1, with small parts.
 */
class MultipartWriteTest {

    @RegisterExtension
    static final S3ProxyTrees S3 = new S3ProxyTrees();

    /** Files over 5 MiB in parts of 5 MiB, the smallest S3 (and S3Proxy) takes but for the last. */
    private static final int MIB = 1 << 20;
    private static final PartSizes SMALL_PARTS = new PartSizes(5 * MIB, 5 * MIB);

    private Path sourceRoot;
    private LocalTree source;
    private S3Tree tree;

    @BeforeEach
    void openTree() throws IOException {
        sourceRoot = S3.source();
        source = LocalTree.at(sourceRoot);
        tree = S3.tree(SMALL_PARTS);
        tree.prepareRoot();
    }

    /** A source file "big" of {@code size} bytes drawn from {@code seed}, installed through {@code to}; its content. */
    private byte[] installedBig(S3Tree to, int size, long seed) throws IOException {
        byte[] content = S3.sourceFile("big", size, seed);
        to.installFile(source, RelPath.of("big"), source.examine(RelPath.of("big")), null, work());
        return content;
    }

    @Test
    void aFileAboveTheThresholdGoesUpInPartsAndReadsBackEqual() throws IOException {
        byte[] content = S3.sourceFile("big", 10 * MIB + 1_000, 1); // 2 parts of 5 MiB and one of 1,000 bytes
        Entry entry = source.examine(RelPath.of("big"));

        tree.installFile(source, RelPath.of("big"), entry, null, work());

        assertThat(S3.requests().get("CreateMultipartUpload")).isEqualTo(1);
        assertThat(S3.requests().get("UploadPart")).isEqualTo(3);
        assertThat(S3.requests().get("CompleteMultipartUpload")).isEqualTo(1);
        assertThat(S3.requests()).doesNotContainKey("AbortMultipartUpload");
        assertThat(S3.object("big")).isEqualTo(content);
        assertThat(S3.incompleteUploads()).isZero();
    }

    @Test
    void itsMetadataCarriesItsAttributesAndItsMd5AsRcloneStoresIt() throws IOException {
        byte[] content = S3.sourceFile("big", 6 * MIB, 2);
        Files.setPosixFilePermissions(sourceRoot.resolve("big"), PosixFilePermissions.fromString("rwxr-x---"));
        Entry entry = source.examine(RelPath.of("big"));

        tree.installFile(source, RelPath.of("big"), entry, null, work());

        HeadObjectResponse object = S3.head("big");
        assertThat(ObjectReads.etagMd5(object.eTag())).as("a multipart ETag is no MD5").isNull();
        assertThat(object.metadata())
                .containsEntry("md5chksum", Base64.getEncoder().encodeToString(Md5.newDigest().digest(content)))
                .containsEntry("mode", "100750")
                .containsEntry("mtime", ObjectAttributes.seconds(entry.modified()));
    }

    @Test
    void theNextCompareTakesItsMd5FromTheMetadataWithoutReadingTheObject() throws IOException {
        byte[] content = installedBig(tree, 6 * MIB, 3);
        S3Tree next = S3.tree(SMALL_PARTS);
        next.list(RelPath.ROOT);
        S3.requests().clear();

        byte[] md5 = next.md5(RelPath.of("big"), new Md5(), Cancellation.NEVER);

        assertThat(md5).isEqualTo(Md5.newDigest().digest(content));
        assertThat(S3.requests()).doesNotContainKey("GetObject");
    }

    @Test
    void aNewModeOrTimeKeepsTheMd5InTheMetadata() throws IOException {
        byte[] content = installedBig(tree, 6 * MIB, 4);
        Files.setPosixFilePermissions(sourceRoot.resolve("big"), PosixFilePermissions.fromString("rw-------"));

        tree.setAttributes(RelPath.of("big"), source.examine(RelPath.of("big")));

        assertThat(S3.head("big").metadata()).containsEntry("mode", "100600")
                .containsEntry("md5chksum", Base64.getEncoder().encodeToString(Md5.newDigest().digest(content)));
        assertThat(S3.object("big")).isEqualTo(content);
    }

    @Test
    void anObjectTooLargeForOneCopyTakesItsNewModeByACopyOfItsRangesAndKeepsItsContent() throws IOException {
        S3Tree copyingFiveMib = S3.tree(new PartSizes(5 * MIB, 5 * MIB, 5 * MIB)); // as S3's 5 GiB for a copy, in small
        byte[] content = installedBig(copyingFiveMib, 11 * MIB, 11);
        Files.setPosixFilePermissions(sourceRoot.resolve("big"), PosixFilePermissions.fromString("r--------"));
        S3.requests().clear();

        copyingFiveMib.setAttributes(RelPath.of("big"), source.examine(RelPath.of("big")));

        assertThat(S3.requests()).doesNotContainKey("CopyObject").containsEntry("UploadPartCopy", 3);
        assertThat(S3.head("big").metadata()).containsEntry("mode", "100400")
                .containsEntry("md5chksum", Base64.getEncoder().encodeToString(Md5.newDigest().digest(content)));
        assertThat(S3.object("big")).isEqualTo(content);
        assertThat(S3.incompleteUploads()).isZero();
    }

    @Test
    void aSourceWrittenWhileItsPartsAreReadIsNotInstalledAndTheOldObjectStays() throws IOException {
        byte[] old = installedBig(tree, 11 * MIB, 5);
        byte[] content = S3.sourceFile("big", 11 * MIB, 6);
        Entry entry = source.examine(RelPath.of("big"));
        byte[] hashed = Md5.newDigest().digest(content);
        SourceWrittenWhileRead growing = SourceWrittenWhileRead.over(sourceRoot, "big").whileRead(() ->
                Files.write(sourceRoot.resolve("big"), new byte[] {1, 2, 3}, StandardOpenOption.APPEND));

        assertThatThrownBy(() -> tree.installFile(growing, RelPath.of("big"), entry, hashed, work()))
                .isInstanceOf(SourceChangedException.class);

        assertThat(growing.writes()).isEqualTo(1);
        assertThat(S3.object("big")).isEqualTo(old);
        assertThat(S3.incompleteUploads()).isZero();
    }

    @Test
    void aSourceRewrittenInPlaceWhileReadIsNotInstalled() throws IOException {
        byte[] old = installedBig(tree, 11 * MIB, 7);
        byte[] content = S3.sourceFile("big", 11 * MIB, 8);
        Entry entry = source.examine(RelPath.of("big"));
        byte[] hashed = Md5.newDigest().digest(content);
        byte[] rewritten = content.clone();
        rewritten[8 * MIB] ^= 1; // in the second part, read after the rewrite
        SourceWrittenWhileRead rewriting = SourceWrittenWhileRead.over(sourceRoot, "big").whileRead(() -> {
            Files.write(sourceRoot.resolve("big"), rewritten);
            Files.setLastModifiedTime(sourceRoot.resolve("big"), entry.modified()); // the size and time as listed
        });

        assertThatThrownBy(() -> tree.installFile(rewriting, RelPath.of("big"), entry, hashed, work()))
                .isInstanceOf(SourceChangedException.class);

        assertThat(S3.object("big")).isEqualTo(old);
        assertThat(S3.incompleteUploads()).isZero();
    }

    /**
     * A file of one PUT is read whole into memory first, a MiB at a time, and sent only if the source is then in the
     * state it was in before: a new file (no hash to check it against) rewritten in place, its size and time as they
     * were, is read part before and part after the rewrite, and nothing of it is sent.
     */
    @Test
    void aSmallFileRewrittenInPlaceWhileReadIsNotSentAndTheOldObjectStays() throws IOException {
        byte[] old = S3.sourceFile("small", 3 * MIB, 12);
        tree.installFile(source, RelPath.of("small"), source.examine(RelPath.of("small")), null, work());
        byte[] content = S3.sourceFile("small", 3 * MIB, 13);
        Entry entry = source.examine(RelPath.of("small"));
        byte[] rewritten = content.clone();
        rewritten[0] ^= 1; // in the first MiB, read before the rewrite
        rewritten[2 * MIB] ^= 1; // in the third, read after it: what is read is neither the old file nor the new
        SourceWrittenWhileRead rewriting = SourceWrittenWhileRead.over(sourceRoot, "small").whileRead(() -> {
            Files.write(sourceRoot.resolve("small"), rewritten);
            Files.setLastModifiedTime(sourceRoot.resolve("small"), entry.modified()); // the size and time as listed
        });
        S3.requests().clear();

        assertThatThrownBy(() -> tree.installFile(rewriting, RelPath.of("small"), entry, null, work()))
                .isInstanceOf(SourceChangedException.class);

        assertThat(rewriting.writes()).isEqualTo(1);
        assertThat(rewriting.lastRead()).isNotEqualTo(content).isNotEqualTo(rewritten);
        assertThat(S3.requests()).doesNotContainKeys("PutObject", "CreateMultipartUpload");
        assertThat(S3.object("small")).isEqualTo(old);
    }

    @Test
    void aFileThatNeverSettlesGoesUpInPartsAsReadUpToItsSizeAtTheStart() throws IOException {
        byte[] content = S3.sourceFile("log", 11 * MIB, 10);
        Entry entry = source.examine(RelPath.of("log"));
        SourceWrittenWhileRead growing = SourceWrittenWhileRead.over(sourceRoot, "log").whileRead(() ->
                Files.write(sourceRoot.resolve("log"), new byte[] {1, 2, 3}, StandardOpenOption.APPEND));

        ReplicaTree.AsRead read = tree.installFileAsRead(growing, RelPath.of("log"), entry, work());

        assertThat(read.bytes()).isEqualTo(11 * MIB);
        assertThat(read.sourceChanged()).isTrue();
        assertThat(S3.requests().get("UploadPart")).isEqualTo(3);
        assertThat(S3.object("log")).isEqualTo(content);
        assertThat(S3.incompleteUploads()).isZero();
    }

    @Test
    void aFileAtTheThresholdIsOnePut() throws IOException {
        byte[] content = S3.sourceFile("edge", 5 * MIB, 9);

        tree.installFile(source, RelPath.of("edge"), source.examine(RelPath.of("edge")), null, work());

        assertThat(S3.requests()).doesNotContainKey("CreateMultipartUpload");
        assertThat(ObjectReads.etagMd5(S3.head("edge").eTag())).isEqualTo(Md5.newDigest().digest(content));
    }

    @Test
    void partsGrowSoThatNoFileHasMoreThanTenThousand() {
        PartSizes sizes = PartSizes.DEFAULT;

        assertThat(sizes.partOf(1L << 30)).isEqualTo(8 << 20);
        assertThat(sizes.partOf(100L << 30)).isEqualTo(11L << 20); // 10.24 MiB, rounded up to whole MiB
        assertThat((PartSizes.LARGEST_OBJECT + sizes.partOf(PartSizes.LARGEST_OBJECT) - 1)
                / sizes.partOf(PartSizes.LARGEST_OBJECT)).isLessThanOrEqualTo(10_000);
    }
}
