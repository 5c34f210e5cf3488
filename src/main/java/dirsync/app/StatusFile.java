package dirsync.app;

import dirsync.watch.SourceWatcher;
import dirsync.sync.Operation;
import dirsync.sync.PassSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * After each pass, the state of the mirror for monitoring, in the Prometheus text format (for node_exporter's
 * textfile collector, say): when the last pass started, how long it took, what it did, its errors, and when
 * the last successful pass started, so that "no successful pass for an hour" can raise an alert. The file is
 * replaced atomically: a reader never sees half of it.
 */
final class StatusFile {

    private static final Pattern LAST_SUCCESS =
            Pattern.compile("(?m)^dirsync_last_success_time_seconds\\{[^}]*} ([0-9.]+)$");

    private final Path file;
    private final String replicaLabel;
    /** The watch's figures in watch mode, else null. */
    private final Supplier<SourceWatcher.Figures> watch;
    /** The log file's writes, or null (for tests of the rest). */
    private final LogWrites log;
    private Instant lastSuccess;
    private PassSummary lastFull;
    private Instant lastPartial;

    /** Remembers the last success a previous run wrote to {@code file}, so --once runs from cron keep it. */
    StatusFile(Path file, String replica) {
        this(file, replica, null);
    }

    /** The same, in watch mode: {@code watch} gives the watch's figures for each write. */
    StatusFile(Path file, String replica, Supplier<SourceWatcher.Figures> watch) {
        this(file, replica, watch, null);
    }

    /** The same, with the figures of the log file's writes. */
    StatusFile(Path file, String replica, Supplier<SourceWatcher.Figures> watch, LogWrites log) {
        this.file = file;
        this.replicaLabel = "replica=\"" + labelValue(replica) + "\"";
        this.watch = watch;
        this.log = log;
        this.lastSuccess = previousSuccess(file);
    }

    /** Writes the file for a full pass, with the start time the pass took from its synchronizer's clock. */
    synchronized void record(PassSummary summary) throws IOException {
        if (summary.completed() && summary.errors() == 0) {
            lastSuccess = summary.started();
        }
        lastFull = summary;
        write();
    }

    /**
     * Writes the file after a pass over some directories (watch mode): its start is the time of the last event
     * pass; the last pass's figures and the last success stay those of the last full pass.
     */
    synchronized void recordPartial(PassSummary summary) throws IOException {
        lastPartial = summary.started();
        if (lastFull != null) {
            write();
        }
    }

    private void write() throws IOException {
        PassSummary summary = lastFull;
        Instant started = summary.started();
        StringBuilder text = new StringBuilder();
        gauge(text, "dirsync_last_pass_start_time_seconds", "Start of the last pass, in Unix time.", seconds(started));
        gauge(text, "dirsync_last_pass_duration_seconds", "Duration of the last pass.",
                summary.durationSeconds());
        gauge(text, "dirsync_last_pass_completed", "1 if the last pass ran to its end, 0 if it was interrupted.",
                summary.completed() ? "1" : "0");
        gauge(text, "dirsync_last_pass_errors", "Entries that failed in the last pass.", summary.errors());
        gauge(text, "dirsync_last_pass_bytes_copied", "Bytes copied by the last pass.", summary.bytesCopied());
        header(text, "dirsync_last_pass_operations", "Entries by what the last pass did with them.");
        for (Operation operation : Operation.values()) {
            text.append("dirsync_last_pass_operations{").append(replicaLabel).append(",operation=\"")
                    .append(operation.key()).append("\"} ").append(summary.count(operation)).append('\n');
        }
        gauge(text, "dirsync_unsettled_files", "Source files that changed during their copy in 3 or more full passes "
                + "in a row: without --copy-unsettled the replica has no copy of their current content.",
                summary.unsettled());
        gauge(text, "dirsync_last_success_time_seconds",
                "Start of the last pass that completed without errors, in Unix time (0: none yet).",
                lastSuccess == null ? "0" : seconds(lastSuccess));
        if (log != null) {
            gauge(text, "dirsync_log_writable", "0 while lines cannot be written to the log file, else 1.",
                    log.writable() ? "1" : "0");
            gauge(text, "dirsync_log_write_failures",
                    "Lines that could not be written to the log file since dirsync started.", log.failures());
        }
        if (watch != null) {
            SourceWatcher.Figures figures = watch.get();
            gauge(text, "dirsync_watched_directories", "Source directories watched for changes.", figures.watched());
            gauge(text, "dirsync_unwatched_directories",
                    "Source directories that could not be watched: only full passes see their changes.",
                    figures.unwatched());
            gauge(text, "dirsync_pending_events", "Changes seen by the watch and not yet taken by a pass.",
                    figures.pendingEvents());
            gauge(text, "dirsync_last_event_pass_start_time_seconds",
                    "Start of the last pass over changed directories only, in Unix time (0: none yet).",
                    lastPartial == null ? "0" : seconds(lastPartial));
        }
        writeAtomically(text.toString());
    }

    private void gauge(StringBuilder text, String name, String help, Object value) {
        header(text, name, help);
        text.append(name).append('{').append(replicaLabel).append("} ").append(value).append('\n');
    }

    private static void header(StringBuilder text, String name, String help) {
        text.append("# HELP ").append(name).append(' ').append(help).append('\n');
        text.append("# TYPE ").append(name).append(" gauge\n");
    }

    private void writeAtomically(String text) throws IOException {
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        Path temp = file.resolveSibling("." + file.getFileName() + "." + HexFormat.of().formatHex(random) + ".tmp");
        Path parent = file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.write(temp, text.getBytes(StandardCharsets.UTF_8));
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static Instant previousSuccess(Path file) {
        try {
            Matcher matcher = LAST_SUCCESS.matcher(Files.readString(file, StandardCharsets.UTF_8));
            if (matcher.find()) {
                double seconds = Double.parseDouble(matcher.group(1));
                return seconds > 0 ? Instant.ofEpochMilli(Math.round(seconds * 1000)) : null;
            }
        } catch (NoSuchFileException none) {
            return null;
        } catch (IOException | RuntimeException unreadable) {
            // A foreign or damaged file: start afresh, it is overwritten after the first pass.
        }
        return null;
    }

    private static String seconds(Instant time) {
        return PassSummary.thousandths(time.toEpochMilli());
    }

    /** Prometheus label values escape backslash, double quote and newline. */
    private static String labelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
