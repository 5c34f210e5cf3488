package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Name;
import java.nio.ByteBuffer;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The verified-hash memory's own values, which runs save and later runs (of later builds) take over. */
class VerifiedPairsTest {

    @Test
    void aFingerprintIsTheMd5OfBothSidesStatesAsBigEndianNumbersTheFormatEarlierRunsSaved() throws Exception {
        Entry source = file("a", 11, 64_512, 4_096, Instant.parse("2026-01-02T03:04:05.123456789Z"),
                Instant.parse("2026-01-02T03:04:06.5Z"));
        Entry replica = file("a", 2_049, -7, 4_096, Instant.parse("1969-12-31T23:59:59.000000001Z"),
                Instant.parse("2026-11-30T00:00:00Z"));

        long[] fingerprint = new VerifiedPairs().fingerprint(source, replica);

        // Written out independently: device, inode, size, modification and change time (ns), source then replica.
        ByteBuffer state = ByteBuffer.allocate(80);
        for (Entry side : new Entry[] {source, replica}) {
            state.putLong(side.identity().device()).putLong(side.identity().inode()).putLong(side.size())
                    .putLong(nanos(side.modified().toInstant())).putLong(nanos(side.identity().changed().toInstant()));
        }
        ByteBuffer md5 = ByteBuffer.wrap(MessageDigest.getInstance("MD5").digest(state.array()));
        assertThat(fingerprint).containsExactly(md5.getLong(), md5.getLong());
    }

    private static Entry file(String name, long device, long inode, long size, Instant modified, Instant changed) {
        return new Entry(Name.of(name), EntryKind.FILE, size, FileTime.from(modified), Set.of(), null,
                new Entry.Identity(device, inode, FileTime.from(changed), 1), new Entry.Owner(0, 0, 0));
    }

    private static long nanos(Instant time) {
        return time.getEpochSecond() * 1_000_000_000L + time.getNano();
    }
}
