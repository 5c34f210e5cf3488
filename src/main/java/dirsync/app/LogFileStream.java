package dirsync.app;

import ch.qos.logback.classic.Level;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;

/**
 * The log file as the file appender writes it, one line a call, in place of Logback's own stream
 * ({@code ResilientFileOutputStream}), which tells of a failed write only to Logback's status manager, which
 * nobody here reads.
 *
 * <p>A write never throws (an appender whose stream throws stops for good): a line that cannot be written is
 * dropped and reported to {@link LogWrites}, and the file is opened again for the next line. The first line that
 * can be written again follows a note saying how many lines are missing (on a line of its own, if the failure
 * left half a line). The file is opened for appending ({@code O_APPEND}, as Logback opens it), through a
 * {@link FileOutputStream}: unlike a {@code FileChannel}, an interrupted thread that logs cannot close it.
 */
final class LogFileStream extends OutputStream {

    private final String file;
    private final LogWrites writes;
    private final LogLineEncoder encoder;
    /** Open from the first write on; null again after a failed one. */
    private FileOutputStream out;

    /**
     * @param file    the log file's path
     * @param writes  told of each line: written or not
     * @param encoder writes the note that the file can be written again, in the form of the other lines
     */
    LogFileStream(String file, LogWrites writes, LogLineEncoder encoder) {
        this.file = file;
        this.writes = writes;
        this.encoder = encoder;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        String note = writes.noteIfFailing();
        try {
            if (out == null) {
                out = new FileOutputStream(file, true);
            }
            if (note == null) {
                out.write(bytes, offset, length);
            } else {
                out.write(withNote(note, bytes, offset, length));
            }
        } catch (IOException e) {
            closeAfterFailure();
            writes.failed(e);
            return;
        }
        writes.written();
    }

    @Override
    public void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // A network file system may only now report that earlier lines did not reach the disk.
                writes.failed(e);
            } finally {
                out = null;
            }
        }
    }

    private void closeAfterFailure() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException alreadyReported) {
                // The write's failure is the one reported.
            }
            out = null;
        }
    }

    private byte[] withNote(String note, byte[] bytes, int offset, int length) {
        int newline = endsMidLine() ? 1 : 0;
        byte[] line = encoder.encode(System.currentTimeMillis(), Level.WARN, note);
        byte[] all = new byte[newline + line.length + length];
        if (newline == 1) {
            all[0] = '\n';
        }
        System.arraycopy(line, 0, all, newline, line.length);
        System.arraycopy(bytes, offset, all, newline + line.length, length);
        return all;
    }

    /** Whether the file ends in half a line: a write can fail after part of it was written. */
    private boolean endsMidLine() {
        try (RandomAccessFile read = new RandomAccessFile(file, "r")) {
            long length = read.length();
            if (length == 0) {
                return false;
            }
            read.seek(length - 1);
            return read.read() != '\n';
        } catch (IOException e) {
            return false; // then at worst the note starts on the half line
        }
    }
}
