package dirsync.fs.sftp;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Several SFTP channels of one connection, each thread of a pass keeping to one of them: OpenSSH serves each
 * channel with a process of its own that answers its requests one after another, so a tree of small files
 * (six requests and an fsync each) is written by as many processes at once as there are channels.
 */
final class Channels {

    private final List<RemoteCalls> all;
    private final AtomicInteger next = new AtomicInteger();
    private final ThreadLocal<RemoteCalls> mine;

    Channels(List<RemoteCalls> all) {
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no SFTP channel");
        }
        this.all = List.copyOf(all);
        this.mine = ThreadLocal.withInitial(() -> this.all.get(Math.floorMod(next.getAndIncrement(),
                this.all.size())));
    }

    /** This thread's channel. */
    RemoteCalls get() {
        return mine.get();
    }

    /** The first channel: what the server offers is the same on all. */
    RemoteCalls first() {
        return all.get(0);
    }
}
