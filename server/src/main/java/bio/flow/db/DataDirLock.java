package bio.flow.db;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a data directory, held for as long as the server runs. Two Flow servers on one data
 * directory would corrupt each other's database and files, so the second one refuses to start.
 * The operating system releases the lock when the process dies, however it dies.
 */
public final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static DataDirLock acquire(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            FileChannel channel = FileChannel.open(dataDir.resolve("flow.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new AlreadyInUseException(dataDir);
            }
            return new DataDirLock(channel, lock);
        } catch (IOException e) {
            throw new IllegalStateException("cannot lock data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the process is stopping; the OS drops the lock anyway
        }
    }

    public static final class AlreadyInUseException extends RuntimeException {
        public AlreadyInUseException(Path dataDir) {
            super("another Flow server is already running on data directory " + dataDir
                    + " (stop it, or give this one its own FLOW_DATA_DIR)");
        }
    }
}
