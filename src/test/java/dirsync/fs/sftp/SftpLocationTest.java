package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** REPLICA arguments of the form sftp://[user@]host[:port]/absolute/path: what they mean, and what is refused. */
class SftpLocationTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', nullValues = "-", textBlock = """
            # argument                         | user    | host             | port | path (hex bytes)   | canonical
            sftp://host/srv/mirror             | -       | host             | -    | /srv/mirror        | sftp://host/srv/mirror
            sftp://backup@host:2222/srv/m/     | backup  | host             | 2222 | /srv/m             | sftp://backup@host:2222/srv/m
            SFTP://Host.Example.COM//srv//m    | -       | host.example.com | -    | /srv/m             | sftp://host.example.com/srv/m
            sftp://h:22/x                      | -       | h                | 22   | /x                 | sftp://h:22/x
            sftp://[::1]:2222/srv              | -       | ::1              | 2222 | /srv               | sftp://[::1]:2222/srv
            sftp://me@[FE80::1]/srv            | me      | fe80::1          | -    | /srv               | sftp://me@[fe80::1]/srv
            sftp://me@10.0.0.5/srv/a%20b       | me      | 10.0.0.5         | -    | /srv/a b           | sftp://me@10.0.0.5/srv/a%20b
            sftp://h/srv/a b                   | -       | h                | -    | /srv/a b           | sftp://h/srv/a%20b
            sftp://h/srv/café                  | -       | h                | -    | /srv/café          | sftp://h/srv/caf%C3%A9
            sftp://h/srv/caf%c3%a9             | -       | h                | -    | /srv/café          | sftp://h/srv/caf%C3%A9
            sftp://h/srv/a%25b                 | -       | h                | -    | /srv/a%b           | sftp://h/srv/a%25b
            sftp://h/srv/~x/~                  | -       | h                | -    | /srv/~x/~          | sftp://h/srv/~x/~
            sftp://h/srv/x%3F%23               | -       | h                | -    | /srv/x?#           | sftp://h/srv/x%3F%23
            sftp://me%40corp@h/x               | me@corp | h                | -    | /x                 | sftp://me%40corp@h/x
            sftp://my_box-2/x                  | -       | my_box-2         | -    | /x                 | sftp://my_box-2/x
            """)
    void readsAnAddress(String arg, String user, String host, Integer port, String path, String canonical) {
        SftpLocation location = SftpLocation.parse(arg);

        assertThat(SftpLocation.looksRemote(arg)).isTrue();
        assertThat(location.user()).isEqualTo(Optional.ofNullable(user));
        assertThat(location.host()).isEqualTo(host);
        assertThat(location.port()).isEqualTo(port == null ? OptionalInt.empty() : OptionalInt.of(port));
        assertThat(location.pathText()).isEqualTo(path);
        assertThat(location.pathBytes()).isEqualTo(path.getBytes(StandardCharsets.UTF_8));
        assertThat(location).hasToString(canonical);
        assertThat(SftpLocation.parse(location.toString())).isEqualTo(location);
    }

    @Test
    void percentEscapesDecodeToBytesThatNeedNotBeUtf8() {
        SftpLocation location = SftpLocation.parse("sftp://h/srv/%FF%fe%80x");

        assertThat(HexFormat.of().formatHex(location.pathBytes())).isEqualTo("2f7372762ffffe8078");
        assertThat(location.pathIsUtf8()).isFalse();
        assertThat(location.wirePath()).isEqualTo("/srv/\u00ff\u00fe\u0080x");
        assertThat(location).hasToString("sftp://h/srv/%FF%FE%80x");
        assertThat(SftpLocation.parse(location.toString())).isEqualTo(location);
        assertThat(SftpLocation.parse("sftp://h/srv/x").pathIsUtf8()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # argument                   | the message says
            /local/path                  | '/local/path' is not an sftp address: write it as sftp://[user@]host[:port]/absolute/path
            sftp:/host/srv               | is not an sftp address
            sftp://host                  | invalid sftp replica 'sftp://host': no path after the host; give the replica's absolute path
            sftp://host:2222             | no path after the host
            sftp://host/                 | invalid sftp replica 'sftp://host/': the replica cannot be the server's root directory '/'
            sftp://host///               | the replica cannot be the server's root directory
            sftp:///srv                  | invalid sftp replica 'sftp:///srv': no host after sftp://
            sftp://user@/srv             | no host after sftp://
            sftp://:22/srv               | no host after sftp://
            sftp://@host/srv             | the user before '@' is empty
            sftp://host:0/srv            | the port '0' is not a number from 1 to 65535
            sftp://host:65536/srv        | the port '65536' is not a number from 1 to 65535
            sftp://host:ssh/srv          | the port 'ssh' is not a number from 1 to 65535
            sftp://host:/srv             | the port '' is not a number from 1 to 65535
            sftp://host:-1/srv           | the port '-1' is not a number from 1 to 65535
            sftp://::1/srv               | put an IPv6 address in brackets
            sftp://fe80::1:22/srv        | put an IPv6 address in brackets
            sftp://[::1/srv              | an IPv6 address must be closed with ']'
            sftp://[]/srv                | no host after sftp://
            sftp://[zz::1]/srv           | 'zz::1' in brackets is not an IPv6 address
            sftp://[1.2.3.4]/srv         | '1.2.3.4' in brackets is not an IPv6 address
            sftp://[::1]x/srv            | after the ']' of an IPv6 address only ':port' may follow
            sftp://ho st/srv             | 'ho st' is not a host name or address
            sftp://höst/srv              | 'höst' is not a host name or address
            sftp://-oProxy/srv           | a host name cannot start with '-'
            sftp://host/srv/../etc       | the path must not contain '.' or '..' segments
            sftp://host/srv/%2E%2E/etc   | the path must not contain '.' or '..' segments
            sftp://host/./srv            | the path must not contain '.' or '..' segments
            sftp://host/srv/..           | the path must not contain '.' or '..' segments
            sftp://host/~/backup         | a path relative to the home directory (~) is not supported; give the absolute path
            sftp://host/%7E/backup       | a path relative to the home directory (~) is not supported
            sftp://host/srv?x=1          | a query or fragment ('?', '#') is not part of a replica's address; write %3F or %23
            sftp://host/srv#top          | a query or fragment
            sftp://host/srv/a%2Fb        | a name in the path cannot hold '/' or NUL (%2F, %00)
            sftp://host/srv/a%00         | a name in the path cannot hold '/' or NUL
            sftp://host/srv/%zz          | '%zz' is not a percent-escape ('%' and two hex digits); write %25 for a '%'
            sftp://host/srv/50%          | '%' is not a percent-escape
            sftp://host/srv/%4           | '%4' is not a percent-escape
            sftp://me%FF@host/srv        | the user is not valid UTF-8
            """)
    void refusesAMistakeWithAOneLineMessage(String arg, String message) {
        assertThatThrownBy(() -> SftpLocation.parse(arg))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message)
                .message().doesNotContain("\n");
    }

    @ParameterizedTest
    @CsvSource({"sftp://me:secret@host/srv", "sftp://me:@host/srv", "sftp://me:secret@host", "sftp://me:s@c@host/x"})
    void refusesAPasswordWithoutRepeatingIt(String arg) {
        assertThatThrownBy(() -> SftpLocation.parse(arg))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an sftp address with a password (user:password@host) is refused: passwords are not"
                        + " accepted on the command line; log in with a key (~/.ssh or --ssh-key FILE)")
                .message().doesNotContain("secret");
    }

    @Test
    void looksRemoteOnlyForTheSftpScheme() {
        assertThat(SftpLocation.looksRemote("sftp://h/x")).isTrue();
        assertThat(SftpLocation.looksRemote("SFTP://h/x")).isTrue();
        assertThat(SftpLocation.looksRemote("/srv/mirror")).isFalse();
        assertThat(SftpLocation.looksRemote("sftp:/h/x")).isFalse();
        assertThat(SftpLocation.looksRemote("./sftp://h/x")).isFalse();
        assertThat(SftpLocation.looksRemote("ssh://h/x")).isFalse();
        assertThat(SftpLocation.looksRemote("")).isFalse();
    }
}
