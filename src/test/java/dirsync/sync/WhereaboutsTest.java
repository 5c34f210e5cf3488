package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The memory of places that finds moves: what it keeps, what it saves, and what it refuses to take back. */
class WhereaboutsTest {

    private static final Instant THEN = Instant.parse("2026-01-02T03:04:05.123456789Z");

    /** A name that is no valid UTF-8, as Linux allows: it must come back byte for byte. */
    private static final Name RAW = Name.of(new byte[] {(byte) 0xff, 'x', (byte) 0xc3});

    @Test
    void savedPlacesComeBackAsTheyWereAndAreSavedAgainByteForByte() {
        Whereabouts first = new Whereabouts();
        RelPath deep = RelPath.of("a/b").resolve(RAW).resolve(Name.of("f.txt"));
        first.saw(deep, file(7, 100, 5, THEN), file(8, 200, 5, THEN.plusSeconds(1)));
        first.saw(RelPath.of("a/b"), directory(7, 101), directory(8, 201));
        first.saw(RelPath.of("top"), file(7, 102, 0, THEN), file(8, 202, 0, THEN));
        first.passEnded(true);
        byte[] pairs = {1, 2, 3}; // what comes before the places in a memory file
        byte[] saved = first.toBytes(pairs);
        assertThat(Arrays.copyOf(saved, 3)).isEqualTo(pairs);

        Whereabouts next = new Whereabouts();
        assertThat(next.fromBytes(ByteBuffer.wrap(saved, 3, saved.length - 3).slice())).isTrue();

        Whereabouts.Place place = next.before(file(7, 100, 5, THEN));
        assertThat(place.path()).isEqualTo(deep);
        assertThat(place.path().bytes()).isEqualTo(deep.bytes());
        assertThat(place).isEqualTo(new Whereabouts.Place(deep, false, 5, nanos(THEN), 8, 200, 5,
                nanos(THEN.plusSeconds(1)), nanos(THEN.plusSeconds(2))));
        assertThat(next.before(directory(7, 101))).isEqualTo(new Whereabouts.Place(RelPath.of("a/b"), true, 0, 0,
                8, 201, 0, 0, 0));
        assertThat(next.before(file(7, 102, 0, THEN)).path()).isEqualTo(RelPath.of("top"));
        assertThat(next.toBytes(pairs)).as("kept as read").isEqualTo(saved);
    }

    @Test
    void aPlaceIsOnlyFoundForTheSameKindSizeAndTimeAndNotOnceThisPassMetIt() {
        Whereabouts places = new Whereabouts();
        places.saw(RelPath.of("d/f"), file(1, 10, 5, THEN), file(2, 20, 5, THEN));
        places.passEnded(true);

        assertThat(places.before(file(1, 10, 5, THEN))).isNotNull();
        assertThat(places.before(file(1, 10, 6, THEN))).as("another size").isNull();
        assertThat(places.before(file(1, 10, 5, THEN.plusNanos(1)))).as("another time").isNull();
        assertThat(places.before(directory(1, 10))).as("another kind").isNull();
        assertThat(places.before(file(1, 11, 5, THEN))).as("another inode").isNull();
        assertThat(places.before(file(3, 10, 5, THEN))).as("another device").isNull();

        places.saw(RelPath.of("e/f"), file(1, 10, 5, THEN), file(2, 21, 5, THEN));
        assertThat(places.before(file(1, 10, 5, THEN))).as("met this pass").isNull();
    }

    @Test
    void aCompletedPassForgetsWhatItDidNotMeetAnInterruptedOneKeepsAllWithItsOwnPlacesFirst() {
        Whereabouts places = new Whereabouts();
        places.saw(RelPath.of("a"), file(1, 1, 1, THEN), file(2, 1, 1, THEN));
        places.saw(RelPath.of("b"), file(1, 2, 1, THEN), file(2, 2, 1, THEN));
        places.passEnded(true);

        places.saw(RelPath.of("c/moved-a"), file(1, 1, 1, THEN), file(2, 3, 1, THEN));
        places.passEnded(false);
        assertThat(places.before(file(1, 1, 1, THEN)).path()).isEqualTo(RelPath.of("c/moved-a"));
        assertThat(places.before(file(1, 2, 1, THEN)).path()).isEqualTo(RelPath.of("b"));

        places.saw(RelPath.of("b"), file(1, 2, 1, THEN), file(2, 2, 1, THEN));
        places.passEnded(true);
        assertThat(places.before(file(1, 1, 1, THEN))).isNull();
        assertThat(places.before(file(1, 2, 1, THEN)).path()).isEqualTo(RelPath.of("b"));
    }

    @Test
    void manyInterruptedPassesEachMovingAFileKeepItsLatestPlaceAndTheOthers() {
        Whereabouts places = new Whereabouts();
        for (int i = 0; i < 100; i++) {
            places.saw(pathOf(i), file(1, i, 1, THEN), file(2, i, 1, THEN));
        }
        places.passEnded(true);
        for (int pass = 0; pass < 1_000; pass++) { // a watch's passes over parts of the tree
            places.saw(RelPath.of("moving/" + pass), file(1, 7, 1, THEN), file(2, 7, 1, THEN));
            places.saw(pathOf(8), file(1, 8, 1, THEN), file(2, 8, 1, THEN)); // met again as it was
            places.passEnded(false);
        }

        assertThat(places.before(file(1, 7, 1, THEN)).path()).isEqualTo(RelPath.of("moving/999"));
        for (int i = 0; i < 100; i++) {
            assertThat(places.before(file(1, i, 1, THEN)).path()).isEqualTo(i == 7 ? RelPath.of("moving/999")
                    : pathOf(i));
        }
    }

    @Test
    void theTableGrowsFarPastItsFirstSizeAndKeepsEveryPlace() {
        Whereabouts places = new Whereabouts();
        int files = 20_000; // the first table holds 16
        for (int i = 0; i < files; i++) {
            places.saw(pathOf(i), file(1, 1_000 + i, i, THEN), file(2, 5_000_000 + i, i, THEN));
        }
        places.passEnded(true);
        Whereabouts loaded = new Whereabouts();
        assertThat(loaded.fromBytes(ByteBuffer.wrap(places.toBytes(new byte[0])))).isTrue();

        for (int i = 0; i < files; i++) {
            assertThat(places.before(file(1, 1_000 + i, i, THEN)).path()).isEqualTo(pathOf(i));
            Whereabouts.Place place = loaded.before(file(1, 1_000 + i, i, THEN));
            assertThat(place.path()).isEqualTo(pathOf(i));
            assertThat(place.inode()).isEqualTo(5_000_000 + i);
        }
        assertThat(loaded.before(file(1, 1_000 + files, files, THEN))).isNull();

        for (int i = 0; i < files; i += 10) { // met again as it was: kept; the rest forgotten, their paths dropped
            loaded.saw(pathOf(i), file(1, 1_000 + i, i, THEN), file(2, 5_000_000 + i, i, THEN));
        }
        loaded.passEnded(true);
        for (int i = 0; i < files; i++) {
            Whereabouts.Place place = loaded.before(file(1, 1_000 + i, i, THEN));
            assertThat(place == null ? null : place.path()).isEqualTo(i % 10 == 0 ? pathOf(i) : null);
        }
    }

    /** Files in directories of three levels, a directory's files one after the other, as a walk places them. */
    private static RelPath pathOf(int i) {
        return RelPath.of("top" + i / 1000 + "/mid" + i / 100 % 10 + "/f" + i);
    }

    @Test
    void damagedPlacesAreIgnoredWholeAndKeepNothing() {
        Whereabouts first = new Whereabouts();
        first.saw(RelPath.of("ab/c"), file(1, 1, 1, THEN), file(2, 1, 1, THEN));
        first.saw(RelPath.of("ab/d"), file(1, 2, 1, THEN), file(2, 2, 1, THEN));
        first.passEnded(true);
        byte[] saved = first.toBytes(new byte[0]);
        int rows = 16; // magic and count
        int paths = rows + 2 * PlaceTable.WIDTH * Long.BYTES; // after both rows: "ab/c" then "ab/d"

        for (int length = 0; length < saved.length; length++) {
            assertThat(refused(Arrays.copyOf(saved, length))).as("cut to %d bytes", length).isTrue();
        }
        assertThat(refused(Arrays.copyOf(saved, saved.length + 1))).as("a byte more").isTrue();
        assertThat(refused(with(saved, paths + 3, (byte) '.'))).as("a name '.'").isTrue();
        assertThat(refused(with(with(saved, paths, (byte) '.'), paths + 1, (byte) '.'))).as("'..'").isTrue();
        assertThat(refused(with(saved, paths + 2, (byte) 'x'))).as("'abxc': one name, as long").isFalse();
        assertThat(refused(with(saved, paths + 3, (byte) '/'))).as("an empty name").isTrue();
        assertThat(refused(with(saved, paths, (byte) 0))).as("a NUL").isTrue();
        assertThat(refused(with(saved, rows + 9 * Long.BYTES + 7, (byte) (5 << 1)))).as("a longer path").isTrue();
        assertThat(refused(with(saved, rows + (PlaceTable.WIDTH + 1) * Long.BYTES + 7, (byte) 1)))
                .as("the same identity twice").isTrue();
        assertThat(refused(with(saved, 15, (byte) 3))).as("a count too high").isTrue();
        assertThat(refused(with(saved, 0, (byte) 'x'))).as("another magic").isTrue();
    }

    /** Whether {@code saved} is refused, leaving the memory it was read into without places. */
    private static boolean refused(byte[] saved) {
        Whereabouts places = new Whereabouts();
        boolean taken = places.fromBytes(ByteBuffer.wrap(saved));
        assertThat(places.isEmpty()).isEqualTo(!taken);
        return !taken;
    }

    private static byte[] with(byte[] bytes, int at, byte value) {
        byte[] changed = bytes.clone();
        changed[at] = value;
        return changed;
    }

    @Test
    void placesSavedByAnEarlierBuildAreNotReadButAreNoDamage() {
        ByteBuffer earlier = ByteBuffer.allocate(2 * Long.BYTES + 9 * Long.BYTES + 1 + Integer.BYTES + 1);
        earlier.putLong(0x6469727379_6e6350L).putLong(1).putLong(1).putLong(1).put((byte) 0).putLong(1)
                .putLong(nanos(THEN)).putLong(2).putLong(1).putLong(1).putLong(nanos(THEN)).putLong(nanos(THEN))
                .putInt(1).put("a".getBytes(StandardCharsets.UTF_8));
        Whereabouts places = new Whereabouts();

        assertThat(places.fromBytes(ByteBuffer.wrap(earlier.array()))).isTrue();
        assertThat(places.isEmpty()).isTrue();
        assertThat(places.before(file(1, 1, 1, THEN))).isNull();
    }

    private static Entry file(long device, long inode, long size, Instant modified) {
        return new Entry(Name.of("x"), EntryKind.FILE, size, FileTime.from(modified), Set.of(), null,
                new Entry.Identity(device, inode, FileTime.from(modified.plusSeconds(1)), 1),
                new Entry.Owner(0, 0, 0));
    }

    private static Entry directory(long device, long inode) {
        return new Entry(Name.of("x"), EntryKind.DIRECTORY, 4096, FileTime.from(THEN), Set.of(), null,
                new Entry.Identity(device, inode, FileTime.from(THEN), 2), new Entry.Owner(0, 0, 0));
    }

    private static long nanos(Instant time) {
        return time.getEpochSecond() * 1_000_000_000L + time.getNano();
    }
}
