package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The new subdirectories of one directory, created together where the replica makes several at once (its tuning's
 * {@code concurrentDirectoryChanges}): over a network each creation waits a round trip, and a directory with many
 * new subdirectories would wait for them one after another, before the walk reaches the files that go into them.
 * They are begun before the directory's actions are carried out; each {@link Action.CreateDirectory} then takes its
 * own outcome ({@link Begun#take}), so its line, or its failure, comes where it came before, in the actions' order.
 * A tree that makes one directory at a time, and a directory with a single new subdirectory, make it on the pass
 * thread when its action comes up.
 */
final class DirectoryCreations {

    /** Null where directories are made on the pass thread. */
    private final ThreadPoolExecutor helpers;

    /** @param atOnce directories created at once (the replica's tuning); 1: on the pass thread */
    DirectoryCreations(int atOnce) {
        this.helpers = atOnce > 1 ? Pools.daemons("dirsync-mkdir", atOnce) : null;
    }

    /** The creations begun for one directory's actions, by name. */
    static final class Begun {
        static final Begun NONE = new Begun(Map.of());

        private final Map<Name, CompletableFuture<Entry.Identity>> begun;

        private Begun(Map<Name, CompletableFuture<Entry.Identity>> begun) {
            this.begun = begun;
        }

        /** Whether the directory of this name is being made aside, and no action has taken it yet. */
        boolean runsAside(Name name) {
            return begun.containsKey(name);
        }

        /** The identity of the directory of this name once made, or its failure, as if it had been made here. */
        Entry.Identity take(Name name) throws IOException {
            return Pools.await(begun.remove(name));
        }

        /**
         * Waits for the creations no action took (the pass stopped first), so that none goes on past the pass; returns
         * the names of those that made their directory, which then have their line too.
         */
        List<Name> untaken() {
            return begun.entrySet().stream()
                    .filter(made -> made.getValue().handle((identity, failure) -> failure == null).join())
                    .map(Map.Entry::getKey).toList();
        }
    }

    /** Begins making the new subdirectories of {@code dir} among {@code actions}, where more than one is new. */
    Begun begin(PassContext pass, RelPath dir, List<Action> actions) {
        if (helpers == null) {
            return Begun.NONE;
        }
        List<Action> creations = actions.stream().filter(action -> action.accept(NewName.DIRECTORY)).toList();
        if (creations.size() < 2) {
            return Begun.NONE;
        }
        Map<Name, CompletableFuture<Entry.Identity>> begun = new LinkedHashMap<>();
        for (Action creation : creations) {
            begun.put(creation.name(), CompletableFuture.supplyAsync(() -> {
                try {
                    return pass.replica().createDirectory(dir.resolve(creation.name()));
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, helpers));
        }
        return new Begun(begun);
    }
}
