package dirsync.fs.local;

import dirsync.fs.Entry;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Watches directories of a {@link LocalTree} through the provider's {@link WatchService} (inotify on Linux): one
 * watch per directory, never recursive, each known by its {@link RelPath}, and its events handed out with names
 * as bytes. A directory's watch keeps the inode, not the name: when a watched directory turns up under a new
 * path (it was renamed), registering the new path moves the watch to it.
 */
public final class DirectoryWatch implements Closeable {

    /** How a directory gets its watch: the provider's own registration, or a test's stand-in. */
    @FunctionalInterface
    public interface Registrar {
        WatchKey register(Path dir, WatchService service) throws IOException;
    }

    /** What happened to a name in a watched directory, or to the watch itself. */
    public enum Kind {
        CREATED, DELETED, MODIFIED,
        /** Events of this directory were lost (too many at once): anything in it may have changed. */
        OVERFLOW,
        /** The watch ended: the directory was deleted, moved out of reach, or its file system unmounted. */
        ENDED
    }

    /** One event: the watched directory, the name in it (null for OVERFLOW and ENDED), and what happened. */
    public record Event(RelPath directory, Name name, Kind kind) {
    }

    private static final WatchEvent.Kind<?>[] KINDS = {StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY};

    private final LocalPaths treePaths;
    private final WatchService service;
    private final Registrar registrar;
    private final Map<WatchKey, RelPath> paths = new HashMap<>();
    private final Map<RelPath, WatchKey> keys = new HashMap<>();
    /** Which directory each path's watch was set on (device, inode), where the tree tells. */
    private final Map<RelPath, Entry.Identity> identities = new HashMap<>();

    private DirectoryWatch(LocalPaths treePaths, WatchService service, Registrar registrar) {
        this.treePaths = treePaths;
        this.service = service;
        this.registrar = registrar;
    }

    /** A watch over {@code tree}'s directories, registered by the provider. */
    public static DirectoryWatch over(LocalTree tree) throws IOException {
        return over(tree, (dir, service) -> dir.register(service, KINDS));
    }

    /** A watch over {@code tree}'s directories, registered by {@code registrar} (a seam for tests). */
    public static DirectoryWatch over(LocalTree tree, Registrar registrar) throws IOException {
        LocalPaths treePaths = tree.paths();
        return new DirectoryWatch(treePaths, treePaths.root().getFileSystem().newWatchService(), registrar);
    }

    /** The events this watch asks the provider for. */
    public static WatchEvent.Kind<?>[] kinds() {
        return KINDS.clone();
    }

    /**
     * Watches {@code dir} unless it is watched under that path already; returns whether it registered it now.
     *
     * @throws IOException if the directory cannot be watched: a {@link WatchLimitException} if the kernel's limit
     *                     on watches is reached
     */
    public boolean register(RelPath dir) throws IOException {
        return register(dir, Entry.Identity.UNKNOWN);
    }

    /**
     * Watches {@code dir}, now the directory {@code current} (its device and inode, as just examined), unless
     * that very directory is watched under that path already. Another directory at the same path (a file system
     * mounted over it, or one made anew) gets a watch of its own, and the old watch ends. A failure at the
     * kernel's limit on watches is a {@link WatchLimitException}.
     */
    public synchronized boolean register(RelPath dir, Entry.Identity current) throws IOException {
        WatchKey known = keys.get(dir);
        Entry.Identity watchedFile = identities.get(dir);
        boolean sameDirectory = !current.known() || watchedFile == null || !watchedFile.known()
                || watchedFile.sameFile(current);
        if (known != null && known.isValid() && sameDirectory) {
            return false;
        }
        WatchKey key;
        try {
            key = registrar.register(treePaths.of(dir), service);
        } catch (IOException e) {
            throw WatchLimitException.typed(e);
        }
        if (known != null && known != key) {
            known.cancel();
            paths.remove(known);
        }
        RelPath before = paths.put(key, dir);
        if (before != null && !before.equals(dir)) {
            keys.remove(before); // a renamed directory: inotify hands back its old watch
            identities.remove(before);
        }
        keys.put(dir, key);
        identities.put(dir, current);
        return true;
    }

    /** Whether {@code dir} has a live watch under that path. */
    public synchronized boolean isWatched(RelPath dir) {
        WatchKey key = keys.get(dir);
        return key != null && key.isValid();
    }

    /** How many directories are watched. */
    public synchronized int watched() {
        return keys.size();
    }

    /** Stops watching {@code dir} and every directory below it (it was deleted, or moved away). */
    public synchronized void forget(RelPath dir) {
        if (!keys.containsKey(dir)) {
            return;
        }
        for (Iterator<Map.Entry<RelPath, WatchKey>> it = keys.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<RelPath, WatchKey> entry = it.next();
            if (entry.getKey().isWithin(dir)) {
                entry.getValue().cancel();
                paths.remove(entry.getValue());
                identities.remove(entry.getKey());
                it.remove();
            }
        }
    }

    /**
     * Waits for events, then returns them all: those of every directory with events by now.
     *
     * @throws java.nio.file.ClosedWatchServiceException once {@link #close()} was called
     */
    public List<Event> take() throws InterruptedException {
        List<Event> events = new ArrayList<>();
        WatchKey key = service.take();
        while (key != null) {
            drain(key, events);
            key = service.poll();
        }
        return events;
    }

    private void drain(WatchKey key, List<Event> out) {
        RelPath dir;
        synchronized (this) {
            dir = paths.get(key);
        }
        List<WatchEvent<?>> events = key.pollEvents();
        boolean valid = key.reset();
        if (dir == null) {
            return; // forgotten: its directory was moved away or deleted
        }
        for (WatchEvent<?> event : events) {
            WatchEvent.Kind<?> kind = event.kind();
            if (kind == StandardWatchEventKinds.OVERFLOW) {
                out.add(new Event(dir, null, Kind.OVERFLOW));
            } else {
                Name name = treePaths.nameOf((Path) event.context());
                out.add(new Event(dir, name, kind == StandardWatchEventKinds.ENTRY_CREATE ? Kind.CREATED
                        : kind == StandardWatchEventKinds.ENTRY_DELETE ? Kind.DELETED : Kind.MODIFIED));
            }
        }
        if (!valid) {
            synchronized (this) {
                paths.remove(key);
                if (keys.remove(dir, key)) {
                    identities.remove(dir);
                }
            }
            out.add(new Event(dir, null, Kind.ENDED));
        }
    }

    @Override
    public void close() throws IOException {
        service.close();
    }
}
