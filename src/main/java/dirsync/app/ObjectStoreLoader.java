package dirsync.app;

import dirsync.fs.ObjectStore;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads the code of an {@code s3://} replica with the AWS SDK, only for a run whose replica is one: the jar holds no
 * SDK and names no Class-Path, so that a local run never opens its 31 jars. The SDK's jars lie in {@code s3/} beside
 * the running jar ({@code target/s3}, the distribution's {@code lib/s3}); {@code dirsync.fs.s3} is in the jar but
 * links against them. A loader of its own, over the jar and those jars, loads {@code dirsync.fs.s3.*} and {@code
 * software.amazon.*} itself first, and asks this class's loader for the rest, so that {@code dirsync.fs} (the
 * {@link ObjectStore} it hands back), SLF4J and Logback are the application's. Where the SDK is on this class's
 * own class path (the tests, or a user's {@code -cp}), that loader serves.
 */
final class ObjectStoreLoader {

    private static final String SDK_CLASS = "software/amazon/awssdk/services/s3/S3Client.class";

    private ObjectStoreLoader() {
    }

    /**
     * The opener of object-store replicas.
     *
     * @throws InvalidSettingsException if the SDK's jars are missing (one line naming where they were looked for)
     */
    static ObjectStore.Opener opener() throws InvalidSettingsException {
        ClassLoader own = ObjectStoreLoader.class.getClassLoader();
        ClassLoader loader = own.getResource(SDK_CLASS) != null ? own : sdkLoader(own);
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(loader); // the SDK finds some of its parts through it
        try {
            return (ObjectStore.Opener) Class.forName(ObjectStore.OPENER_CLASS, true, loader).getConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException | LinkageError broken) {
            throw new InvalidSettingsException("the AWS SDK jars beside dirsync cannot be used: " + broken);
        } finally {
            thread.setContextClassLoader(context);
        }
    }

    private static ClassLoader sdkLoader(ClassLoader parent) throws InvalidSettingsException {
        Path code;
        try {
            code = Path.of(ObjectStoreLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException unknown) {
            throw new InvalidSettingsException("the s3:// replica needs the AWS SDK jars in s3/ beside dirsync's jar, "
                    + "which cannot be found: " + unknown.getMessage());
        }
        Path dir = (code.getParent() == null ? code : code.getParent()).resolve("s3");
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> jars = Files.list(dir)) {
            urls.add(code.toUri().toURL());
            for (Path jar : jars.filter(file -> file.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        } catch (IOException | RuntimeException missing) {
            urls.clear();
        }
        if (urls.size() < 2) {
            throw new InvalidSettingsException("the s3:// replica needs the AWS SDK jars in " + dir + " (missing)");
        }
        return new SdkFirst(urls.toArray(URL[]::new), parent);
    }

    /** Child-first for the SDK and the code linked against it, parent-first for everything else. */
    private static final class SdkFirst extends URLClassLoader {

        static {
            registerAsParallelCapable();
        }

        SdkFirst(URL[] urls, ClassLoader parent) {
            super("dirsync-s3", urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("dirsync.fs.s3.") && !name.startsWith("software.amazon.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    loaded = findClass(name);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }

        @Override
        public URL getResource(String name) {
            URL mine = name.startsWith("software/amazon/") ? findResource(name) : null;
            return mine != null ? mine : super.getResource(name);
        }
    }
}
