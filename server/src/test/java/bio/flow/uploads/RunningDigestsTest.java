package bio.flow.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RunningDigestsTest {
    private final RunningDigests digests = new RunningDigests(Duration.ofHours(1));
    private final byte[] file = new byte[3000];
    private final UUID upload = UUID.randomUUID();
    /** How many bytes the completion read back from the part. */
    private final AtomicLong readBack = new AtomicLong();

    RunningDigestsTest() {
        new Random(5).nextBytes(file);
    }

    /** Writes piece {@code i} (1000 bytes) through the digests, as the upload does, and records it when asked. */
    private void write(int i, boolean record) throws IOException {
        try (RunningDigests.Piece piece = digests.writing(upload, i * 1000L)) {
            piece.through(new ByteArrayInputStream(file, i * 1000, 1000)).readAllBytes();
            if (record) piece.recorded(1000);
        }
    }

    private byte[] finish() throws IOException {
        return digests.finish(upload, file.length, (offset, length) -> {
            readBack.addAndGet(length);
            return new ByteArrayInputStream(file, (int) offset, (int) length);
        });
    }

    private static byte[] md5(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("MD5").digest(bytes);
    }

    @Test
    void piecesInOrderNeedNothingReadBack() throws Exception {
        for (int i = 0; i < 3; i++) write(i, true);
        assertThat(finish()).isEqualTo(md5(file));
        assertThat(readBack).hasValue(0);
    }

    @Test
    void piecesOutOfOrderAreReadBackFromWhereThePrefixEnds() throws Exception {
        write(0, true);
        write(2, true); // ahead of the prefix: written unhashed
        write(1, true); // extends the prefix to 2000
        assertThat(finish()).isEqualTo(md5(file));
        assertThat(readBack).hasValue(1000);
    }

    @Test
    void aPieceNotRecordedLeavesThePrefixWhereItWas() throws Exception {
        write(0, true);
        write(1, false); // failed, or a repeat another request recorded
        write(2, true);
        assertThat(finish()).isEqualTo(md5(file));
        assertThat(readBack).hasValue(2000);
    }

    @Test
    void theSameRangeWrittenTwiceAtOnceGivesUpThePrefix() throws Exception {
        write(0, true);
        try (RunningDigests.Piece first = digests.writing(upload, 1000); RunningDigests.Piece again = digests.writing(upload, 1000)) {
            first.through(new ByteArrayInputStream(file, 1000, 1000)).readAllBytes();
            again.through(new ByteArrayInputStream(new byte[1000])).readAllBytes(); // other bytes: which won is unknown
            first.recorded(1000);
        }
        write(2, true);
        assertThat(finish()).isNull(); // the completion hashes the whole part
    }

    @Test
    void noPrefixWithoutPiecesInThisProcessOrAfterTheUploadIsForgotten() throws Exception {
        assertThat(finish()).isNull(); // e.g. after a restart
        write(0, true);
        digests.forget(upload);
        assertThat(finish()).isNull();
    }

    @Test
    void aPartShorterThanThePrefixSaysIsNotTrusted() throws Exception {
        for (int i = 0; i < 3; i++) write(i, true);
        byte[] shorter = Arrays.copyOf(file, 2500);
        InputStream[] none = {null};
        assertThat(digests.finish(upload, shorter.length, (offset, length) -> none[0])).isNull();
    }
}
