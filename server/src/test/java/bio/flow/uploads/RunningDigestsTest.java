package bio.flow.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RunningDigestsTest {
    /** The upload's part as the digests read it back: a file of three pieces of 1000 bytes. */
    private final byte[] part = new byte[3000];
    private final AtomicLong readBack = new AtomicLong();
    private final RunningDigests digests = new RunningDigests((upload, offset, length) -> {
        readBack.addAndGet(length);
        return new ByteArrayInputStream(part, (int) offset, (int) length);
    }, Duration.ofHours(1));
    private final UUID upload = UUID.randomUUID();
    private final byte[] file = new byte[3000];

    RunningDigestsTest() {
        new Random(5).nextBytes(file);
    }

    /** Writes piece {@code i} into the part, as the upload does, and records it when asked. */
    private void write(int i, boolean record) {
        try (RunningDigests.Piece piece = digests.writing(upload, i * 1000L)) {
            System.arraycopy(file, i * 1000, part, i * 1000, 1000);
            if (record) piece.recorded(1000);
        }
    }

    private static byte[] md5(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("MD5").digest(bytes);
    }

    @Test
    void piecesInOrderAreEachReadBackOnce() throws Exception {
        for (int i = 0; i < 3; i++) write(i, true);
        assertThat(digests.finish(upload, file.length)).isEqualTo(md5(file));
        assertThat(readBack).hasValue(3000);
    }

    @Test
    void aPieceAheadIsHashedOnceThoseBeforeItAreIn() throws Exception {
        write(0, true);
        write(2, true); // waits for piece 1
        write(1, true);
        assertThat(digests.finish(upload, file.length)).isEqualTo(md5(file));
        assertThat(readBack).hasValue(3000);
    }

    @Test
    void whatWasNotRecordedIsReadAtTheEnd() throws Exception {
        write(0, true);
        write(1, false); // failed, or wrote nothing
        write(2, true);
        assertThat(digests.finish(upload, file.length)).isEqualTo(md5(file));
        assertThat(readBack).hasValue(3000); // piece 0 in the background, then 1 and 2 at the end
    }

    @Test
    void theSameRangeWrittenTwiceAtOnceOrWrittenAgainGivesUpTheDigest() throws Exception {
        write(0, true);
        try (RunningDigests.Piece first = digests.writing(upload, 1000); RunningDigests.Piece again = digests.writing(upload, 1000)) {
            first.recorded(1000);
        }
        assertThat(digests.finish(upload, file.length)).isNull(); // the completion hashes the whole part

        UUID other = UUID.randomUUID();
        try (RunningDigests.Piece first = digests.writing(other, 0)) {
            first.recorded(1000);
        }
        try (RunningDigests.Piece late = digests.writing(other, 0)) {
            late.rewrote(); // a request that planned before the first was recorded, and wrote after it
        }
        assertThat(digests.finish(other, 1000)).isNull();
    }

    @Test
    void noDigestWithoutPiecesInThisProcessOrAfterTheUploadIsForgotten() throws Exception {
        assertThat(digests.finish(upload, file.length)).isNull(); // e.g. after a restart
        write(0, true);
        digests.forget(upload);
        assertThat(digests.finish(upload, file.length)).isNull();
    }

    @Test
    void aFileShorterThanWhatWasHashedIsNotTrusted() throws Exception {
        for (int i = 0; i < 3; i++) write(i, true);
        assertThat(digests.finish(upload, 2500)).isNull();
    }
}
