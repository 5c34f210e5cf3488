package dirsync.watch;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.RelPath;
import dirsync.fs.SourceTree;
import dirsync.fs.local.DirectoryWatch;
import java.io.IOException;
import java.util.List;

/**
 * Turns the watch's events into what the next pass covers. Every event is about a directory's entries, so it
 * names that directory (however many events it has: a directory is listed whole). A directory that appears is
 * covered with all it holds (files made in it before its watch began raise no event); one whose own attributes
 * changed is covered itself; one whose events were lost is covered with all below it; the root's watch ending
 * (deleted, or its file system unmounted) asks for a full pass, whose guards see an empty source.
 */
final class EventRouter {

    private final SourceTree source;
    private final DirectoryWatch watch;
    private final WatchLoop loop;

    EventRouter(SourceTree source, DirectoryWatch watch, WatchLoop loop) {
        this.source = source;
        this.watch = watch;
        this.loop = loop;
    }

    void route(List<DirectoryWatch.Event> events) {
        loop.counted(events.size());
        for (DirectoryWatch.Event event : events) {
            RelPath dir = event.directory();
            switch (event.kind()) {
                case CREATED -> {
                    RelPath created = dir.resolve(event.name());
                    if (isDirectory(created)) {
                        loop.subtree(created);
                    }
                    loop.directory(dir);
                }
                case DELETED -> {
                    watch.forget(dir.resolve(event.name())); // a directory moved away keeps its watch otherwise
                    loop.directory(dir);
                }
                case MODIFIED -> {
                    RelPath modified = dir.resolve(event.name());
                    if (watch.isWatched(modified)) {
                        loop.directory(modified); // its mode or times: set when it is finished
                    }
                    loop.directory(dir);
                }
                case OVERFLOW -> loop.subtree(dir);
                case ENDED -> {
                    if (dir.isRoot()) {
                        loop.everything();
                    } else {
                        loop.directory(dir.parent());
                    }
                }
                default -> throw new IllegalStateException("unknown event kind " + event.kind());
            }
        }
    }

    private boolean isDirectory(RelPath path) {
        try {
            Entry entry = source.examine(path);
            return entry.is(EntryKind.DIRECTORY);
        } catch (IOException gone) {
            return false; // gone again: its parent's pass sees that
        }
    }
}
