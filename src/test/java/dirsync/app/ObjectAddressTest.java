package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How an s3:// REPLICA argument is read: a table, no disk, no store. */
class ObjectAddressTest {

    private static Replica.InBucket read(String arg) throws InvalidSettingsException {
        return ObjectAddress.replica(arg, null, Map.of());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "s3://bucket               | bucket          | ''               | s3://bucket",
        "s3://bucket/              | bucket          | ''               | s3://bucket",
        "s3://bucket/backup        | bucket          | backup/          | s3://bucket/backup",
        "s3://bucket/backup/       | bucket          | backup/          | s3://bucket/backup",
        "s3://my.bucket-2/a/b c/d  | my.bucket-2     | a/b c/d/         | s3://my.bucket-2/a/b c/d",
        "S3://bucket/x             | bucket          | x/               | s3://bucket/x",
        "s3://b23/Überall%20x      | b23             | Überall%20x/     | s3://b23/Überall%20x"})
    void anAddressNamesABucketAndAPrefixEndingInASlash(String arg, String bucket, String prefix, String shown)
            throws InvalidSettingsException {
        Replica.InBucket replica = read(arg);

        assertThat(replica.bucket()).isEqualTo(bucket);
        assertThat(replica.prefix()).isEqualTo(prefix);
        assertThat(replica.display()).isEqualTo(shown);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"s3://ab/x", "s3://Bucket/x", "s3://my_bucket", "s3://-bucket", "s3://bucket-",
        "s3://a..b", "s3://192.168.1.2", "s3://" + "b123456789b123456789b123456789b123456789b123456789b123456789b1234"})
    void aBucketNameOutsideS3sRulesIsRefused(String arg) {
        assertThatThrownBy(() -> read(arg)).isInstanceOf(InvalidSettingsException.class)
                .hasMessageStartingWith("replica '" + arg + "': '")
                .hasMessageContaining("is not a bucket name: S3's are 3 to 63 characters");
    }

    @Test
    void anUppercaseBucketNameIsOfferedInLowercase() {
        assertThatThrownBy(() -> read("s3://Backups/x")).hasMessageEndingWith("(write 'backups')");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"s3://", "s3:///x"})
    void anAddressWithoutABucketIsRefused(String arg) {
        assertThatThrownBy(() -> read(arg)).hasMessage("replica '" + arg + "': no bucket named (write s3://bucket or "
                + "s3://bucket/prefix)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"s3://bucket//x", "s3://bucket/a//b", "s3://bucket/./x", "s3://bucket/a/..", "s3://bucket//"})
    void aPrefixWithAnEmptyDotOrDotDotPartIsRefused(String arg) {
        assertThatThrownBy(() -> read(arg)).hasMessageStartingWith("replica '" + arg + "': the prefix after the bucket "
                + "may not have an empty, '.' or '..' part");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--backup-dir           | an object store keeps no backups",
        "--ssh-key              | it applies to an sftp:// replica only",
        "--accept-new-host-key  | it applies to an sftp:// replica only",
        "--no-owner             | the source's owner and group are always kept there as metadata"})
    void anOptionThatCannotApplyIsRefusedWithItsReason(String option, String reason) {
        assertThatThrownBy(() -> ObjectAddress.replica("s3://bucket/x", option, Map.of()))
                .hasMessageStartingWith(option + " cannot be used with an s3:// replica: " + reason);
    }

    @Test
    void anS3SourceIsRefused() {
        assertThatThrownBy(() -> Address.localSource("s3://bucket/x"))
                .hasMessage("source 's3://bucket/x' is in an object store: only the replica may be (write "
                        + "./s3://bucket/x for a local directory)");
    }

    @Test
    void theStateOfAReplicaIsKeyedByItsAddressAndTheEndpointItsClientWasMadeWith() throws InvalidSettingsException {
        Replica.InBucket replica = ObjectAddress.replica("s3://bucket/x/", null, Map.of());

        assertThat(replica.uri(Optional.empty())).isEqualTo("s3://bucket/x");
        assertThat(replica.uri(Optional.of("http://127.0.0.1:9000")))
                .isEqualTo("s3://bucket/x?endpoint=http://127.0.0.1:9000");
    }

    @Test
    void theEnvironmentIsNeverShown() throws InvalidSettingsException {
        Replica.InBucket replica = ObjectAddress.replica("s3://bucket/x", null,
                Map.of("AWS_SECRET_ACCESS_KEY", "hush"));

        assertThat(replica.toString()).isEqualTo("s3://bucket/x");
    }
}
