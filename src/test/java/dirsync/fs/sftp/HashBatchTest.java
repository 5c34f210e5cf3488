package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** How the hashing loop's requests that queued are cut into batches: by count, and by the bytes they weigh. */
class HashBatchTest {

    private static Deque<HashBatch.Request> queued(long... sizes) {
        Deque<HashBatch.Request> queued = new ArrayDeque<>();
        for (int i = 0; i < sizes.length; i++) {
            queued.add(new HashBatch.Request("/r/f" + i, sizes[i], new CompletableFuture<>()));
        }
        return queued;
    }

    @Test
    void aBatchTakesAtMostItsCountOfSmallFiles() {
        Deque<HashBatch.Request> queued = queued(new long[HashBatch.MAX + 3]);

        assertThat(HashBatch.take(queued)).hasSize(HashBatch.MAX);
        assertThat(queued).hasSize(3);
    }

    @Test
    void aBatchEndsBeforeTheFileThatWouldTakeItPastItsBytes() {
        long half = HashBatch.MAX_BYTES / 2;
        Deque<HashBatch.Request> queued = queued(half, half, 1, 5);

        assertThat(HashBatch.take(queued)).extracting(HashBatch.Request::size).containsExactly(half, half);
        assertThat(HashBatch.take(queued)).extracting(HashBatch.Request::size).containsExactly(1L, 5L);
    }

    @Test
    void aFileLargerThanABatchGoesAlone() {
        Deque<HashBatch.Request> queued = queued(3 * HashBatch.MAX_BYTES, 1);

        assertThat(HashBatch.take(queued)).hasSize(1);
        assertThat(HashBatch.take(queued)).hasSize(1);
        assertThat(queued).isEmpty();
    }
}
