package dirsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How a SOURCE or REPLICA argument is read: a table, no disk. */
class AddressTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/srv/mirror", "/srv/a:b", "./host:/x", "./ftp://host/x", "../host:x", "dir/a:b", "mirror",
        ":x", "@:x", "sftp", "Photos 2024"})
    void aPathWithoutAColonBeforeItsFirstSlashIsLocal(String arg) throws InvalidSettingsException {
        assertThat(Address.remoteReplica(arg)).isFalse();
        assertThat(Address.localSource(arg)).isEqualTo(Path.of(arg));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sftp://h/x", "SFTP://h/x", "sftp://u@[::1]:2222/srv/m"})
    void anSftpAddressIsARemoteReplica(String arg) throws InvalidSettingsException {
        assertThat(Address.remoteReplica(arg)).isTrue();
    }

    /** Each refused REPLICA, what it reads as, and the sftp:// form offered. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "FTP://host/x        | an ftp:// address                                          | sftp://host/x",
        "rsync://host/m/x    | an rsync:// address                                        | sftp://host/m/x",
        "sftp:host/x         | an sftp address without '//'                               | sftp://host/x",
        "[::1]:/srv/m        | '/srv/m' on host '[::1]', as scp and rsync read it         | sftp://[::1]/srv/m",
        "u@[::1]:/srv/m      | '/srv/m' on host '[::1]' as user 'u', as scp and rsync     | sftp://u@[::1]/srv/m",
        "host:/a b%c         | '/a b%c' on host 'host'                                    | sftp://host/a b%25c",
        "host:mirror         | 'mirror' in the home directory on host 'host'              | sftp://host/<absolute path>",
        "host::module/x      | the rsync daemon's module 'module/x' on host 'host'        | sftp://host/<absolute path>",
        "backup:2024         | '2024' in the home directory on host 'backup'              | sftp://backup/<absolute path>",
        "host:/              | '/' on host 'host'                                         | sftp://[user@]host/absolute/path"})
    void anotherRemoteAddressIsRefusedWithWhatItReadsAsAndItsSftpForm(String arg, String understood, String sftp) {
        assertThatThrownBy(() -> Address.remoteReplica(arg)).isInstanceOf(InvalidSettingsException.class)
                .hasMessageStartingWith("replica '" + arg + "' reads as " + understood)
                .hasMessageContaining("; write " + sftp + " for a remote replica, or ./" + arg + " for a local directory");
    }

    @Test
    void aPasswordInAnAddressIsNotRepeated() {
        assertThatThrownBy(() -> Address.remoteReplica("ftp://ana:secret@host/x"))
                .hasMessageStartingWith("replica 'ftp://ana:***@host/x' reads as an ftp:// address")
                .hasMessageNotContaining("secret");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"file:///srv/m, /srv/m", "file://localhost/srv/m, /srv/m", "file://other/srv/m, the directory's plain path",
        "file:///srv/a%20b, the directory's plain path"})
    void aFileUrlIsRefusedForThePlainPath(String arg, String plain) {
        assertThatThrownBy(() -> Address.remoteReplica(arg))
                .hasMessage("replica '" + arg + "' is a file:// URL, and dirsync takes plain paths: write " + plain);
        assertThatThrownBy(() -> Address.localSource(arg))
                .hasMessage("source '" + arg + "' is a file:// URL, and dirsync takes plain paths: write " + plain);
    }

    @Test
    void aSourcePathWithANulIsRefusedInOneLine() {
        assertThatThrownBy(() -> Address.localSource("a\0b")).isInstanceOf(InvalidSettingsException.class)
                .hasMessageStartingWith("source 'a\0b' is not a path: ");
    }
}
