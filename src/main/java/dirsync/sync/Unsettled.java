package dirsync.sync;

import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The source files that do not settle: each one's streak of full passes in a row that found it changing during its
 * copy (the copy discarded, so the replica still has no copy of its current content). At {@link #PASSES} passes in
 * a row that is an error, every pass until the file settles; with {@code --copy-unsettled}, a file found changing in
 * the passes just before is instead copied as read from that pass on.
 *
 * <p>What counts as a pass: a full pass only. A pass over changed directories (watch mode) that finds the file
 * changing neither adds to its streak nor breaks it (a file being written raises an event pass every few seconds;
 * the full passes, INTERVAL apart, are the measure); one that copies it ends the streak. A full pass that ran to
 * its end keeps only the streaks of the files it found changing: a file that settled (was copied, or found equal),
 * vanished, or is excluded now starts again from nothing. An interrupted pass ends the streaks of the files it
 * copied and keeps the rest.
 *
 * <p>The streaks outlive the process ({@link #toBytes}/{@link #fromBytes}), so that three {@code --once} runs from
 * cron are three passes in a row.
 */
final class Unsettled {

    /** After this many full passes in a row that find the same file changing, it is an error. */
    static final int PASSES = 3;

    private static final long MAGIC = 0x6469727379_6e6353L; // "dirsyncS"
    /** The most streaks a saved file may announce: more is taken for damage. */
    private static final int MOST_SAVED = 1 << 24;

    /** The streaks after the last pass. */
    private Map<RelPath, Integer> streaks = new HashMap<>();

    /** A pass begins: full (it counts) or over some directories; copying files that do not settle as read or not. */
    synchronized Pass begin(boolean full, boolean copyAsRead) {
        return new Pass(Map.copyOf(streaks), full, copyAsRead);
    }

    /** A pass ended (ran to its end or not): its findings become the streaks. */
    synchronized void end(Pass pass, boolean completed) {
        synchronized (pass) {
            if (pass.full && completed) {
                streaks = new HashMap<>(pass.found);
            } else {
                Map<RelPath, Integer> next = new HashMap<>(streaks);
                next.keySet().removeAll(pass.settled);
                next.putAll(pass.found);
                streaks = next;
            }
        }
    }

    synchronized boolean isEmpty() {
        return streaks.isEmpty();
    }

    /** How many files have not settled in {@link #PASSES} or more passes in a row. */
    synchronized long count() {
        return streaks.values().stream().filter(streak -> streak >= PASSES).count();
    }

    /** The streaks for the next run: count, then each streak with its path's bytes. */
    synchronized byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(2 * Long.BYTES).putLong(MAGIC).putLong(streaks.size()).array());
        for (Map.Entry<RelPath, Integer> streak : streaks.entrySet()) {
            byte[] path = streak.getKey().bytes();
            out.writeBytes(ByteBuffer.allocate(2 * Integer.BYTES).putInt(streak.getValue()).putInt(path.length).array());
            out.writeBytes(path);
        }
        return out.toByteArray();
    }

    /** Takes the streaks an earlier run saved, if they are well formed; returns whether it took them. */
    synchronized boolean fromBytes(byte[] saved) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(saved);
            if (bytes.getLong() != MAGIC) {
                return false;
            }
            long count = bytes.getLong();
            if (count < 0 || count > MOST_SAVED) {
                return false;
            }
            Map<RelPath, Integer> loaded = new HashMap<>();
            for (long i = 0; i < count; i++) {
                int streak = bytes.getInt();
                byte[] path = new byte[bytes.getInt()];
                bytes.get(path);
                if (streak < 1 || path.length == 0) {
                    return false;
                }
                loaded.put(parse(path), streak);
            }
            if (bytes.hasRemaining()) {
                return false;
            }
            streaks = loaded;
            return true;
        } catch (RuntimeException damaged) { // too short, a negative length, a name that is no name
            return false;
        }
    }

    private static RelPath parse(byte[] path) {
        RelPath parsed = RelPath.ROOT;
        int start = 0;
        for (int i = 0; i <= path.length; i++) {
            if (i == path.length || path[i] == '/') {
                parsed = parsed.resolve(Name.of(Arrays.copyOfRange(path, start, i)));
                start = i + 1;
            }
        }
        return parsed;
    }

    /** One pass's view: the streaks as it began, and what it finds. Used by the pass thread (and safe beyond it). */
    static final class Pass {
        private final Map<RelPath, Integer> before;
        private final boolean full;
        private final boolean copyAsRead;
        private final Map<RelPath, Integer> found = new HashMap<>();
        private final Set<RelPath> settled = new HashSet<>();

        private Pass(Map<RelPath, Integer> before, boolean full, boolean copyAsRead) {
            this.before = before;
            this.full = full;
            this.copyAsRead = copyAsRead;
        }

        /** Whether this file is copied as read: asked for, and found changing in the passes just before. */
        boolean asRead(RelPath path) {
            return copyAsRead && before.getOrDefault(path, 0) >= PASSES - 1;
        }

        /**
         * A copy was discarded because the source changed during it: a warning, or, at {@link #PASSES} full passes
         * in a row, an error that says what the operator can do.
         */
        synchronized void changing(PassReport report, RelPath path, String reason) {
            if (!full) {
                report.record(Operation.CHANGING, Texts.SOURCE_CHANGING, path, Texts.changingDetail(reason, 0));
                return;
            }
            int streak = before.getOrDefault(path, 0) + 1;
            found.put(path, streak);
            settled.remove(path);
            if (streak >= PASSES) {
                report.record(Operation.ERROR, Texts.neverSettled(streak), path, Texts.whatToDoWhenUnsettled(reason));
            } else {
                report.record(Operation.CHANGING, Texts.SOURCE_CHANGING, path, Texts.changingDetail(reason, streak));
            }
        }

        /**
         * A file was installed, its source unchanged all along: its streak ends. Called for every file a pass
         * copies, so only a file that has a streak is remembered.
         */
        synchronized void settled(RelPath path) {
            boolean hadStreak = found.remove(path) != null || before.containsKey(path);
            if (hadStreak) {
                settled.add(path);
            }
        }

        /** A copy as read was installed; the source changed meanwhile, or it would count as settled. */
        synchronized void copiedAsRead(PassReport report, RelPath path, boolean sourceChanged) {
            if (!sourceChanged) {
                settled(path);
                return;
            }
            int streak = before.getOrDefault(path, 0) + (full ? 1 : 0);
            if (full) {
                found.put(path, streak);
            }
            report.warn(Texts.COPIED_AS_READ, path, Texts.copiedAsReadDetail(streak));
        }
    }
}
