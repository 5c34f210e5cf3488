package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Entry;
import dirsync.fs.LinkTarget;
import dirsync.fs.Name;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The planner's decisions, as tables: two listings in, actions out, no disk. */
class PlannerTest {

    private static final FileTime T1 = FileTime.fromMillis(1_000_000);
    private static final FileTime T2 = FileTime.fromMillis(2_000_000);
    private static final Set<PosixFilePermission> RW = PosixFilePermissions.fromString("rw-r--r--");

    private static Entry file(String name, long size) {
        return Entry.file(Name.of(name), size, T1, RW);
    }

    private static Entry dir(String name) {
        return Entry.directory(Name.of(name), T1, RW);
    }

    private static Entry link(String name, String target) {
        return Entry.symlink(Name.of(name), LinkTarget.of(target), T1);
    }

    private static Entry fifo(String name) {
        return Entry.special(Name.of(name), T1);
    }

    private static Entry unreadable(String name) {
        return Entry.unreadable(Name.of(name));
    }

    /** One name on each side (or missing on one), and the single decision expected for it. */
    static Stream<Arguments> oneNameDecisions() {
        Entry f = file("x", 10);
        Entry d = dir("x");
        Entry l = link("x", "target");
        Entry p = fifo("x");
        return Stream.of(
                Arguments.of("new file", f, null, new Action.CopyNew(f)),
                Arguments.of("new symlink", l, null, new Action.CopyNew(l)),
                Arguments.of("new directory", d, null, new Action.CreateDirectory(d)),
                Arguments.of("new special file", p, null, new Action.SkipSpecial(p)),
                Arguments.of("unreadable source entry", unreadable("x"), null, new Action.SkipUnreadable(Name.of("x"))),
                Arguments.of("extra file", null, f, new Action.Delete(f)),
                Arguments.of("extra directory", null, d, new Action.Delete(d)),
                Arguments.of("extra symlink", null, l, new Action.Delete(l)),
                Arguments.of("extra special file", null, p, new Action.Delete(p)),
                Arguments.of("unreadable replica entry", null, unreadable("x"), new Action.SkipUnreadable(Name.of("x"))),
                Arguments.of("file sizes differ", f, file("x", 11), new Action.Update(f, file("x", 11))),
                Arguments.of("file sizes equal", f, file("x", 10), new Action.CompareContent(f, file("x", 10))),
                Arguments.of("link target differs", l, link("x", "other"), new Action.Update(l, link("x", "other"))),
                Arguments.of("directories on both sides", d, dir("x"), new Action.SyncDirectory(d, dir("x"))),
                Arguments.of("file over directory", f, d, new Action.ReplaceType(f, d)),
                Arguments.of("directory over file", d, f, new Action.ReplaceType(d, f)),
                Arguments.of("file over symlink", f, l, new Action.ReplaceType(f, l)),
                Arguments.of("symlink over file", l, f, new Action.ReplaceType(l, f)),
                Arguments.of("directory over symlink", d, l, new Action.ReplaceType(d, l)),
                Arguments.of("symlink over directory", l, d, new Action.ReplaceType(l, d)),
                Arguments.of("file over special file", f, p, new Action.ReplaceType(f, p)),
                Arguments.of("unreadable source over replica file", unreadable("x"), f,
                        new Action.SkipUnreadable(Name.of("x"))),
                Arguments.of("source file over unreadable replica entry", f, unreadable("x"),
                        new Action.SkipUnreadable(Name.of("x"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneNameDecisions")
    void decidesOneName(String situation, Entry source, Entry replica, Action expected) {
        List<Entry> sources = source == null ? List.of() : List.of(source);
        List<Entry> replicas = replica == null ? List.of() : List.of(replica);

        assertThat(Planner.plan(sources, replicas)).containsExactly(expected);
    }

    @Test
    void symlinksWithTheSameTargetOnlyHaveTheirOwnAttributesChecked() {
        assertThat(Planner.plan(List.of(link("x", "t")), List.of(link("x", "t"))))
                .containsExactly(new Action.SyncLink(link("x", "t"), link("x", "t")));
    }

    @Test
    void specialFileInSourceOverReplicaEntryIsSkippedAndTheReplicaEntryDeleted() {
        Entry replicaFile = file("x", 1);

        assertThat(Planner.plan(List.of(fifo("x")), List.of(replicaFile)))
                .containsExactly(new Action.SkipSpecial(fifo("x")), new Action.Delete(replicaFile));
    }

    @Test
    void mergesInNameOrderWithDeletionsLast() {
        List<Entry> source = List.of(file("a", 1), dir("c"), file("e", 5));
        List<Entry> replica = List.of(file("b", 1), dir("c"), file("d", 1), file("e", 6));

        assertThat(Planner.plan(source, replica)).containsExactly(
                new Action.CopyNew(file("a", 1)),
                new Action.SyncDirectory(dir("c"), dir("c")),
                new Action.Update(file("e", 5), file("e", 6)),
                new Action.Delete(file("b", 1)),
                new Action.Delete(file("d", 1)));
    }

    @Test
    void namesThatDifferOnlyInCaseAreDistinct() {
        assertThat(Planner.plan(List.of(file("A", 1)), List.of(file("a", 1))))
                .containsExactly(new Action.CopyNew(file("A", 1)), new Action.Delete(file("a", 1)));
    }

    @Test
    void vcsAndHiddenNamesAreOrdinaryNames() {
        List<Entry> source = List.of(dir(".git"), file(".hidden", 1), dir("CVS"), dir("__pycache__"), file("tags", 1));

        assertThat(Planner.plan(source, List.of())).extracting(Action::name)
                .containsExactly(Name.of(".git"), Name.of(".hidden"), Name.of("CVS"), Name.of("__pycache__"),
                        Name.of("tags"));
    }

    @Test
    void pairsNamesInUnsignedByteOrderNotInUtf16Order() {
        // U+FFFD is EF BF BD in UTF-8 and U+1F600 is F0 9F 98 80: bytes put U+FFFD first, UTF-16 (D83D...) last.
        List<Entry> bothSides = List.of(file("\uFFFD", 1), file("\uD83D\uDE00", 1));

        assertThat(Name.of("\uFFFD")).isLessThan(Name.of("\uD83D\uDE00"));
        assertThat(Name.of(new byte[] {(byte) 0xE9})).isGreaterThan(Name.of("z"));
        assertThat(Planner.plan(bothSides, bothSides)).containsExactly(
                new Action.CompareContent(bothSides.get(0), bothSides.get(0)),
                new Action.CompareContent(bothSides.get(1), bothSides.get(1)));
    }

    @Test
    void attributeDifferencesAloneStillLeadToAContentComparison() {
        Entry source = Entry.file(Name.of("x"), 3, T2, PosixFilePermissions.fromString("rwx------"));
        Entry replica = file("x", 3);

        assertThat(Planner.plan(List.of(source), List.of(replica)))
                .containsExactly(new Action.CompareContent(source, replica));
    }
}
