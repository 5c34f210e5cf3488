package dirsync.fs.s3;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link ObjectMemory} as bytes, for the app to keep between runs: a magic number ({@code dirsyncS}), the count,
 * then each object's key, ETag, size, Last-Modified (seconds and nanoseconds), metadata and link content. Bytes that
 * are not exactly that are refused whole: the memory starts empty, which only costs a HEAD per object once.
 */
final class ObjectMemoryBytes {

    private static final long MAGIC = 0x6469727379_6e6353L; // "dirsyncS"
    /** No key, ETag or metadata value is this long; link content is a path, at most a few KiB. */
    private static final int LONGEST = 1 << 20;

    private ObjectMemoryBytes() {
    }

    static byte[] of(Map<String, ObjectMemory.Known> objects) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + objects.size() * 96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(MAGIC);
            out.writeInt(objects.size());
            for (Map.Entry<String, ObjectMemory.Known> object : objects.entrySet()) {
                ObjectMemory.Known known = object.getValue();
                text(out, object.getKey());
                text(out, known.etag());
                out.writeLong(known.size());
                out.writeLong(known.lastModified().getEpochSecond());
                out.writeInt(known.lastModified().getNano());
                out.writeInt(known.metadata().size());
                for (Map.Entry<String, String> field : known.metadata().entrySet()) {
                    text(out, field.getKey());
                    text(out, field.getValue());
                }
                out.writeInt(known.content() == null ? -1 : known.content().length);
                if (known.content() != null) {
                    out.write(known.content());
                }
            }
        } catch (IOException inMemory) {
            throw new UncheckedIOException(inMemory); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** The objects {@code saved} holds, or empty if it is not exactly what {@link #of} writes. */
    static Optional<Map<String, ObjectMemory.Known>> from(byte[] saved) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved))) {
            if (in.readLong() != MAGIC) {
                return Optional.empty();
            }
            int count = in.readInt();
            if (count < 0 || count > saved.length / 40) {
                return Optional.empty();
            }
            Map<String, ObjectMemory.Known> objects = new HashMap<>(count * 2);
            for (int i = 0; i < count; i++) {
                String key = text(in);
                String etag = text(in);
                long size = in.readLong();
                Instant lastModified = Instant.ofEpochSecond(in.readLong(), in.readInt());
                int fields = in.readInt();
                if (fields < 0 || fields > 16) {
                    return Optional.empty();
                }
                Map<String, String> metadata = new HashMap<>();
                for (int field = 0; field < fields; field++) {
                    metadata.put(text(in), text(in));
                }
                int length = in.readInt();
                byte[] content = length < 0 ? null : in.readNBytes(check(length));
                if (content != null && content.length != length) {
                    return Optional.empty();
                }
                objects.put(key, new ObjectMemory.Known(etag, size, lastModified, Map.copyOf(metadata), content));
            }
            return in.read() < 0 ? Optional.of(objects) : Optional.empty();
        } catch (IOException | RuntimeException damaged) {
            return Optional.empty();
        }
    }

    private static void text(DataOutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String text(DataInputStream in) throws IOException {
        int length = check(in.readInt());
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new IOException("cut short");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static int check(int length) throws IOException {
        if (length < 0 || length > LONGEST) {
            throw new IOException("not a length: " + length);
        }
        return length;
    }
}
