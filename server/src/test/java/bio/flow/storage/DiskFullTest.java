package bio.flow.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.testing.TempDirs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * LocalStorage on a real, really full file system: a 4 MiB tmpfs that the test mounts. Mounting needs root (as
 * in CI's container); elsewhere the test is skipped with a message saying so.
 */
class DiskFullTest {
    private static final int MiB = 1 << 20;

    private final Path mount;

    DiskFullTest() throws IOException {
        mount = Files.createTempDirectory("flow-full-");
    }

    @AfterEach
    void unmount() throws Exception {
        new ProcessBuilder("umount", mount.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(); // not mounted when skipped
        TempDirs.delete(mount);
    }

    private void mountSmallFileSystem() throws Exception {
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        Assumptions.assumeTrue(p.waitFor() == 0, "skipped: cannot mount a small tmpfs to fill up (needs root): " + output.strip());
    }

    static InputStream random(long size) {
        Random random = new Random(size);
        return new InputStream() {
            long left = size;

            @Override
            public int read() {
                return left-- > 0 ? random.nextInt(256) : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) return -1;
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) b[off + i] = (byte) random.nextInt(256);
                left -= n;
                return n;
            }
        };
    }

    long used(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void aWriteThatFillsTheDiskFailsCleanlyAndKeepsNothing() throws Exception {
        mountSmallFileSystem();
        Path root = mount.resolve("files");
        LocalStorage storage = new LocalStorage(root);
        long free = storage.freeBytes().getAsLong();
        StorageKey kept = StorageKey.of("data", 1);
        storage.write(kept, new ByteArrayInputStream("kept".getBytes()), 100);

        StorageKey big = StorageKey.of("data", 2);
        assertThatThrownBy(() -> storage.write(big, random(8L * MiB), 100L * MiB))
                .isInstanceOf(StorageFullException.class);
        assertThat(storage.exists(big)).isFalse();
        assertThat(used(root)).isEqualTo(4); // only "kept": no temporary file, nothing half-written
        assertThat(storage.freeBytes().getAsLong()).isGreaterThan(free - MiB); // the room is given back

        // replacing a key when the disk fills keeps its old bytes
        assertThatThrownBy(() -> storage.write(kept, random(8L * MiB), 100L * MiB)).isInstanceOf(StorageFullException.class);
        try (InputStream in = storage.read(kept)) {
            assertThat(in.readAllBytes()).isEqualTo("kept".getBytes());
        }

        // a part that meets a full disk says so too; its unfinished bytes go with its upload
        StorageKey upload = StorageKey.of("uploads", UUID.randomUUID());
        assertThatThrownBy(() -> storage.writeAt(upload.child("part"), 0, random(8L * MiB), 100L * MiB))
                .isInstanceOf(StorageFullException.class);
        storage.delete(upload);
        assertThat(used(root)).isEqualTo(4);

        // and afterwards writes that fit work again
        assertThat(storage.write(StorageKey.of("data", 3), random(MiB), MiB).size()).isEqualTo(MiB);
    }
}
