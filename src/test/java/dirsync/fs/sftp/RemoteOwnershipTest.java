package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Entry;
import org.junit.jupiter.api.Test;

/** The local rule of owners (cp -a's) for the SFTP session's account, as its server's /proc/self/status tells it. */
class RemoteOwnershipTest {

    private static final String ROOT = "Name:\tsshd\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t\n";
    private static final String USER = "Name:\tsshd\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\n"
            + "Groups:\t27 1000 2000\n";
    private static final Entry.Owner THEIRS_SETUID = new Entry.Owner(1234, 2000, Entry.Owner.SETUID);
    private static final Entry.Owner MINE = new Entry.Owner(1000, 1000, 0);

    @Test
    void rootGetsEveryOwnerGroupAndSpecialBit() {
        RemoteOwnership root = RemoteOwnership.parse(ROOT, true);

        assertThat(root.root()).isTrue();
        assertThat(root.wanted(THEIRS_SETUID, new Entry.Owner(0, 0, 0))).isEqualTo(THEIRS_SETUID);
        assertThat(root.forNew(THEIRS_SETUID, 0755, 7)).isEqualTo(new SetStat.Change(1234, 2000, 04755, 7, 7));
    }

    @Test
    void aUserGetsTheGroupItBelongsToAndNoSetuidOnAnotherUsersFile() {
        RemoteOwnership user = RemoteOwnership.parse(USER, true);

        assertThat(user.root()).isFalse();
        assertThat(user.wanted(THEIRS_SETUID, MINE)).isEqualTo(new Entry.Owner(1000, 2000, 0));
        assertThat(user.forNew(THEIRS_SETUID, 0755, 7)).isEqualTo(new SetStat.Change(1000, 2000, 0755, 7, 7));
        assertThat(user.wanted(new Entry.Owner(1234, 9999, Entry.Owner.STICKY), MINE))
                .as("a group it is not in stays; the sticky bit is carried").isEqualTo(new Entry.Owner(1000, 1000, 01000));
        assertThat(user.forNew(new Entry.Owner(1234, 9999, 0), 0644, 7))
                .as("no chown at all").isEqualTo(SetStat.Change.modeAndTime(0644, 7));
    }

    @Test
    void aServerThatKeepsNineBitsGetsNoSpecialBitsAndIsNotComparedByThem() {
        RemoteOwnership root = RemoteOwnership.parse(ROOT, false);

        assertThat(root.forNew(THEIRS_SETUID, 0755, 7)).isEqualTo(new SetStat.Change(1234, 2000, 0755, 7, 7));
        assertThat(root.carried(THEIRS_SETUID, new Entry.Owner(1234, 2000, 0))).isTrue();
        assertThat(root.carried(THEIRS_SETUID, new Entry.Owner(1234, 0, 0))).isFalse();
    }

    @Test
    void anUnreadableAccountCarriesNothingOfOwners() {
        RemoteOwnership unknown = RemoteOwnership.parse("no such lines", true);

        assertThat(unknown.known()).isFalse();
        assertThat(unknown.wanted(THEIRS_SETUID, MINE)).isEqualTo(Entry.Owner.UNKNOWN);
        assertThat(unknown.carried(THEIRS_SETUID, MINE)).isTrue();
        assertThat(unknown.forNew(THEIRS_SETUID, 0755, 7)).isEqualTo(SetStat.Change.modeAndTime(0755, 7));
    }

    @Test
    void withNoOwnerRootGivesTheGroupAndKeepsTheOwnerTheEntryHas() {
        RemoteOwnership root = RemoteOwnership.parse(ROOT, true).carrying(new OwnersCarried(false, true));

        assertThat(root.wanted(THEIRS_SETUID, new Entry.Owner(0, 0, 0))).isEqualTo(new Entry.Owner(0, 2000, 0));
        assertThat(root.forNew(THEIRS_SETUID, 0755, 7)).as("the login's own uid, the source's group, no setuid")
                .isEqualTo(new SetStat.Change(0, 2000, 0755, 7, 7));
        assertThat(root.carried(THEIRS_SETUID, new Entry.Owner(0, 2000, 0))).isTrue();
    }

    @Test
    void withNoGroupRootGivesTheOwnerAloneAndLeavesTheGroupTheServerGave() {
        RemoteOwnership root = RemoteOwnership.parse(ROOT, true).carrying(new OwnersCarried(true, false));

        assertThat(root.wanted(THEIRS_SETUID, new Entry.Owner(0, 0, 0))).isEqualTo(new Entry.Owner(1234, 0, 0));
        assertThat(root.forNew(THEIRS_SETUID, 0755, 7)).as("gid -1: chown leaves it")
                .isEqualTo(new SetStat.Change(1234, -1, 0755, 7, 7));
        assertThat(root.carried(THEIRS_SETUID, new Entry.Owner(1234, 0, 0))).isTrue();
    }

    @Test
    void withNeitherNothingOfOwnersIsSetOrCompared() {
        RemoteOwnership root = RemoteOwnership.parse(ROOT, true).carrying(new OwnersCarried(false, false));

        assertThat(root.forNew(THEIRS_SETUID, 0755, 7)).isEqualTo(SetStat.Change.modeAndTime(0755, 7));
        assertThat(root.carried(THEIRS_SETUID, new Entry.Owner(0, 0, 0))).isTrue();
    }
}
