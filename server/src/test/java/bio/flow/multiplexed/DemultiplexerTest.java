package bio.flow.multiplexed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.multiplexed.Demultiplexer.Barcode;
import bio.flow.multiplexed.Demultiplexer.MalformedFastq;
import bio.flow.multiplexed.Demultiplexer.Position;
import bio.flow.multiplexed.Demultiplexer.Result;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Unit tests of {@link Demultiplexer}, plain Java: the upload that feeds it is tested over HTTP with the multiplexed
 * uploads; here every rule of matching, trimming and checking is taken one at a time on FASTQ written by hand.
 */
class DemultiplexerTest {

    /** The outputs of a run, by "key/read" ("-/1" for undetermined), gunzipped; and whether each was closed. */
    private static final class Collected implements Demultiplexer.Outputs {
        final Map<String, ByteArrayOutputStream> files = new LinkedHashMap<>();
        final Map<String, Boolean> closed = new LinkedHashMap<>();

        @Override
        public OutputStream open(String key, int read) {
            String id = (key == null ? "-" : key) + "/" + read;
            assertThat(files).as("each output opened once").doesNotContainKey(id);
            ByteArrayOutputStream out = new ByteArrayOutputStream() {
                @Override
                public void close() {
                    closed.put(id, true);
                }
            };
            files.put(id, out);
            closed.put(id, false);
            return out;
        }

        String text(String id) throws IOException {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(files.get(id).toByteArray()))) {
                return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
        }
    }

    private static String record(String header, String seq) {
        return header + "\n" + seq + "\n+\n" + "I".repeat(seq.length()) + "\n";
    }

    private static InputStream plain(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static InputStream gzip(String s) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(s.getBytes(StandardCharsets.US_ASCII));
        }
        return new ByteArrayInputStream(b.toByteArray());
    }

    private static Barcode index(String key, String pattern) {
        return new Barcode(key, pattern, Position.INDEX);
    }

    private static Barcode inline(String key, String pattern) {
        return new Barcode(key, pattern, Position.INLINE);
    }

    @Test
    void singleEndReadsGoToTheirIndexWithOneMismatchAndTheRestIsUndeterminedUnchanged() throws IOException {
        String exact = record("@r1 1:N:0:ACGTACGT", "ACGTTTGCA");
        String oneOff = record("@r2 1:N:0:ACGTACGA", "GGGGCCCC");
        String b = record("@r3 1:N:0:TTTTGGGG", "AAAACCCC");
        String lower = record("@r4 1:N:0:ttttgggg", "AAAACCCA");
        String none = record("@r5 1:N:0:CCCCCCCC", "ACACACAC");
        String noIndex = record("@r6", "ACACACAC");
        Collected out = new Collected();
        Result result = Demultiplexer.run(gzip(exact + oneOff + b + lower + none + noIndex), null,
                List.of(index("A", "ACGTACGT"), index("B", "TTTTGGGG"), index("C", "GATCGATC")), 1, out);

        assertThat(result.reads()).containsExactly(Map.entry("A", 2L), Map.entry("B", 2L), Map.entry("C", 0L));
        assertThat(result.undetermined()).isEqualTo(2);
        assertThat(result.total()).isEqualTo(6);
        assertThat(out.text("A/1")).isEqualTo(exact + oneOff);
        assertThat(out.text("B/1")).isEqualTo(b + lower);
        assertThat(out.text("-/1")).isEqualTo(none + noIndex);
        assertThat(out.files).doesNotContainKey("C/1");
        assertThat(out.closed.values()).containsOnly(true);
    }

    @Test
    void dualIndexesMatchBothPartsAndAPatternWithoutTheSecondComparesTheFirstOnly() throws IOException {
        String both = record("@r1 1:N:0:AAAACCCC+GGGGTTTT", "ACGT");
        String otherSecond = record("@r2 1:N:0:AAAACCCC+CCCCAAAA", "ACGT");
        String single = record("@r3 2:N:0:TTTTAAAA+CCCCAAAA", "ACGT");
        Collected out = new Collected();
        Result result = Demultiplexer.run(plain(both + otherSecond + single), null,
                List.of(index("dual", "AAAACCCC+GGGGTTTT"), index("i7", "TTTTAAAA")), 1, out);

        assertThat(result.reads()).containsExactly(Map.entry("dual", 1L), Map.entry("i7", 1L));
        assertThat(out.text("dual/1")).isEqualTo(both);
        assertThat(out.text("i7/1")).isEqualTo(single);
        assertThat(out.text("-/1")).isEqualTo(otherSecond);
    }

    @Test
    void inlineBarcodesAreTrimmedFromRead1AndTheirUmiJoinsBothNames() throws IOException {
        // NNN CCGG NN: a three-base UMI, the barcode, two more UMI bases; then the insert
        String r1 = "@pair1/1 extra\nATGCCGGTAINSERTONE\n+\nABCDEFGHIJKLMNOPQR\n";
        String r2 = "@pair1/2 extra\nMATEREAD\n+\nIIIIIIII\n";
        String u1 = record("@pair2/1", "GGGTTTTAAXYZ"); // no barcode: undetermined, untouched
        String u2 = record("@pair2/2", "MATE");
        Collected out = new Collected();
        Result result = Demultiplexer.run(plain(r1 + u1), gzip(r2 + u2), List.of(inline("s1", "NNNCCGGNN"), inline("s2", "NNNAAAANN")), 1, out);

        assertThat(result.reads()).containsExactly(Map.entry("s1", 1L), Map.entry("s2", 0L));
        assertThat(result.undetermined()).isEqualTo(1);
        assertThat(out.text("s1/1")).isEqualTo("@pair1/1_ATGTA extra\nINSERTONE\n+\nJKLMNOPQR\n");
        assertThat(out.text("s1/2")).isEqualTo("@pair1/2_ATGTA extra\nMATEREAD\n+\nIIIIIIII\n");
        assertThat(out.text("-/1")).isEqualTo(u1);
        assertThat(out.text("-/2")).isEqualTo(u2);
    }

    @Test
    void aReadAsCloseToTwoBarcodesIsUndeterminedAndSuchPairsAreReportedAsConflicts() throws IOException {
        List<Barcode> close = List.of(index("a", "AAAAAAAA"), index("b", "AAAAAAAT"), index("far", "CCCCGGGG"));
        Collected out = new Collected();
        Result result = Demultiplexer.run(plain(record("@r 1:N:0:AAAAAAAG", "ACGT") + record("@s 1:N:0:AAAAAAAA", "ACGT")), null, close, 1, out);

        assertThat(result.undetermined()).isEqualTo(1);
        assertThat(result.reads()).containsEntry("a", 1L).containsEntry("b", 0L);
        assertThat(Demultiplexer.conflicts(close, 1)).containsExactly(List.of("a", "b"));
        assertThat(Demultiplexer.conflicts(close, 0)).as("exact matching tells one base apart").isEmpty();
        // distance 2 is a conflict with one mismatch allowed (a read can be one off both), not with none
        List<Barcode> two = List.of(index("x", "AAAAAAAA"), index("y", "AAAAAATT"));
        assertThat(Demultiplexer.conflicts(two, 1)).hasSize(1);
        assertThat(Demultiplexer.conflicts(two, 0)).isEmpty();
        // UMI positions never count, and inline barcodes compare over the shorter
        assertThat(Demultiplexer.conflicts(List.of(inline("u", "NNNACGTNN"), inline("v", "GGGACGT")), 0)).hasSize(1);
    }

    @Test
    void windowsLineEndsAndBlankLinesBetweenRecordsAreRead() throws IOException {
        Collected out = new Collected();
        String text = "@r1 1:N:0:ACGTACGT\r\nACGT\r\n+\r\nIIII\r\n\r\n@r2 1:N:0:ACGTACGT\r\nTTTT\r\n+r2\r\nJJJJ";
        Result result = Demultiplexer.run(plain(text), null, List.of(index("A", "ACGTACGT")), 0, out);

        assertThat(result.reads()).containsEntry("A", 2L);
        assertThat(out.text("A/1")).isEqualTo("@r1 1:N:0:ACGTACGT\nACGT\n+\nIIII\n@r2 1:N:0:ACGTACGT\nTTTT\n+r2\nJJJJ\n");
    }

    @Test
    void malformedInputIsRefusedNamingTheRecordAndEveryOutputIsClosed() throws IOException {
        List<Barcode> a = List.of(index("A", "ACGTACGT"));
        String good = record("@r1 1:N:0:ACGTACGT", "ACGT");
        malformed(plain(good + "@r2 1:N:0:ACGTACGT\nACGT\n+\nIII\n"), null, a, "read 1 record 2 has 4 bases but 3 quality scores");
        malformed(plain(good + ">fasta\nACGT\n"), null, a, "read 1 record 2 does not start with '@'");
        malformed(plain(good + "@r2\nACGT\nIIII\n"), null, a, "read 1 record 2 has no '+' line");
        malformed(plain(good + "@r2\nACGT\n"), null, a, "read 1 record 2 ends before its four lines");
        malformed(plain(good + good), plain(good + record("@other 2:N:0:ACGTACGT", "ACGT")), a,
                "record 2: read 1 is 'r1' but read 2 is 'other': the files do not pair");
        malformed(plain(good + good), plain(good), a, "record 2: the read 2 file ends before the other");
        malformed(plain(good), plain(good + good), a, "record 2: the read 1 file ends before the other");
        malformed(plain("not fastq at all"), null, a, "read 1 record 1 does not start with '@'");
    }

    private static void malformed(InputStream r1, InputStream r2, List<Barcode> barcodes, String message) {
        Collected out = new Collected();
        assertThatThrownBy(() -> Demultiplexer.run(r1, r2, barcodes, 1, out)).isInstanceOf(MalformedFastq.class).hasMessage(message);
        assertThat(out.closed.values()).as("outputs closed after: " + message).doesNotContain(false);
    }

    @Test
    void emptyInputGivesNoOutputAndZeroCounts() throws IOException {
        Collected out = new Collected();
        Result result = Demultiplexer.run(gzip(""), gzip(""), List.of(index("A", "ACGTACGT")), 1, out);
        assertThat(result.total()).isZero();
        assertThat(result.reads()).containsExactly(Map.entry("A", 0L));
        assertThat(out.files).isEmpty();
    }

    @Test
    void patternsAreCheckedForTheirPosition() {
        assertThat(Demultiplexer.checkPattern("ACGTACGT", Position.INDEX)).isNull();
        assertThat(Demultiplexer.checkPattern("acgtacgt", Position.INDEX)).isNull();
        assertThat(Demultiplexer.checkPattern("ACGTACGT+GGTTAACC", Position.INDEX)).isNull();
        assertThat(Demultiplexer.checkPattern("NNNCCGGNN", Position.INLINE)).isNull();
        assertThat(Demultiplexer.checkPattern("ACGTACGT+GGTTAACC", Position.INLINE)).contains("not an inline barcode");
        assertThat(Demultiplexer.checkPattern("ACGU", Position.INDEX)).contains("not an index barcode");
        assertThat(Demultiplexer.checkPattern("ACG", Position.INDEX)).contains("4 to 40");
        assertThat(Demultiplexer.checkPattern("A".repeat(41), Position.INLINE)).contains("4 to 40");
        assertThat(Demultiplexer.checkPattern("", Position.INDEX)).isEqualTo("is empty");
        assertThat(Demultiplexer.checkPattern(null, Position.INLINE)).isEqualTo("is empty");
        assertThat(Demultiplexer.checkPattern("NNNNNN", Position.INLINE)).contains("no fixed base");
        assertThat(Demultiplexer.checkPattern("ACGTACGT+NNNNNNNN", Position.INDEX)).contains("no fixed base");
    }

    @Test
    void badBarcodeListsAreTheCallersMistake() {
        Collected out = new Collected();
        assertThatThrownBy(() -> Demultiplexer.run(plain(""), null, List.of(), 1, out)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Demultiplexer.run(plain(""), null, List.of(index("A", "ACGTACGT"), index("A", "TTTTGGGG")), 1, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> Demultiplexer.run(plain(""), null, List.of(index("A", "ACGTACGT"), inline("B", "TTTTGGGG")), 1, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both positions");
        assertThatThrownBy(() -> Demultiplexer.run(plain(""), null, List.of(index("A", "XYZW")), 1, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an index barcode");
    }
}
