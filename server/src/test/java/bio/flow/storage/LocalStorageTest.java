package bio.flow.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.testing.Parallel;
import bio.flow.testing.TempDirs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** LocalStorage on a temporary folder: atomic writes, limits, ranges, parts, listing, modes. */
class LocalStorageTest {
    private static final int MiB = 1 << 20;

    private final Path dir;
    private final Path root;
    private final LocalStorage storage;

    LocalStorageTest() throws IOException {
        dir = Files.createTempDirectory("flow-storage-");
        root = dir.resolve("files");
        storage = new LocalStorage(root);
    }

    @AfterEach
    void clean() {
        TempDirs.delete(dir);
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

    byte[] read(StorageKey key, long offset, long length) throws IOException {
        try (InputStream in = storage.read(key, offset, length)) {
            return in.readAllBytes();
        }
    }

    List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve(".tmp"))) {
            return files.toList();
        }
    }

    /** A stream of these bytes that calls {@code during} once, after handing out the first half. */
    static InputStream watched(byte[] bytes, Consumer<Integer> during) {
        return new InputStream() {
            int next;
            boolean called;

            @Override
            public int read() {
                if (next == bytes.length / 2 && !called) {
                    called = true;
                    during.accept(next);
                }
                return next < bytes.length ? bytes[next++] & 0xff : -1;
            }
        };
    }

    /** A stream that fails after some bytes, like a client whose connection drops. */
    static InputStream failingAfter(byte[] bytes) {
        return new InputStream() {
            int next;

            @Override
            public int read() throws IOException {
                if (next == bytes.length) throw new IOException("connection reset");
                return bytes[next++] & 0xff;
            }
        };
    }

    @Test
    void aWriteStoresTheBytesAndAnswersTheirSizeAndMd5() throws Exception {
        byte[] bytes = random(3 * MiB + 17, 1); // crosses the copy buffer's boundaries
        StorageKey key = StorageKey.of("data", 123);
        Storage.Stored stored = storage.write(key, new ByteArrayInputStream(bytes), bytes.length);

        assertThat(stored).isEqualTo(new Storage.Stored(bytes.length, md5(bytes)));
        assertThat(storage.size(key)).isEqualTo(bytes.length);
        assertThat(storage.exists(key)).isTrue();
        assertThat(read(key, 0, Long.MAX_VALUE)).isEqualTo(bytes);
        assertThat(storage.digest(key)).isEqualTo(stored);
        // the layout the README documents: <kind>/<shard>/<id>
        assertThat(root.resolve("data/c0/15/123")).isRegularFile();
        assertThat(temporaryFiles()).isEmpty();

        Storage.Stored empty = storage.write(StorageKey.of("data", 1), InputStream.nullInputStream(), 0);
        assertThat(empty).isEqualTo(new Storage.Stored(0, "d41d8cd98f00b204e9800998ecf8427e"));
    }

    @Test
    void whileAWriteIsUnderWayReadersSeeNothingOrTheOldBytes() throws Exception {
        StorageKey fresh = StorageKey.of("data", 1);
        StorageKey replaced = StorageKey.of("data", 2);
        storage.write(replaced, new ByteArrayInputStream("old".getBytes()), 100);
        List<String> seen = new ArrayList<>();
        byte[] bytes = random(1000, 2);

        storage.write(fresh, watched(bytes, half -> {
            try {
                seen.add("exists=" + storage.exists(fresh));
                try (Stream<Storage.Entry> all = storage.list("data")) {
                    seen.add("listed=" + all.map(e -> e.key().toString()).sorted().toList());
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }), 1000);
        storage.write(replaced, watched(bytes, half -> {
            try {
                seen.add("old=" + new String(read(replaced, 0, 100)));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }), 1000);

        assertThat(seen).containsExactly("exists=false", "listed=[data/2]", "old=old");
        assertThat(read(fresh, 0, 1000)).isEqualTo(bytes);
        assertThat(read(replaced, 0, 1000)).isEqualTo(bytes);
    }

    @Test
    void aWriteOverItsLimitKeepsNothing() throws Exception {
        StorageKey key = StorageKey.of("data", 5);
        byte[] bytes = random(2 * MiB + 1, 3);
        assertThatThrownBy(() -> storage.write(key, new ByteArrayInputStream(bytes), 2 * MiB))
                .isInstanceOf(TooLargeException.class)
                .satisfies(e -> assertThat(((TooLargeException) e).limit()).isEqualTo(2 * MiB));
        assertThat(storage.exists(key)).isFalse();
        assertThat(temporaryFiles()).isEmpty();

        // exactly the limit is fine
        assertThat(storage.write(key, new ByteArrayInputStream(bytes, 0, 2 * MiB), 2 * MiB).size()).isEqualTo(2 * MiB);
    }

    @Test
    void aFailedWriteKeepsNothingAndLeavesTheOldBytes() throws Exception {
        StorageKey fresh = StorageKey.of("data", 6);
        StorageKey replaced = StorageKey.of("data", 7);
        storage.write(replaced, new ByteArrayInputStream("old".getBytes()), 100);
        byte[] bytes = random(MiB + 5, 4);

        assertThatThrownBy(() -> storage.write(fresh, failingAfter(bytes), 10 * MiB)).hasMessage("connection reset");
        assertThatThrownBy(() -> storage.write(replaced, failingAfter(bytes), 10 * MiB)).hasMessage("connection reset");

        assertThat(storage.exists(fresh)).isFalse();
        assertThat(read(replaced, 0, 100)).isEqualTo("old".getBytes());
        assertThat(temporaryFiles()).isEmpty();
    }

    @Test
    void rangesAtTheBoundaries() throws Exception {
        byte[] bytes = random(MiB + 10, 5);
        int n = bytes.length;
        StorageKey key = StorageKey.of("data", 8);
        storage.write(key, new ByteArrayInputStream(bytes), n);

        assertThat(read(key, 0, 0)).isEmpty();
        assertThat(read(key, 0, 1)).containsExactly(bytes[0]);
        assertThat(read(key, n - 1, 1)).containsExactly(bytes[n - 1]);
        assertThat(read(key, n - 1, 100)).containsExactly(bytes[n - 1]); // clipped at the end
        assertThat(read(key, n, 5)).isEmpty();
        assertThat(read(key, 0, n)).isEqualTo(bytes);
        assertThat(read(key, MiB - 3, 7)).isEqualTo(Arrays.copyOfRange(bytes, MiB - 3, MiB + 4));
        assertThat(read(key, 10, Long.MAX_VALUE)).isEqualTo(Arrays.copyOfRange(bytes, 10, n));
        try (InputStream in = storage.read(key, 2, 4)) {
            assertThat(in.read()).isEqualTo(bytes[2] & 0xff);
            assertThat(in.skip(2)).isEqualTo(2);
            assertThat(in.read()).isEqualTo(bytes[5] & 0xff);
            assertThat(in.read()).isEqualTo(-1);
        }

        assertThatThrownBy(() -> storage.read(key, n + 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.read(key, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.read(key, 0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.read(StorageKey.of("data", 9), 0, 1)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> storage.size(StorageKey.of("data", 9))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aStreamOpenedBeforeADeleteKeepsReadingItsBytes() throws Exception {
        byte[] bytes = random(1000, 6);
        StorageKey key = StorageKey.of("data", 10);
        storage.write(key, new ByteArrayInputStream(bytes), 1000);
        try (InputStream in = storage.read(key)) {
            storage.delete(key);
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void concurrentWritesToDifferentKeysAllLand() throws Exception {
        List<Callable<Storage.Stored>> writes = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            byte[] bytes = random(MiB + i, 100 + i);
            StorageKey key = StorageKey.of("data", 1000 + i);
            writes.add(() -> storage.write(key, new ByteArrayInputStream(bytes), 2 * MiB));
        }
        List<Storage.Stored> stored = Parallel.run(writes);
        for (int i = 0; i < 16; i++) {
            byte[] bytes = random(MiB + i, 100 + i);
            assertThat(stored.get(i)).isEqualTo(new Storage.Stored(bytes.length, md5(bytes)));
            assertThat(storage.digest(StorageKey.of("data", 1000 + i))).isEqualTo(stored.get(i));
        }
        assertThat(temporaryFiles()).isEmpty();
    }

    @Test
    void piecesWrittenAtTheirOffsetsInAnyOrderAndAgainMakeTheFile() throws Exception {
        byte[] bytes = random(5 * 1000 + 123, 7); // five pieces of 1000 and a last one of 123
        StorageKey upload = StorageKey.of("uploads", UUID.randomUUID());
        StorageKey part = upload.child("part");
        List<Integer> order = List.of(5, 2, 0, 2, 4, 1, 3, 5); // out of order, with retries
        List<Callable<Long>> pieces = new ArrayList<>();
        for (int chunk : order) {
            int from = chunk * 1000;
            int to = Math.min(bytes.length, from + 1000);
            pieces.add(() -> storage.writeAt(part, from, new ByteArrayInputStream(bytes, from, to - from), 1000));
        }
        List<Long> written = Parallel.run(pieces); // and several at once
        assertThat(written.get(0)).isEqualTo(123);

        assertThat(storage.digest(part)).isEqualTo(new Storage.Stored(bytes.length, md5(bytes)));
        StorageKey data = StorageKey.of("data", 77);
        storage.move(part, data);
        assertThat(storage.exists(part)).isFalse();
        assertThat(read(data, 0, Long.MAX_VALUE)).isEqualTo(bytes);

        assertThatThrownBy(() -> storage.writeAt(part, 0, new ByteArrayInputStream(bytes), 1000))
                .isInstanceOf(TooLargeException.class);
        assertThatThrownBy(() -> storage.move(StorageKey.of("data", 404), data)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aPartIsCutDownToItsRecordedBytes() throws Exception {
        byte[] bytes = random(3000, 8);
        StorageKey part = StorageKey.of("uploads", UUID.randomUUID()).child("part");
        storage.writeAt(part, 0, new ByteArrayInputStream(bytes), bytes.length);
        storage.truncate(part, 1200);
        assertThat(storage.digest(part)).isEqualTo(new Storage.Stored(1200, md5(Arrays.copyOf(bytes, 1200))));
        assertThatThrownBy(() -> storage.truncate(StorageKey.of("uploads", UUID.randomUUID()).child("part"), 0))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void deleteIsIdempotentAndARecordTakesItsChildren() throws Exception {
        StorageKey data = StorageKey.of("data", 11);
        StorageKey upload = StorageKey.of("uploads", UUID.randomUUID());
        storage.write(data, new ByteArrayInputStream(new byte[10]), 10);
        storage.write(upload.child("chunk-0"), new ByteArrayInputStream(new byte[10]), 10);
        storage.writeAt(upload.child("part"), 0, new ByteArrayInputStream(new byte[10]), 10);

        assertThat(storage.delete(data)).isTrue();
        assertThat(storage.delete(data)).isFalse();
        assertThat(storage.exists(data)).isFalse();

        assertThat(storage.delete(upload.child("chunk-0"))).isTrue();
        assertThat(storage.exists(upload.child("part"))).isTrue();
        assertThat(storage.delete(upload)).isTrue(); // the record: its part goes too
        assertThat(storage.exists(upload.child("part"))).isFalse();
        assertThat(storage.delete(upload)).isFalse();
        assertThat(storage.delete(StorageKey.of("never", 1))).isFalse();
    }

    @Test
    void listingGivesEveryKeyOfAKindWithSizeAndTime() throws Exception {
        StorageKey upload = StorageKey.of("uploads", UUID.fromString("1b4e28ba-2fa1-11d2-883f-0016d3cca427"));
        for (long id = 1; id <= 20; id++) storage.write(StorageKey.of("data", id), new ByteArrayInputStream(new byte[(int) id]), 100);
        storage.write(upload.child("chunk-3"), new ByteArrayInputStream(new byte[3]), 100);
        storage.writeAt(upload.child("part"), 5, new ByteArrayInputStream(new byte[5]), 100);
        // what Flow did not write is not a key
        Files.writeString(root.resolve("data/stray"), "x");
        Files.createDirectories(root.resolve("data/c0/15/123.d"));
        Files.writeString(root.resolve("data/c0/15/123.d/Bad.Name"), "x");
        Files.writeString(root.resolve("data/c0/15/99"), "x"); // 99 is not in this shard

        Instant before = Instant.now().minusSeconds(60);
        try (Stream<Storage.Entry> data = storage.list("data")) {
            List<Storage.Entry> entries = data.toList();
            assertThat(entries).hasSize(20).allSatisfy(e -> {
                assertThat(e.size()).isEqualTo(Long.parseLong(e.key().id()));
                assertThat(e.modified()).isAfter(before);
            });
        }
        try (Stream<Storage.Entry> uploads = storage.list("uploads")) {
            assertThat(uploads.collect(Collectors.toMap(e -> e.key().toString(), Storage.Entry::size)))
                    .isEqualTo(Map.of(upload + "/chunk-3", 3L, upload + "/part", 10L));
        }
        assertThat(root.resolve("uploads/ba/f6/" + upload.id() + ".d/part")).isRegularFile();
        try (Stream<Storage.Entry> none = storage.list("archives")) {
            assertThat(none).isEmpty();
        }
        assertThatThrownBy(() -> storage.list("..")).isInstanceOf(IllegalArgumentException.class);
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
    void healthAndFreeSpace() throws Exception {
        assertThat(storage.freeBytes()).isPositive();
        assertThat(storage.health().writable()).isTrue();
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
