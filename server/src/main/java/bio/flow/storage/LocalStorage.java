package bio.flow.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files under {@code <data dir>/files}, a folder only Flow's OS user may enter. */
public final class LocalStorage implements Storage {
    private final Path root;

    public LocalStorage(Path root) {
        this.root = root;
        try {
            PrivateFiles.folder(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create storage folder " + root, e);
        }
    }

    @Override
    public Health health() {
        try {
            Path probe = Files.createTempFile(root, ".health", ".tmp");
            Files.delete(probe);
            return new Health(true, Files.getFileStore(root).getUsableSpace());
        } catch (IOException e) {
            long free = root.toFile().getUsableSpace();
            return new Health(false, free);
        }
    }
}
