package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.junit.jupiter.api.Test;

/** The attribute fields SETSTAT and FSETSTAT requests carry, as SFTP v3 lays them out. */
class SetStatTest {

    @Test
    void anOwnerIsItsUserThenItsGroupEachAnUnsigned32BitNumber() {
        Buffer buffer = new ByteArrayBuffer();

        SetStat.putOwner(buffer, new SetStat.Change(1234, 0xFFFF_FFFE, 0644, 7, 7));

        assertThat(HexFormat.of().formatHex(buffer.getCompactData())).isEqualTo("000004d2" + "fffffffe");
    }
}
