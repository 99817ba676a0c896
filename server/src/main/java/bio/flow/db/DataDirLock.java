package bio.flow.db;

import bio.flow.storage.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * An exclusive lock on a data directory, held for as long as the server runs. Two Flow servers on one data
 * directory would corrupt each other's database and files, so the second one refuses to start.
 * The operating system releases the lock when the process dies, however it dies.
 * Taking the lock also makes the data directory readable by Flow's OS user only (0700), also one that an
 * older Flow or the operator created with looser modes: the database, secrets and mails are inside.
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
            PrivateFiles.folder(dataDir);
            Path lockFile = dataDir.resolve("flow.lock");
            FileChannel channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PrivateFiles.attributes(PrivateFiles.FILE));
            PrivateFiles.restrict(lockFile, PrivateFiles.FILE);
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
