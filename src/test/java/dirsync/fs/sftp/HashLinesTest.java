package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.HexFormat;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;

/** The lines of the hashing loop on the server, as md5sum -bz and GNU stat print them. */
class HashLinesTest {

    @Test
    void md5sumsLineGivesItsHash() {
        byte[] line = (RemoteMd5.EMPTY_MD5 + " *a name").getBytes(StandardCharsets.US_ASCII);

        assertThat(HashLines.md5(line)).isEqualTo(HexFormat.of().parseHex(RemoteMd5.EMPTY_MD5));
    }

    @Test
    void statsLineIsNoHash() {
        assertThat(HashLines.md5("81a4 0 0 1 1796644846 a name".getBytes(StandardCharsets.US_ASCII))).isNull();
    }

    @Test
    void statsFieldsAreTheStateTheFindListsAFileIn() {
        SftpClient.Attributes stat = HashLines.stat("81a4 1000 100 12 1796644846");

        assertThat(stat.getPermissions()).isEqualTo(0100644);
        assertThat(stat.getUserId()).isEqualTo(1000);
        assertThat(stat.getGroupId()).isEqualTo(100);
        assertThat(stat.getSize()).isEqualTo(12);
        assertThat(stat.getModifyTime()).isEqualTo(FileTime.fromMillis(1796644846000L));
    }

    @Test
    void fieldsThatAreNotStatsAreNothing() {
        assertThat(HashLines.stat("81a4 1000 100 12")).isNull();
        assertThat(HashLines.stat("mode 1000 100 12 1796644846")).isNull();
    }
}
