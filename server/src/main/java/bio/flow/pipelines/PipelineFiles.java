package bio.flow.pipelines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Where the registry keeps pipeline files under the data directory, and removing a folder of them. */
final class PipelineFiles {
    private PipelineFiles() {}

    /** {@code <data dir>/pipelines/git/}: Flow's pinned checkouts of git sources, one folder per version id. */
    static Path gitRoot(Path dataDir) {
        return dataDir.resolve("pipelines").resolve("git");
    }

    /** {@code <data dir>/pipelines/shipped/}: the pipelines Flow ships, as extracted at start. */
    static Path shippedRoot(Path dataDir) {
        return dataDir.resolve("pipelines").resolve("shipped");
    }

    /** Removes the folder and everything in it (symbolic links are removed, not followed); nothing when it is gone. */
    static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) throw e;
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            // nothing to remove
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }
}
