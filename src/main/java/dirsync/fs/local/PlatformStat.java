package dirsync.fs.local;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * The fields of one lstat that the platform's {@link PosixFileAttributes} object holds but does not show: device,
 * inode, change time, links, owner and group numbers, and the mode with its file type. The {@code "unix:..."} view
 * hands out the same values, read from the same object, but builds a map of boxed values per call, which made it
 * the larger part of a listing's cost; here they are read straight from the object. That needs the JDK's
 * {@code sun.nio.fs} package opened to this code: the jar's manifest does that ({@code Add-Opens}) for
 * {@code java -jar}, the launcher's way. Where it is not opened (dirsync's classes on a class path, or a JDK whose
 * class has other methods) it is not {@link #available()}, and {@link EntryReader} reads the {@code unix:} map.
 */
final class PlatformStat {

    private static final String CLASS = "sun.nio.fs.UnixFileAttributes";
    /** The platform's class of attributes, or null where this JVM does not let this class read it. */
    private static final Class<?> TYPE = openedType();
    // Constants (static final) that the JIT binds into the callers; null without TYPE.
    private static final MethodHandle DEVICE = field("dev", long.class);
    private static final MethodHandle INODE = field("ino", long.class);
    private static final MethodHandle CHANGED = field("ctime", FileTime.class);
    private static final MethodHandle LINKS = field("nlink", int.class);
    private static final MethodHandle UID = field("uid", int.class);
    private static final MethodHandle GID = field("gid", int.class);
    private static final MethodHandle MODE = field("mode", int.class);
    private static final boolean AVAILABLE = TYPE != null && DEVICE != null && INODE != null && CHANGED != null
            && LINKS != null && UID != null && GID != null && MODE != null;

    private PlatformStat() {
    }

    /** Whether this JVM lets this class read the platform's attribute objects. */
    static boolean available() {
        return AVAILABLE;
    }

    private static Class<?> openedType() {
        try {
            Class<?> type = Class.forName(CLASS, false, PosixFileAttributes.class.getClassLoader());
            boolean opened = PosixFileAttributes.class.isAssignableFrom(type)
                    && type.getModule().isOpen(type.getPackageName(), PlatformStat.class.getModule());
            return opened ? type : null;
        } catch (ReflectiveOperationException | RuntimeException notHere) {
            return null;
        }
    }

    /**
     * The no-argument method {@code name} of the platform's attributes, returning {@code returns}, as a handle taking
     * any {@link PosixFileAttributes}; null if there is no such method.
     */
    private static MethodHandle field(String name, Class<?> returns) {
        if (TYPE == null) {
            return null;
        }
        try {
            Method method = TYPE.getDeclaredMethod(name);
            if (method.getReturnType() != returns || method.getParameterCount() != 0) {
                return null;
            }
            return MethodHandles.privateLookupIn(TYPE, MethodHandles.lookup()).unreflect(method)
                    .asType(MethodType.methodType(returns, PosixFileAttributes.class));
        } catch (ReflectiveOperationException | RuntimeException notHere) {
            return null;
        }
    }

    /** Whether {@code attributes} are the platform's own object, whose fields this reads. */
    static boolean reads(PosixFileAttributes attributes) {
        return AVAILABLE && TYPE.isInstance(attributes);
    }

    static long device(PosixFileAttributes attributes) {
        try {
            return (long) DEVICE.invokeExact(attributes);
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    static long inode(PosixFileAttributes attributes) {
        try {
            return (long) INODE.invokeExact(attributes);
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    static FileTime changed(PosixFileAttributes attributes) {
        try {
            return (FileTime) CHANGED.invokeExact(attributes);
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    static int links(PosixFileAttributes attributes) {
        try {
            return (int) LINKS.invokeExact(attributes);
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    static int uid(PosixFileAttributes attributes) {
        try {
            return (int) UID.invokeExact(attributes);
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    static int gid(PosixFileAttributes attributes) {
        try {
            return (int) GID.invokeExact(attributes);
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    /** st_mode: the file type bits and the twelve permission bits. */
    static int mode(PosixFileAttributes attributes) {
        try {
            return (int) MODE.invokeExact(attributes);
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    /** A getter of a value the object holds cannot fail but by a JVM error, which goes on as it is. */
    private static RuntimeException failed(Throwable t) {
        if (t instanceof Error error) {
            throw error;
        }
        return t instanceof RuntimeException runtime ? runtime : new IllegalStateException(t);
    }
}
