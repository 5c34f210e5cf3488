package dirsync.fs.local;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Turns a provider's paths into the bytes the sync core works with, and back, at the edge of a tree. On the
 * platform's own file system a path holds the name's bytes, but its String form goes through the charset of the
 * locale (none under cron: ASCII), which loses any byte that charset cannot map. So a name is read as text only
 * when the text is certain to give back the same bytes; otherwise it goes through the path's URI, whose
 * percent-escapes carry the exact bytes. Providers whose names are Strings (jimfs, SFTP) store UTF-8.
 */
abstract class NameCodec {

    /** The bytes of a path (one name, or a link's target). */
    abstract byte[] bytes(Path path);

    /** The provider's path for {@code bytes}, relative unless they start with '/'. */
    abstract Path path(FileSystem fs, byte[] bytes);

    /** The bytes of a link's target as read from a link of this provider. */
    byte[] targetBytes(Path target) {
        return bytes(target);
    }

    /** The provider's path for a link's target, as exact as the provider lets it be. */
    Path target(FileSystem fs, byte[] bytes) {
        return path(fs, bytes);
    }

    static NameCodec of(FileSystem fs) {
        return fs == FileSystems.getDefault() && fs.getSeparator().equals("/") ? Platform.THE : new Utf8();
    }

    private static boolean ascii(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Names as Strings, stored as UTF-8. Bytes that are not UTF-8 have no such name: they are refused (an error
     * for that entry) rather than stored under a replacement character, which would not pair with the source's
     * name and would be copied again every pass.
     */
    private static final class Utf8 extends NameCodec {
        @Override
        byte[] bytes(Path path) {
            return path.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        Path path(FileSystem fs, byte[] bytes) {
            try {
                return fs.getPath(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
            } catch (CharacterCodingException e) {
                throw new InvalidPathException(new String(bytes, StandardCharsets.UTF_8),
                        "not valid UTF-8, which this file system's names must be");
            }
        }
    }

    /** The platform's file system: bytes kept exact whatever the locale. */
    private static final class Platform extends NameCodec {
        /** One for the process: the targets it keeps serve every tree on the platform's file system. */
        static final Platform THE = new Platform();

        private final Charset charset = platformCharset();
        private final ReadTargets read = new ReadTargets();

        private static Charset platformCharset() {
            try {
                return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
            } catch (RuntimeException unknown) {
                return StandardCharsets.UTF_8;
            }
        }

        @Override
        byte[] bytes(Path path) {
            String text = path.toString();
            if (ascii(text)) {
                return text.getBytes(StandardCharsets.US_ASCII); // a replaced byte would not be ASCII
            }
            try {
                if (path.getFileSystem().getPath(text).equals(path)) {
                    return text.getBytes(charset);
                }
            } catch (InvalidPathException unmappable) {
                // the text holds a replacement the charset cannot encode: the URI knows the bytes
            }
            return viaUri(path);
        }

        private static byte[] viaUri(Path path) {
            Path absolute = path.isAbsolute() ? path : path.getFileSystem().getPath("/").resolve(path);
            byte[] all = percentDecoded(absolute.toUri().getRawPath());
            int from = path.isAbsolute() ? 0 : 1;
            int to = all.length;
            if (to - from > 1 && all[to - 1] == '/' && !path.toString().endsWith("/")) {
                to--; // toUri marks an existing directory with a trailing slash (a link's target may have its own)
            }
            byte[] bytes = new byte[to - from];
            System.arraycopy(all, from, bytes, 0, bytes.length);
            return bytes;
        }

        @Override
        Path path(FileSystem fs, byte[] bytes) {
            if (ascii(bytes)) {
                return fs.getPath(new String(bytes, StandardCharsets.US_ASCII));
            }
            try {
                String text = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
                Path path = fs.getPath(text);
                if (text.getBytes(charset).length == bytes.length) {
                    return path;
                }
            } catch (CharacterCodingException | InvalidPathException notText) {
                // fall through to the URI, which carries any byte
            }
            boolean absolute = bytes[0] == '/';
            Path viaUri = Path.of(URI.create("file://" + (absolute ? "" : "/") + percentEncoded(bytes)));
            return absolute ? viaUri : fs.getPath("/").relativize(viaUri);
        }

        /** A target's bytes, and its path kept if neither text nor a URI could make those bytes again. */
        @Override
        byte[] targetBytes(Path target) {
            byte[] bytes = bytes(target);
            if (!Arrays.equals(bytes(made(target.getFileSystem(), bytes)), bytes)) {
                read.keep(bytes, target);
            }
            return bytes;
        }

        /** The path made of the bytes where it holds them all, else one read from a link, else the nearest. */
        @Override
        Path target(FileSystem fs, byte[] bytes) {
            Path made = made(fs, bytes);
            if (Arrays.equals(bytes(made), bytes)) {
                return made;
            }
            Path read = this.read.find(bytes);
            return read != null ? read : made;
        }

        /**
         * The text's path of a target's bytes where it gives them back; else the URI's, which keeps every byte,
         * '..' and a trailing '/' (the one added here is the one a URI's path loses), and loses only a run of
         * '/', as text does. A relative target is read below "/" and taken from its first name on.
         */
        private Path made(FileSystem fs, byte[] bytes) {
            Path path = path(fs, bytes);
            if (Arrays.equals(bytes(path), bytes)) {
                return path;
            }
            boolean absolute = bytes[0] == '/';
            Path viaUri = Path.of(URI.create("file://" + (absolute ? "" : "/") + percentEncoded(bytes) + "/"));
            return absolute ? viaUri : viaUri.subpath(0, viaUri.getNameCount());
        }
    }

    private static String percentEncoded(byte[] bytes) {
        StringBuilder text = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "/-._~".indexOf(c) >= 0) {
                text.append((char) c);
            } else {
                text.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
        }
        return text.toString();
    }

    private static byte[] percentDecoded(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(utf8, 0, utf8.length);
            }
        }
        return out.toByteArray();
    }
}
