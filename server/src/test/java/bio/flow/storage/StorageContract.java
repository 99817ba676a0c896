package bio.flow.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.testing.Parallel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
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
import org.junit.jupiter.api.Test;

/**
 * What every {@link Storage} does, run against each implementation ({@link LocalStorageTest}, {@link S3StorageTest}):
 * atomic writes and replaces, limits, ranges, parts written in pieces in any order and again, cut down and moved,
 * deletes that take a record's children, listing, health.
 */
abstract class StorageContract {
    static final int MiB = 1 << 20;

    abstract Storage storage();

    /** A write that failed or was refused left nothing behind (no temporary file, no multipart upload). */
    abstract void nothingLeftBehind() throws IOException;

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

    byte[] read(StorageKey key, long offset, long length) throws IOException {
        try (InputStream in = storage().read(key, offset, length)) {
            return in.readAllBytes();
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
        for (int size : new int[] {3 * MiB + 17, 20 * MiB + 3}) { // within one buffer, and past several (S3: a multipart upload)
            byte[] bytes = random(size, size);
            StorageKey key = StorageKey.of("data", 123);
            Storage.Stored stored = storage().write(key, new ByteArrayInputStream(bytes), bytes.length);

            assertThat(stored).isEqualTo(new Storage.Stored(bytes.length, md5(bytes)));
            assertThat(storage().size(key)).isEqualTo(bytes.length);
            assertThat(storage().exists(key)).isTrue();
            assertThat(read(key, 0, Long.MAX_VALUE)).isEqualTo(bytes);
            assertThat(storage().digest(key)).isEqualTo(stored);
        }
        nothingLeftBehind();

        Storage.Stored empty = storage().write(StorageKey.of("data", 1), InputStream.nullInputStream(), 0);
        assertThat(empty).isEqualTo(new Storage.Stored(0, "d41d8cd98f00b204e9800998ecf8427e"));
        assertThat(read(StorageKey.of("data", 1), 0, Long.MAX_VALUE)).isEmpty();
        assertThat(storage().size(StorageKey.of("data", 1))).isZero();
    }

    @Test
    void whileAWriteIsUnderWayReadersSeeNothingOrTheOldBytes() throws Exception {
        StorageKey fresh = StorageKey.of("data", 1);
        StorageKey replaced = StorageKey.of("data", 2);
        storage().write(replaced, new ByteArrayInputStream("old".getBytes()), 100);
        List<String> seen = new ArrayList<>();
        byte[] bytes = random(1000, 2);

        storage().write(fresh, watched(bytes, half -> {
            try {
                seen.add("exists=" + storage().exists(fresh));
                try (Stream<Storage.Entry> all = storage().list("data")) {
                    seen.add("listed=" + all.map(e -> e.key().toString()).sorted().toList());
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }), 1000);
        storage().write(replaced, watched(bytes, half -> {
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
        for (int limit : new int[] {2 * MiB, 17 * MiB}) {
            byte[] bytes = random(limit + 1, 3);
            assertThatThrownBy(() -> storage().write(key, new ByteArrayInputStream(bytes), limit))
                    .isInstanceOf(TooLargeException.class)
                    .satisfies(e -> assertThat(((TooLargeException) e).limit()).isEqualTo(limit));
            assertThat(storage().exists(key)).isFalse();
            nothingLeftBehind();
            // exactly the limit is fine
            assertThat(storage().write(key, new ByteArrayInputStream(bytes, 0, limit), limit).size()).isEqualTo(limit);
            storage().delete(key);
        }
    }

    @Test
    void aFailedWriteKeepsNothingAndLeavesTheOldBytes() throws Exception {
        StorageKey fresh = StorageKey.of("data", 6);
        StorageKey replaced = StorageKey.of("data", 7);
        storage().write(replaced, new ByteArrayInputStream("old".getBytes()), 100);
        for (byte[] bytes : List.of(random(MiB + 5, 4), random(9 * MiB + 5, 4))) {
            assertThatThrownBy(() -> storage().write(fresh, failingAfter(bytes), 100 * MiB)).hasMessage("connection reset");
            assertThatThrownBy(() -> storage().write(replaced, failingAfter(bytes), 100 * MiB)).hasMessage("connection reset");
            assertThat(storage().exists(fresh)).isFalse();
            assertThat(read(replaced, 0, 100)).isEqualTo("old".getBytes());
            nothingLeftBehind();
        }
    }

    @Test
    void rangesAtTheBoundaries() throws Exception {
        byte[] bytes = random(MiB + 10, 5);
        int n = bytes.length;
        StorageKey key = StorageKey.of("data", 8);
        storage().write(key, new ByteArrayInputStream(bytes), n);

        assertThat(read(key, 0, 0)).isEmpty();
        assertThat(read(key, 0, 1)).containsExactly(bytes[0]);
        assertThat(read(key, n - 1, 1)).containsExactly(bytes[n - 1]);
        assertThat(read(key, n - 1, 100)).containsExactly(bytes[n - 1]); // clipped at the end
        assertThat(read(key, n, 5)).isEmpty();
        assertThat(read(key, n, 0)).isEmpty();
        assertThat(read(key, 0, n)).isEqualTo(bytes);
        assertThat(read(key, MiB - 3, 7)).isEqualTo(Arrays.copyOfRange(bytes, MiB - 3, MiB + 4));
        assertThat(read(key, 10, Long.MAX_VALUE)).isEqualTo(Arrays.copyOfRange(bytes, 10, n));
        try (InputStream in = storage().read(key, 2, 4)) {
            assertThat(in.read()).isEqualTo(bytes[2] & 0xff);
            assertThat(in.skip(2)).isEqualTo(2);
            assertThat(in.read()).isEqualTo(bytes[5] & 0xff);
            assertThat(in.read()).isEqualTo(-1);
        }
        try (InputStream in = storage().read(key)) { // closed long before its end
            assertThat(in.readNBytes(10)).isEqualTo(Arrays.copyOf(bytes, 10));
        }

        assertThatThrownBy(() -> storage().read(key, n + 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage().read(key, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage().read(key, 0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage().read(StorageKey.of("data", 9), 0, 1)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> storage().read(StorageKey.of("data", 9), 0, 0)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> storage().size(StorageKey.of("data", 9))).isInstanceOf(NoSuchFileException.class);
        assertThat(storage().exists(StorageKey.of("data", 9))).isFalse();
    }

    @Test
    void aStreamOpenedBeforeADeleteKeepsReadingItsBytes() throws Exception {
        byte[] bytes = random(1000, 6);
        StorageKey key = StorageKey.of("data", 10);
        storage().write(key, new ByteArrayInputStream(bytes), 1000);
        try (InputStream in = storage().read(key)) {
            storage().delete(key);
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void concurrentWritesToDifferentKeysAllLand() throws Exception {
        List<Callable<Storage.Stored>> writes = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            byte[] bytes = random(MiB + i, 100 + i);
            StorageKey key = StorageKey.of("data", 1000 + i);
            writes.add(() -> storage().write(key, new ByteArrayInputStream(bytes), 2 * MiB));
        }
        List<Storage.Stored> stored = Parallel.run(writes);
        for (int i = 0; i < 16; i++) {
            byte[] bytes = random(MiB + i, 100 + i);
            assertThat(stored.get(i)).isEqualTo(new Storage.Stored(bytes.length, md5(bytes)));
            assertThat(storage().digest(StorageKey.of("data", 1000 + i))).isEqualTo(stored.get(i));
        }
        nothingLeftBehind();
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
            pieces.add(() -> storage().writeAt(part, from, new ByteArrayInputStream(bytes, from, to - from), 1000));
        }
        List<Long> written = Parallel.run(pieces); // and several at once
        assertThat(written.get(0)).isEqualTo(123);

        assertThat(storage().digest(part)).isEqualTo(new Storage.Stored(bytes.length, md5(bytes)));
        assertThat(storage().size(part)).isEqualTo(bytes.length);
        // ranges of the part, as the running md5 of an upload reads them: at a piece, across pieces, to the end
        assertThat(read(part, 2000, 1000)).isEqualTo(Arrays.copyOfRange(bytes, 2000, 3000));
        assertThat(read(part, 1500, 2000)).isEqualTo(Arrays.copyOfRange(bytes, 1500, 3500));
        assertThat(read(part, 4999, Long.MAX_VALUE)).isEqualTo(Arrays.copyOfRange(bytes, 4999, bytes.length));
        assertThat(read(part, bytes.length, 10)).isEmpty();
        assertThatThrownBy(() -> storage().read(part, bytes.length + 1, 1)).isInstanceOf(IllegalArgumentException.class);

        StorageKey data = StorageKey.of("data", 77);
        storage().write(data, new ByteArrayInputStream("replaced".getBytes()), 100);
        storage().move(part, data);
        assertThat(storage().exists(part)).isFalse();
        assertThat(read(data, 0, Long.MAX_VALUE)).isEqualTo(bytes);

        assertThatThrownBy(() -> storage().writeAt(part, 0, new ByteArrayInputStream(bytes), 1000))
                .isInstanceOf(TooLargeException.class);
        assertThatThrownBy(() -> storage().move(StorageKey.of("data", 404), data)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void largePiecesAndSmallOnesMakeOneFile() throws Exception {
        // pieces of 9 MiB (S3: copied inside the store at the move), of 1 MiB (read back and sent again), and a gap of zeros
        int[] sizes = {9 * MiB, MiB, MiB, 9 * MiB, 3 * MiB + 5};
        int total = Arrays.stream(sizes).sum() + 1000;
        byte[] bytes = random(total, 12);
        StorageKey part = StorageKey.of("uploads", UUID.randomUUID()).child("part");
        List<Callable<Long>> pieces = new ArrayList<>();
        int offset = 0;
        for (int i = 0; i < sizes.length; i++) {
            int from = offset + (i == sizes.length - 1 ? 1000 : 0); // a gap before the last piece
            int size = sizes[i];
            Arrays.fill(bytes, offset, from, (byte) 0);
            pieces.add(() -> storage().writeAt(part, from, new ByteArrayInputStream(bytes, from, size), size));
            offset = from + size;
        }
        java.util.Collections.reverse(pieces);
        Parallel.run(pieces);

        assertThat(storage().size(part)).isEqualTo(total);
        assertThat(read(part, 9 * MiB - 10, 2 * MiB)).isEqualTo(Arrays.copyOfRange(bytes, 9 * MiB - 10, 11 * MiB - 10));
        StorageKey data = StorageKey.of("data", 78);
        storage().move(part, data);
        assertThat(storage().digest(data)).isEqualTo(new Storage.Stored(total, md5(bytes)));
        assertThat(read(data, 20 * MiB - 7, 14)).isEqualTo(Arrays.copyOfRange(bytes, 20 * MiB - 7, 20 * MiB + 7));

        // A record moved back to a part (an interrupted completion), written to again, cut down and moved again.
        storage().move(data, part);
        byte[] tail = random(2 * MiB, 13);
        storage().writeAt(part, total, new ByteArrayInputStream(tail), tail.length);
        byte[] grown = Arrays.copyOf(bytes, total + tail.length);
        System.arraycopy(tail, 0, grown, total, tail.length);
        assertThat(storage().digest(part)).isEqualTo(new Storage.Stored(grown.length, md5(grown)));
        storage().truncate(part, total + MiB);
        storage().move(part, data);
        assertThat(storage().digest(data)).isEqualTo(new Storage.Stored(total + MiB, md5(Arrays.copyOf(grown, total + MiB))));
        nothingLeftBehind();
    }

    @Test
    void aPartIsCutDownToItsRecordedBytes() throws Exception {
        byte[] bytes = random(3000, 8);
        StorageKey part = StorageKey.of("uploads", UUID.randomUUID()).child("part");
        storage().writeAt(part, 0, new ByteArrayInputStream(bytes, 0, 1000), 1000);
        storage().writeAt(part, 1000, new ByteArrayInputStream(bytes, 1000, 2000), 2000);
        storage().truncate(part, 1200);
        assertThat(storage().digest(part)).isEqualTo(new Storage.Stored(1200, md5(Arrays.copyOf(bytes, 1200))));
        storage().truncate(part, 1000);
        assertThat(storage().digest(part)).isEqualTo(new Storage.Stored(1000, md5(Arrays.copyOf(bytes, 1000))));
        storage().truncate(part, 2000); // no longer than it is: nothing changes
        assertThat(storage().size(part)).isEqualTo(1000);
        StorageKey moved = StorageKey.of("uploads", UUID.randomUUID()).child("part");
        storage().move(part, moved); // written whole now (S3: one object, no pieces)
        storage().truncate(moved, 600);
        assertThat(storage().digest(moved)).isEqualTo(new Storage.Stored(600, md5(Arrays.copyOf(bytes, 600))));
        assertThatThrownBy(() -> storage().truncate(StorageKey.of("uploads", UUID.randomUUID()).child("part"), 0))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aRangeNoPieceWasWrittenToReadsAsZeros() throws Exception {
        StorageKey part = StorageKey.of("uploads", UUID.randomUUID()).child("part");
        storage().writeAt(part, 0, InputStream.nullInputStream(), 10); // an empty file's one piece
        assertThat(storage().exists(part)).isTrue();
        assertThat(storage().size(part)).isZero();
        storage().writeAt(part, 1000, new ByteArrayInputStream(new byte[] {1, 2, 3}), 10);
        byte[] expected = new byte[1003];
        expected[1000] = 1;
        expected[1001] = 2;
        expected[1002] = 3;
        assertThat(read(part, 0, Long.MAX_VALUE)).isEqualTo(expected);
        assertThat(read(part, 999, 2)).containsExactly(0, 1);
    }

    @Test
    void deleteIsIdempotentAndARecordTakesItsChildren() throws Exception {
        StorageKey data = StorageKey.of("data", 11);
        StorageKey neighbour = StorageKey.of("data", 110);
        StorageKey upload = StorageKey.of("uploads", UUID.randomUUID());
        storage().write(data, new ByteArrayInputStream(new byte[10]), 10);
        storage().write(neighbour, new ByteArrayInputStream(new byte[10]), 10);
        storage().write(upload.child("chunk-0"), new ByteArrayInputStream(new byte[10]), 10);
        storage().writeAt(upload.child("part"), 0, new ByteArrayInputStream(new byte[10]), 10);
        storage().writeAt(upload.child("part"), 10, new ByteArrayInputStream(new byte[10]), 10);

        assertThat(storage().delete(data)).isTrue();
        assertThat(storage().delete(data)).isFalse();
        assertThat(storage().exists(data)).isFalse();
        assertThat(storage().exists(neighbour)).isTrue();

        assertThat(storage().delete(upload.child("chunk-0"))).isTrue();
        assertThat(storage().exists(upload.child("part"))).isTrue();
        assertThat(storage().delete(upload)).isTrue(); // the record: its part goes too
        assertThat(storage().exists(upload.child("part"))).isFalse();
        assertThat(storage().delete(upload)).isFalse();
        assertThat(storage().delete(StorageKey.of("never", 1))).isFalse();
    }

    @Test
    void listingGivesEveryKeyOfAKindWithSizeAndTime() throws Exception {
        StorageKey upload = StorageKey.of("uploads", UUID.fromString("1b4e28ba-2fa1-11d2-883f-0016d3cca427"));
        for (long id = 1; id <= 20; id++) storage().write(StorageKey.of("data", id), new ByteArrayInputStream(new byte[(int) id]), 100);
        storage().write(upload.child("chunk-3"), new ByteArrayInputStream(new byte[3]), 100);
        storage().writeAt(upload.child("part"), 5, new ByteArrayInputStream(new byte[5]), 100);
        storage().writeAt(upload.child("part"), 0, new ByteArrayInputStream(new byte[5]), 100);

        Instant before = Instant.now().minusSeconds(60);
        try (Stream<Storage.Entry> data = storage().list("data")) {
            List<Storage.Entry> entries = data.toList();
            assertThat(entries).hasSize(20).allSatisfy(e -> {
                assertThat(e.size()).isEqualTo(Long.parseLong(e.key().id()));
                assertThat(e.modified()).isAfter(before);
            });
        }
        try (Stream<Storage.Entry> uploads = storage().list("uploads")) {
            assertThat(uploads.collect(Collectors.toMap(e -> e.key().toString(), Storage.Entry::size)))
                    .isEqualTo(Map.of(upload + "/chunk-3", 3L, upload + "/part", 10L));
        }
        try (Stream<Storage.Entry> none = storage().list("archives")) {
            assertThat(none).isEmpty();
        }
        assertThatThrownBy(() -> storage().list("..")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void healthAndFreeSpace() throws Exception {
        assertThat(storage().health().writable()).isTrue();
        // room left where the storage has a bound (each implementation's test says whether it has), the same in both
        assertThat(storage().health().availableBytes().isPresent()).isEqualTo(storage().freeBytes().isPresent());
        storage().freeBytes().ifPresent(free -> assertThat(free).isPositive());
        storage().health().availableBytes().ifPresent(free -> assertThat(free).isPositive());
    }

    @Test
    void aFileIsStoredWholeAndStaysWhereItIs() throws Exception {
        byte[] bytes = random(10 * MiB + 7, 11);
        Path dir = Files.createTempDirectory("flow-store-");
        try {
            Path file = Files.write(dir.resolve("published.bin"), bytes);
            StorageKey key = StorageKey.of("data", 501);
            assertThat(storage().store(key, file)).isEqualTo(new Storage.Stored(bytes.length, md5(bytes)));
            assertThat(read(key, 0, Long.MAX_VALUE)).isEqualTo(bytes);
            assertThat(file).exists();
        } finally {
            bio.flow.testing.TempDirs.delete(dir);
        }
    }
}
