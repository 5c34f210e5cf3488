import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

/**
 * The benchmark's S3 server: S3Proxy (the tests' version, filesystem backend) on 127.0.0.1, as the tests start it.
 * Single-file program, run with the test class path ({@code mvn -q dependency:build-classpath}):
 *
 * <pre>
 * java -cp "$(cat cp.txt)" src/bench/S3ProxyMain.java DIR PORT BUCKET ACCESS_KEY SECRET_KEY
 * </pre>
 *
 * Makes {@code BUCKET} under {@code DIR}, prints "ready" once listening, and serves until killed.
 */
public final class S3ProxyMain {

    public static void main(String[] args) throws Exception {
        // Logback without a configuration logs everything (DEBUG) to the console: the server would spend its time there
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Path directory = Files.createDirectories(Path.of(args[0]));
        Files.createDirectories(directory.resolve(args[2]));
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", directory.toString());
        properties.setProperty("jclouds.identity", args[3]);
        properties.setProperty("jclouds.credential", args[4]);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(BlobStores.create("filesystem", properties))
                .endpoint(URI.create("http://127.0.0.1:" + args[1]))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, args[3], args[4])
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(20);
        }
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join();
    }
}
