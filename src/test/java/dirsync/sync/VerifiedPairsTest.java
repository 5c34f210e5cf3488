package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Name;
import java.nio.ByteBuffer;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The verified-hash memory's own values, which runs save and later runs (of later builds) take over. */
class VerifiedPairsTest {

    private static final Instant PASS = Instant.parse("2026-12-01T00:00:00Z");
    private static final Entry SOURCE = file(11, 64_512, 4_096, Instant.parse("2026-01-02T03:04:05.123456789Z"),
            Instant.parse("2026-01-02T03:04:06.5Z"));
    private static final Entry REPLICA = file(2_049, -7, 4_096, Instant.parse("1969-12-31T23:59:59.000000001Z"),
            Instant.parse("2026-11-30T00:00:00Z"));

    @Test
    void aFingerprintIsTheSipHashOfBothSidesStatesUnderTheKeySavedWithTheMemory() {
        VerifiedPairs memory = new VerifiedPairs();
        long[] fingerprint = memory.fingerprint(SOURCE, REPLICA);
        memory.learn(fingerprint, SOURCE, REPLICA, PASS);
        memory.passEnded(true);

        ByteBuffer saved = ByteBuffer.wrap(memory.toBytes());
        assertThat(saved.getLong()).as("magic").isEqualTo(0x6469727379_6e6332L);
        assertThat(saved.getLong()).as("count").isOne();
        long key0 = saved.getLong();
        long key1 = saved.getLong();
        // Written out independently: device, inode, size, modification and change time (ns), source then replica.
        long[] state = new long[10];
        int at = 0;
        for (Entry side : new Entry[] {SOURCE, REPLICA}) {
            state[at++] = side.identity().device();
            state[at++] = side.identity().inode();
            state[at++] = side.size();
            state[at++] = nanos(side.modified().toInstant());
            state[at++] = nanos(side.identity().changed().toInstant());
        }
        assertThat(fingerprint).containsExactly(SipHash.hash128(key0, key1, state, 10));
        assertThat(new long[] {saved.getLong(), saved.getLong()}).as("the fact saved").containsExactly(fingerprint);
    }

    @Test
    void eachMemoryHasAKeyOfItsOwn() {
        assertThat(new VerifiedPairs().fingerprint(SOURCE, REPLICA))
                .isNotEqualTo(new VerifiedPairs().fingerprint(SOURCE, REPLICA));
    }

    @Test
    void aMemoryTakenOverKeepsItsKeySoItsFactsAreMetAgain() {
        VerifiedPairs first = new VerifiedPairs();
        first.learn(first.fingerprint(SOURCE, REPLICA), SOURCE, REPLICA, PASS);
        first.passEnded(true);
        VerifiedPairs next = new VerifiedPairs();

        assertThat(next.fromBytes(first.toBytes())).isTrue();
        assertThat(next.recall(next.fingerprint(SOURCE, REPLICA))).isTrue();
    }

    @Test
    void aMemoryOfTheEarlierMd5FormatIsIgnored() {
        ByteBuffer earlier = ByteBuffer.allocate(4 * Long.BYTES).putLong(0x6469727379_6e6331L).putLong(1)
                .putLong(0x1234).putLong(0x5678); // "dirsync1", one MD5 fingerprint

        assertThat(new VerifiedPairs().fromBytes(earlier.array())).isFalse();
        assertThat(VerifiedPairs.savedLength(earlier.array())).isEqualTo(-1);
    }

    private static Entry file(long device, long inode, long size, Instant modified, Instant changed) {
        return new Entry(Name.of("a"), EntryKind.FILE, size, FileTime.from(modified), Set.of(), null,
                new Entry.Identity(device, inode, FileTime.from(changed), 1), new Entry.Owner(0, 0, 0));
    }

    private static long nanos(Instant time) {
        return time.getEpochSecond() * 1_000_000_000L + time.getNano();
    }
}
