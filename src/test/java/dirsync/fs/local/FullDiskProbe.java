package dirsync.fs.local;

import dirsync.fs.Cancellation;
import dirsync.fs.Md5;
import dirsync.fs.Progress;
import dirsync.fs.RelPath;
import dirsync.fs.Work;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * Run as a child JVM by {@link OutOfSpaceTest}, in the locale the test gives it. {@code copy SOURCE REPLICA}: copies
 * SOURCE's file "big" into REPLICA (a full disk) and prints the class of the failure, then its reason.
 * {@code words TEXT}: prints whether a failure with the reason TEXT is told as a lack of space.
 */
public final class FullDiskProbe {

    private FullDiskProbe() {
    }

    public static void main(String[] args) throws IOException {
        if (args[0].equals("words")) {
            System.out.println(SpaceErrors.platform().lackOfSpace(new FileSystemException("f", null, args[1])));
            return;
        }
        LocalTree source = LocalTree.at(Path.of(args[1]));
        RelPath big = RelPath.of("big");
        try {
            LocalTree.at(Path.of(args[2])).installFile(source, big, source.examine(big), null,
                    new Work(Cancellation.NEVER, new Md5(), new Progress()));
            System.out.println("installed");
        } catch (IOException e) {
            System.out.println(e.getClass().getName());
            System.out.println(e instanceof FileSystemException fse ? fse.getReason() : e.getMessage());
        }
    }
}
