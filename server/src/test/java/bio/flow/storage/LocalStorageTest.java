package bio.flow.storage;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.TempDirs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** LocalStorage on a temporary folder: the storage contract, and its layout, modes, temporary files and links. */
class LocalStorageTest extends StorageContract {
    private final Path dir;
    private final Path root;
    private final LocalStorage storage;

    LocalStorageTest() throws IOException {
        dir = Files.createTempDirectory("flow-storage-");
        root = dir.resolve("files");
        storage = new LocalStorage(root);
    }

    @Override
    Storage storage() {
        return storage;
    }

    @Override
    void nothingLeftBehind() throws IOException {
        assertThat(temporaryFiles()).isEmpty();
    }

    @AfterEach
    void clean() {
        TempDirs.delete(dir);
    }

    List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve(".tmp"))) {
            return files.toList();
        }
    }

    @Test
    void theLayoutIsTheOneTheReadmeDocuments() throws Exception {
        storage.write(StorageKey.of("data", 123), new ByteArrayInputStream(new byte[3]), 3);
        assertThat(root.resolve("data/c0/15/123")).isRegularFile(); // <kind>/<shard>/<id>
        StorageKey upload = StorageKey.of("uploads", UUID.fromString("1b4e28ba-2fa1-11d2-883f-0016d3cca427"));
        storage.writeAt(upload.child("part"), 5, new ByteArrayInputStream(new byte[5]), 100);
        assertThat(root.resolve("uploads/ba/f6/" + upload.id() + ".d/part")).isRegularFile();
    }

    @Test
    void whatFlowDidNotWriteIsNotListed() throws Exception {
        storage.write(StorageKey.of("data", 1), new ByteArrayInputStream(new byte[1]), 1);
        Files.writeString(root.resolve("data/stray"), "x");
        Files.createDirectories(root.resolve("data/c0/15/123.d"));
        Files.writeString(root.resolve("data/c0/15/123.d/Bad.Name"), "x");
        Files.writeString(root.resolve("data/c0/15/99"), "x"); // 99 is not in this shard
        try (Stream<Storage.Entry> data = storage.list("data")) {
            assertThat(data.map(e -> e.key().toString())).containsExactly("data/1");
        }
    }

    @Test
    void everythingStoredIsOwnerOnly() throws Exception {
        StorageKey upload = StorageKey.of("uploads", UUID.randomUUID());
        storage.write(StorageKey.of("data", 12), new ByteArrayInputStream(new byte[1]), 1);
        storage.writeAt(upload.child("part"), 0, new ByteArrayInputStream(new byte[1]), 1);
        storage.move(upload.child("part"), StorageKey.of("data", 13));
        storage.write(upload.child("chunk-1"), new ByteArrayInputStream(new byte[1]), 1);
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                assertThat(mode).as(root.relativize(p).toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
            }
        }
    }

    @Test
    void abandonedWritesAreRemovedOnceOld() throws Exception {
        Path old = Files.writeString(root.resolve(".tmp/crashed.tmp"), "half");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path recent = Files.writeString(root.resolve(".tmp/live.tmp"), "half");

        assertThat(storage.removeAbandonedWrites(Duration.ofHours(1))).isEqualTo(1);
        assertThat(old).doesNotExist();
        assertThat(recent).exists();
    }

    @Test
    void healthLeavesNoProbeBehind() throws Exception {
        assertThat(storage.health().writable()).isTrue();
        assertThat(storage.health().availableBytes()).as("a disk's room is known").isPresent();
        assertThat(storage.freeBytes()).isPresent();
        assertThat(temporaryFiles()).isEmpty();
    }

    @Test
    void storingAFileLinksItOnTheSameFileSystemAndTheInterfaceCopiesIt() throws Exception {
        byte[] bytes = random(3 * MiB + 7, 11);
        Path file = Files.write(dir.resolve("published.bin"), bytes);
        Path link = Files.createSymbolicLink(dir.resolve("published-link"), file);
        StorageKey linked = StorageKey.of("data", 501);
        assertThat(storage.store(linked, link)).isEqualTo(new Storage.Stored(bytes.length, md5(bytes)));
        Path stored = storage.localPath(linked).orElseThrow();
        assertThat(Files.isSameFile(stored, file)).as("a hard link to the link's target, not a copy").isTrue();
        assertThat(Files.isSymbolicLink(stored)).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stored))).isEqualTo("rw-------");
        assertThat(storage.localPath(StorageKey.of("data", 502))).isEmpty();

        // What a storage without local files does (its default): a copy through write().
        Storage plain = (Storage) java.lang.reflect.Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                (proxy, method, args) -> method.isDefault() ? java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args)
                        : method.invoke(storage, args));
        StorageKey copied = StorageKey.of("data", 503);
        assertThat(plain.store(copied, file)).isEqualTo(new Storage.Stored(bytes.length, md5(bytes)));
        assertThat(Files.isSameFile(storage.localPath(copied).orElseThrow(), file)).isFalse();
        assertThat(Files.readAllBytes(storage.localPath(copied).orElseThrow())).isEqualTo(bytes);
        assertThat(temporaryFiles()).isEmpty();
    }
}
