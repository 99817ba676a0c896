package bio.flow.pipelines;

import bio.flow.storage.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** Where the registry keeps pipeline files under the pipelines directory (FLOW_PIPELINES_DIR), and removing a folder of them. */
final class PipelineFiles {
    private PipelineFiles() {}

    /** {@code <pipelines dir>/git/}: Flow's pinned checkouts of git sources, one folder per version id. */
    static Path gitRoot(Path pipelinesDir) {
        return pipelinesDir.resolve("git");
    }

    /** {@code <pipelines dir>/shipped/}: the pipelines Flow ships, as extracted at start. */
    static Path shippedRoot(Path pipelinesDir) {
        return pipelinesDir.resolve("shipped");
    }

    /**
     * Removes the {@code .incoming-*} folders under {@code <pipelines dir>/git/} and {@code shipped/} that a server
     * stopped in the middle of a registration left behind. Only those older than {@code age}: another server sharing
     * the data directory may be filling a fresh one.
     */
    static void sweepAbandoned(Path pipelinesDir, Duration age) {
        Instant before = Instant.now().minus(age);
        for (Path root : List.of(gitRoot(pipelinesDir), shippedRoot(pipelinesDir))) {
            if (!Files.isDirectory(root)) continue;
            try (Stream<Path> s = Files.list(root)) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".incoming-")).toList()) {
                    if (Files.getLastModifiedTime(p).toInstant().isBefore(before)) deleteTree(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot look for abandoned checkouts in " + root, e);
            }
        }
    }

    /** Removes the folder and everything in it ({@link Trees#delete}); nothing when it is gone. */
    static void deleteTree(Path root) {
        try {
            Trees.delete(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }
}
