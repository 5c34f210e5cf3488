package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ~/.ssh/config read as ssh reads it, for the four keywords dirsync uses, and the target they make. */
class SshConfigTest {

    @TempDir
    Path home;

    @Test
    void theFirstValueWinsAndIdentityFilesAddUp() throws Exception {
        SshConfig.HostSettings settings = lookUp("backup", """
                Port 2200
                Host backup
                  HostName 10.0.0.5
                  IdentityFile ~/.ssh/first
                  Port 2222
                Host *
                  HostName elsewhere
                  User everyone
                  IdentityFile ~/.ssh/second
                """);

        assertThat(settings).isEqualTo(new SshConfig.HostSettings(Optional.of("10.0.0.5"), OptionalInt.of(2200),
                Optional.of("everyone"), List.of("~/.ssh/first", "~/.ssh/second")));
    }

    @Test
    void hostPatternsMatchWithWildcardsAndNegationsInAnyCase() throws Exception {
        String config = """
                Host *.example.org !secret.example.org
                  User web
                Host back?p
                  User backup
                """;

        assertThat(lookUp("www.EXAMPLE.org", config).user()).contains("web");
        assertThat(lookUp("secret.example.org", config).user()).isEmpty();
        assertThat(lookUp("backup", config).user()).contains("backup");
        assertThat(lookUp("backuup", config).user()).isEmpty();
    }

    @Test
    void readsEqualsSignsQuotesKeywordCaseAndComments() throws Exception {
        SshConfig.HostSettings settings = lookUp("h", """
                # a comment
                HOST=h
                  hostname = "the host"
                  USER="a b"
                  identityfile "~/my keys/k"
                """);

        assertThat(settings.hostName()).contains("the host");
        assertThat(settings.user()).contains("a b");
        assertThat(settings.identityFiles()).containsExactly("~/my keys/k");
    }

    @Test
    void matchAllAppliesAndOtherMatchBlocksAreSkipped() throws Exception {
        SshConfig.HostSettings settings = lookUp("h", """
                Match host h exec "true"
                  User matched
                Match all
                  Port 2022
                """);

        assertThat(settings.user()).isEmpty();
        assertThat(settings.port()).hasValue(2022);
    }

    @Test
    void includeReadsFilesUnderSshInPlace() throws Exception {
        Files.createDirectories(home.resolve(".ssh/config.d"));
        Files.writeString(home.resolve(".ssh/config.d/10-backup.conf"), "Host backup\n  User included\n");
        Files.writeString(home.resolve(".ssh/config.d/20-all.conf"), "Host *\n  Port 2022\n");

        SshConfig.HostSettings settings = lookUp("backup", """
                Include config.d/*.conf
                Host backup
                  User later
                """);

        assertThat(settings.user()).contains("included");
        assertThat(settings.port()).hasValue(2022);
    }

    @Test
    void aBadPortNamesTheFileAndLine() throws Exception {
        Path config = write("Host h\n  Port twenty\n");

        assertThatThrownBy(() -> SshConfig.lookUp(config, home, "h"))
                .isInstanceOf(SshSetupException.class)
                .hasMessage(config + " line 2: Port 'twenty' is not a number from 1 to 65535");
    }

    @Test
    void aMissingFileIsNoConfiguration() throws Exception {
        assertThat(SshConfig.lookUp(home.resolve("none"), home, "h"))
                .isEqualTo(new SshConfig.HostSettings(Optional.empty(), OptionalInt.empty(), Optional.empty(),
                        List.of()));
    }

    @Test
    void theTargetExpandsTildeAndTokensAndPrefersTheAddress() throws Exception {
        write("""
                Host backup
                  HostName %h.example.org
                  Port 2222
                  User configured
                  IdentityFile ~/.ssh/id_%r_%h_%p
                  IdentityFile %d/keys/%n
                """);

        SshTarget target = SshTarget.resolve(SftpLocation.parse("sftp://me@backup/srv"), SshOptions.defaults(home));

        assertThat(target.hostName()).isEqualTo("backup.example.org");
        assertThat(target.port()).isEqualTo(2222);
        assertThat(target.user()).isEqualTo("me");
        assertThat(target.keys()).containsExactly(home.resolve(".ssh/id_me_backup.example.org_2222"),
                home.resolve("keys/backup"));
        assertThat(target.keySource()).isEqualTo(SshTarget.KeySource.CONFIG);
        assertThat(target.knownHostsName()).isEqualTo("[backup.example.org]:2222");
    }

    @Test
    void theKeyOptionWinsOverIdentityFilesAndDefaultsApplyWithoutEither() throws Exception {
        write("Host backup\n  IdentityFile ~/.ssh/configured\n");
        Path given = home.resolve("given");

        SshTarget withOption = SshTarget.resolve(SftpLocation.parse("sftp://backup/srv"),
                SshOptions.defaults(home).withKeyFile(given));
        SshTarget plain = SshTarget.resolve(SftpLocation.parse("sftp://[::1]/srv"), SshOptions.defaults(home));

        assertThat(withOption.keys()).containsExactly(given);
        assertThat(plain.keys()).containsExactly(home.resolve(".ssh/id_ed25519"), home.resolve(".ssh/id_ecdsa"),
                home.resolve(".ssh/id_rsa"));
        assertThat(plain.port()).isEqualTo(22);
        assertThat(plain.user()).isEqualTo(System.getProperty("user.name"));
        assertThat(plain.knownHostsName()).isEqualTo("::1");
        assertThat(plain.address()).isEqualTo("[::1]:22");
    }

    private SshConfig.HostSettings lookUp(String alias, String config) throws Exception {
        return SshConfig.lookUp(write(config), home, alias);
    }

    private Path write(String config) throws Exception {
        Path file = home.resolve(".ssh/config");
        Files.createDirectories(file.getParent());
        Files.writeString(file, config);
        return file;
    }
}
