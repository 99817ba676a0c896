package bio.flow.uploads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.http.ApiException;
import bio.flow.uploads.DataDetection.Detected;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Unit tests of {@link DataDetection} and {@link GzipPeek}: plain Java, no server, because no route calls them
 * yet (the upload and import endpoints will, and their tests over HTTP will cover them there). Every sample is a
 * small real file of its format made here; gzip with {@link GZIPOutputStream}, BGZF block by block as the SAM
 * specification describes it (a gzip member whose extra field has the subfield 'BC' holding the block size - 1).
 */
class DataDetectionTest {

    static final String FASTQ = "@r1 1:N:0:1\nACGTACGTNN\n+\nIIIIIIII#!\n@r2\nGGGG\n+r2\nFFFF\n";
    static final String FASTA = ">chr1 test\nACGTACGTACGT\nACGT\n>chr2\nNNNN\n";
    static final String SAM = "@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:1000\n"
            + "r1\t0\tchr1\t100\t60\t4M\t*\t0\t0\tACGT\tIIII\n";
    static final String SAM_NO_HEADER = "r1\t16\tchr1\t100\t60\t4M\t*\t0\t0\tACGT\tIIII\tNM:i:0\n";
    static final String VCF = "##fileformat=VCFv4.2\n##contig=<ID=chr1>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
            + "chr1\t100\t.\tA\tG\t50\tPASS\t.\n";
    static final String BED = "track name=peaks\nchr1\t100\t200\tpeak1\t0\t+\nchr2\t0\t50\n";
    static final String GTF = "#!genome-build GRCh38\nchr1\tHAVANA\tgene\t11869\t14409\t.\t+\t.\tgene_id \"ENSG00000223972\"; gene_name \"DDX11L1\";\n"
            + "chr1\tHAVANA\texon\t11869\t12227\t.\t+\t.\tgene_id \"ENSG00000223972\";\n";
    static final String GFF3 = "##gff-version 3\nchr1\t.\tgene\t1000\t9000\t.\t+\t.\tID=gene00001;Name=EDEN\n";
    static final String GFF_NO_HEADER = "chr1\t.\tgene\t1000\t9000\t.\t-\t.\tID=gene00001\n";
    static final String CSV = "sample,condition,\"note, with comma\"\nS1,treated,\"two\nlines\"\nS2,control,x\n";
    static final String TSV = "gene\tcount\nTP53\t10\nBRCA1\t7\n";

    // --- plain content ---

    @Test
    void signaturesAreRecognisedFromContentWhateverTheName() {
        assertDetected("upload.dat", FASTQ, "FASTQ", Compression.NONE);
        assertDetected("upload.dat", FASTA, "FASTA", Compression.NONE);
        assertDetected("upload", SAM, "SAM", Compression.NONE);
        assertDetected("upload", SAM_NO_HEADER, "SAM", Compression.NONE);
        assertDetected("upload.txt", VCF, "VCF", Compression.NONE);
        assertDetected("upload.txt", GFF3, "GFF", Compression.NONE);
        assertDetected("upload", cram(), "CRAM", Compression.NONE);
        // content first: a .csv or .bed name does not hide what the content plainly is
        assertDetected("reads.csv", FASTQ, "FASTQ", Compression.NONE);
        assertDetected("calls.bed", VCF, "VCF", Compression.NONE);
    }

    @Test
    void bedGtfGffCsvTsvAreRecognisedByNameWhenTheLinesHaveTheirShape() {
        assertDetected("peaks.bed", BED, "BED", Compression.NONE);
        assertDetected("peaks.bed", "chr1 100 200 spaced\n", "BED", Compression.NONE);
        assertDetected("genes.gtf", GTF, "GTF", Compression.NONE);
        assertDetected("genes.gff", GFF_NO_HEADER, "GFF", Compression.NONE);
        assertDetected("genes.gff3", GFF3, "GFF", Compression.NONE);
        assertDetected("samples.csv", CSV, "CSV", Compression.NONE);
        assertDetected("counts.TSV", TSV, "TSV", Compression.NONE);
        assertDetected("notes.txt", "just some words\n", "TEXT", Compression.NONE);
        // without the name, the same lines are just text
        assertDetected("peaks", BED, "TEXT", Compression.NONE);
        assertDetected("samples", CSV, "TEXT", Compression.NONE);
    }

    @Test
    void aNameWhoseLinesDoNotHaveItsShapeFallsBackToTextAndSaysWhy() {
        Detected csv = detect("samples.csv", "a,b,c\n1,2\n");
        assertThat(csv.dataType()).isEqualTo("TEXT");
        assertThat(csv.reason()).contains("named .csv but row 2 has 2 fields where row 1 has 3");
        Detected tsv = detect("counts.tsv", "a\tb\n1\t2\t3\n");
        assertThat(tsv.dataType()).isEqualTo("TEXT");
        assertThat(detect("peaks.bed", "chr1\t200\t100\n").reason()).contains("line 1 is not a BED line"); // start after end
        assertThat(detect("peaks.bed", "chr1\tten\t100\n").dataType()).isEqualTo("TEXT");
        assertThat(detect("genes.gtf", "chr1\tHAVANA\tgene\t1\t2\n").reason()).contains("line 1 is not a GTF line"); // 5 columns
        assertThat(detect("genes.gff", "chr1\t.\tgene\t1\t2\t.\tX\t.\tID=a\n").dataType()).isEqualTo("TEXT"); // strand X
        // PLINK's .bed is binary: that is no UCSC BED, and not a mistake either
        assertDetected("genotypes.bed", bytes(0x6c, 0x1b, 0x01, 0xff, 0x00, 0x3c), "OTHER", Compression.NONE);
    }

    @Test
    void binaryContentIsOtherAndUtf8TextIsText() {
        assertDetected("blob", bytes(0x00, 0x01, 0x02, 0xff, 0xfe), "OTHER", Compression.NONE);
        assertDetected("latin1.txt", bytes('c', 'a', 'f', 0xe9, '\n'), "OTHER", Compression.NONE); // not UTF-8
        assertDetected("notes", "ünïcödé text 😀\r\nwith \u001b[1mANSI\u001b[0m\n".getBytes(StandardCharsets.UTF_8), "TEXT", Compression.NONE);
        assertDetected("excel.csv", ("\uFEFF" + TSV.replace('\t', ',')).getBytes(StandardCharsets.UTF_8), "CSV", Compression.NONE);
        assertDetected("archive.zip", bytes('P', 'K', 3, 4, 20, 0, 0, 0), "OTHER", Compression.NONE);
    }

    // --- compressed content ---

    @Test
    void gzipAndBgzfContentIsLookedInto() {
        assertDetected("reads.fastq.gz", gzip(FASTQ), "FASTQ", Compression.GZIP);
        assertDetected("reads", gzip(FASTQ), "FASTQ", Compression.GZIP); // the content says gzip, not the name
        assertDetected("calls.vcf.gz", bgzf(VCF, 65280), "VCF", Compression.BGZF);
        assertDetected("calls.vcf.bgz", bgzf(VCF, 65280), "VCF", Compression.BGZF);
        assertDetected("peaks.bed.gz", bgzf(BED, 65280), "BED", Compression.BGZF);
        assertDetected("genome.fa.gz", gzip(FASTA), "FASTA", Compression.GZIP);
        assertDetected("blob.gz", gzip(new String(new char[] {0, 1, 2})), "OTHER", Compression.GZIP);
    }

    @Test
    void bamIsBgzfHoldingTheBamMagic() {
        Detected d = detect("aligned.bam", bam());
        assertThat(d).extracting(Detected::dataType, Detected::compression).containsExactly("BAM", Compression.BGZF);
        assertDetected("upload", bam(), "BAM", Compression.BGZF);
        // the same bytes in plain gzip are not a BAM file
        byte[] bamInGzip = gzip(new String(bamContent(), StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1));
        assertThat(detect("upload", bamInGzip).dataType()).isEqualTo("OTHER");
        refusedFile("aligned.bam", bamInGzip, "aligned.bam is not BAM: it is gzip-compressed but not BGZF");
        refusedFile("aligned.bam", SAM.getBytes(StandardCharsets.UTF_8), "aligned.bam is not BAM: it is not BGZF-compressed");
        refusedFile("aligned.bam", bgzf(SAM, 65280), "aligned.bam is not BAM: its BGZF content does not start with the BAM magic");
    }

    @Test
    void contentSpreadOverSeveralBgzfBlocksIsReadAcrossThem() {
        // blocks of 8 bytes: "##filefo" | "rmat=VCF" | ...; only reading on into the next members shows the VCF header
        byte[] vcf = bgzf(VCF, 8);
        assertDetected("calls", vcf, "VCF", Compression.BGZF);
        assertDetected("counts.tsv.gz", bgzf(TSV, 5), "TSV", Compression.BGZF);
    }

    @Test
    void aGzipNameOnContentThatIsNotGzipIsRefused() {
        refusedFile("x.fastq.gz", FASTQ.getBytes(StandardCharsets.UTF_8), "x.fastq.gz is not gzip-compressed");
        refusedFile("calls.vcf.bgz", VCF.getBytes(StandardCharsets.UTF_8), "calls.vcf.bgz is not gzip-compressed");
        refusedFile("READS.FQ.GZ", FASTQ.getBytes(StandardCharsets.UTF_8), "READS.FQ.GZ is not gzip-compressed");
        // also when a type is declared: the name still promises gzip
        assertThatThrownBy(() -> DataDetection.detect("x.fastq.gz", "FASTQ", FASTQ.getBytes(StandardCharsets.UTF_8), true))
                .hasMessageContaining("x.fastq.gz is not gzip-compressed");
    }

    @Test
    void corruptGzipIsRefused() {
        byte[] bad = gzip(FASTQ);
        bad[3] = (byte) 0xE0; // reserved flags
        refusedFile("x.fastq.gz", bad, "x.fastq.gz is not valid gzip: its gzip header has reserved flags set");
        byte[] garbled = gzip(FASTQ);
        Arrays.fill(garbled, 10, garbled.length - 8, (byte) 0xFF);
        refusedFile("x.fastq.gz", garbled, "x.fastq.gz is not valid gzip: its compressed data is corrupt");
        byte[] stored = gzip(FASTQ);
        stored[2] = 7; // a compression method that is not deflate
        refusedFile("x.gz", stored, "method 7, not deflate");
    }

    // --- names and declared types that the content contradicts ---

    @Test
    void aFastqByNameThatDoesNotStartWithAtIsRefused() {
        refusedFile("reads.fastq", FASTA.getBytes(StandardCharsets.UTF_8), "reads.fastq is not FASTQ: it does not start with '@' (it looks like FASTA)");
        refusedFile("reads.fq.gz", gzip(">x\nACGT\n"), "reads.fq.gz is not FASTQ: it does not start with '@'");
        refusedFile("reads.fq", "@r1\nACGT\n-\nIIII\n".getBytes(StandardCharsets.UTF_8), "third line of its first record does not start with '+'");
        refusedFile("reads.fq", "@r1\nACGT\n+\nIII\n".getBytes(StandardCharsets.UTF_8), "its first record has 4 bases but 3 quality scores");
        refusedFile("reads.fastq", SAM.getBytes(StandardCharsets.UTF_8), "reads.fastq is not FASTQ");
        refusedFile("reads.fastq.gz", gzip(new String(new char[] {0, 0, 0})), "its content is binary, not text");
    }

    @Test
    void otherSignedTypesByNameAreHeldToTheirSignature() {
        refusedFile("genome.fa", FASTQ.getBytes(StandardCharsets.UTF_8), "genome.fa is not FASTA: it does not start with '>' (it looks like FASTQ)");
        refusedFile("calls.vcf", TSV.getBytes(StandardCharsets.UTF_8), "calls.vcf is not VCF: it does not start with '##fileformat=VCF'");
        refusedFile("aln.sam", TSV.getBytes(StandardCharsets.UTF_8), "aln.sam is not SAM");
        refusedFile("aln.cram", bam(), "aln.cram is not CRAM: it does not start with the CRAM magic");
    }

    @Test
    void aDeclaredTypeIsCheckedAgainstTheContentAndKept() {
        assertThat(DataDetection.detect("x", "FASTQ", FASTQ.getBytes(StandardCharsets.UTF_8), true))
                .extracting(Detected::dataType, Detected::compression).containsExactly("FASTQ", Compression.NONE);
        assertThat(DataDetection.detect("x.bin", "bam", bam(), true).dataType()).isEqualTo("BAM"); // any case, answered canonical
        assertThat(DataDetection.detect("genes.txt", "GTF", GTF.getBytes(StandardCharsets.UTF_8), true).dataType()).isEqualTo("GTF");
        // the declaration wins over the content's own signature when it is not contradicted
        assertThat(DataDetection.detect("x.txt", "TEXT", VCF.getBytes(StandardCharsets.UTF_8), true).dataType()).isEqualTo("TEXT");
        assertThat(DataDetection.detect("blob", "OTHER", FASTQ.getBytes(StandardCharsets.UTF_8), true).dataType()).isEqualTo("OTHER");
        Detected custom = DataDetection.detect("cells.h5ad", "H5AD", bytes(0x89, 'H', 'D', 'F'), true);
        assertThat(custom.dataType()).isEqualTo("H5AD");
        assertThat(custom.reason()).contains("a type Flow does not check");

        refusedDeclared("FASTQ", "reads.txt", FASTA.getBytes(StandardCharsets.UTF_8), "the file is declared FASTQ but it does not start with '@' (it looks like FASTA)");
        refusedDeclared("BAM", "aligned.bam", gzip(SAM), "the file is declared BAM but it is gzip-compressed but not BGZF");
        refusedDeclared("BAM", "aligned", SAM.getBytes(StandardCharsets.UTF_8), "the file is declared BAM but it is not BGZF-compressed");
        refusedDeclared("CRAM", "aligned", bam(), "declared CRAM but it does not start with the CRAM magic");
        refusedDeclared("VCF", "calls.txt", TSV.getBytes(StandardCharsets.UTF_8), "declared VCF but it does not start with '##fileformat=VCF'");
        refusedDeclared("SAM", "aln", FASTA.getBytes(StandardCharsets.UTF_8), "declared SAM but it has neither SAM header lines");
        refusedDeclared("FASTA", "genome", bam(), "declared FASTA but its content is binary, not text");
        refusedDeclared("BED", "peaks", bytes(0x6c, 0x1b, 0x01, 0x00), "declared BED but its content is binary, not text");
        refusedDeclared("TEXT", "notes", bytes(0, 1, 2), "declared TEXT but its content is binary");
    }

    // --- empty and truncated ---

    @Test
    void emptyFilesKeepTheirNamedTypeExceptWhereAMagicIsRequired() {
        assertDetected("empty", new byte[0], "TEXT", Compression.NONE);
        assertDetected("empty.fastq", new byte[0], "FASTQ", Compression.NONE); // a FASTQ with no reads
        assertDetected("empty.csv", new byte[0], "CSV", Compression.NONE);
        assertDetected("empty.fastq.gz", gzip(""), "FASTQ", Compression.GZIP);
        assertDetected("empty.vcf.gz", bgzfEof(), "VCF", Compression.BGZF);
        assertThat(DataDetection.detect("x", "FASTQ", new byte[0], true).dataType()).isEqualTo("FASTQ");
        refusedFile("empty.fastq.gz", new byte[0], "empty.fastq.gz is not gzip-compressed");
        refusedFile("empty.bam", new byte[0], "empty.bam is not BAM: it is not BGZF-compressed");
        refusedFile("empty.cram", new byte[0], "empty.cram is not CRAM");
    }

    @Test
    void gzipThatEndsEarlyIsATruncatedFileOnlyWhenTheSampleIsTheWholeFile() {
        byte[] gz = gzip(FASTQ.repeat(20));
        byte[] cut = Arrays.copyOf(gz, gz.length / 2);
        refusedFile("x.fastq.gz", cut, "x.fastq.gz is not valid gzip: its compressed data ends early: the file is truncated");
        refusedFile("x.fastq.gz", Arrays.copyOf(gz, gz.length - 4), "it ends inside a gzip trailer: the file is truncated");
        refusedFile("x.fastq.gz", Arrays.copyOf(gz, 6), "it ends inside a gzip header: the file is truncated");
        // the same bytes as the start of a longer file (e.g. a first chunk) are judged on what they hold
        Detected start = DataDetection.detect("x.fastq.gz", null, cut, false);
        assertThat(start).extracting(Detected::dataType, Detected::compression).containsExactly("FASTQ", Compression.GZIP);
        Detected header = DataDetection.detect("x.gz", null, Arrays.copyOf(gz, 6), false);
        assertThat(header).extracting(Detected::dataType, Detected::compression).containsExactly("TEXT", Compression.GZIP);
    }

    @Test
    void theStartOfALargeFileIsJudgedOnItsCompleteLines() {
        byte[] fastq = randomFastq(3000).getBytes(StandardCharsets.UTF_8); // ~ 500 KB
        byte[] head = Arrays.copyOf(fastq, DataDetection.HEAD_BYTES);
        assertThat(new String(head, StandardCharsets.UTF_8)).doesNotEndWith("\n");
        assertDetectedStart("reads.fastq", head, "FASTQ", Compression.NONE);
        assertDetectedStart("reads.fastq", fastq, "FASTQ", Compression.NONE); // a longer buffer: only HEAD_BYTES are read

        byte[] gz = gzip(new String(fastq, StandardCharsets.UTF_8));
        assertThat(gz.length).isGreaterThan(DataDetection.HEAD_BYTES);
        assertDetectedStart("reads.fq.gz", Arrays.copyOf(gz, DataDetection.HEAD_BYTES), "FASTQ", Compression.GZIP);

        // a TSV whose sample stops in the middle of a row: the partial row is not counted against it
        String tsv = "a\tb\tc\n" + "1\t2\t3\n".repeat(20_000);
        assertDetectedStart("t.tsv", Arrays.copyOf(tsv.getBytes(StandardCharsets.UTF_8), DataDetection.HEAD_BYTES - 3), "TSV", Compression.NONE);
        // a FASTQ whose first record is cut by the end of the sample
        assertDetectedStart("reads.fq", "@r1\nACG".getBytes(StandardCharsets.UTF_8), "FASTQ", Compression.NONE);
        refusedFile("reads.fq", "@r1\nACG".getBytes(StandardCharsets.UTF_8), "its first record is incomplete");
    }

    @Test
    void aCharacterCutByTheEndOfTheSampleIsNotBinaryButOneCutByTheEndOfTheFileIs() {
        byte[] text = ("x".repeat(DataDetection.HEAD_BYTES - 1) + "€").getBytes(StandardCharsets.UTF_8); // € is 3 bytes
        byte[] head = Arrays.copyOf(text, DataDetection.HEAD_BYTES); // ends with the first byte of €
        assertDetectedStart("notes", head, "TEXT", Compression.NONE);
        assertDetected("notes", cutEuro(), "OTHER", Compression.NONE);
    }

    @Test
    void truncatedMagicsAreNotTheirFormats() {
        assertDetected("upload", bgzf("BA", 65280), "TEXT", Compression.BGZF);
        refusedFile("aligned.bam", bgzf("BA", 65280), "its BGZF content does not start with the BAM magic");
        assertDetected("upload", "CRA".getBytes(StandardCharsets.US_ASCII), "TEXT", Compression.NONE);
        refusedFile("aligned.cram", "CRA".getBytes(StandardCharsets.US_ASCII), "does not start with the CRAM magic");
    }

    // --- zip bomb ---

    @Test
    void aGzipOfOneGigabyteOfZerosCostsNoMoreThanTheBound() throws IOException {
        byte[] head = startOfGzippedZeros(1L << 30, DataDetection.HEAD_BYTES);
        assertThat(head).hasSize(DataDetection.HEAD_BYTES);

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        GzipPeek.Peek peek;
        try {
            peek = GzipPeek.read(head, head.length, false);
        } catch (GzipPeek.NotGzip e) {
            throw new AssertionError(e);
        }
        Detected asOther = DataDetection.detect("bomb.gz", null, head, false);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        // 64 KiB of the stream would inflate to about 64 MB; the peek stops at its bound
        assertThat(peek.content()).hasSize(GzipPeek.LIMIT);
        assertThat(peek.cut()).isTrue();
        assertThat(asOther).extracting(Detected::dataType, Detected::compression).containsExactly("OTHER", Compression.GZIP);
        assertThat(allocated).as("bytes allocated to peek and detect").isLessThan(2L << 20);
        refusedDeclared("FASTQ", "bomb.fastq.gz", head, false, "declared FASTQ but its content is binary, not text");
    }

    // --- helpers ---

    private static Detected detect(String name, String content) {
        return DataDetection.detect(name, null, content.getBytes(StandardCharsets.UTF_8), true);
    }

    private static Detected detect(String name, byte[] content) {
        return DataDetection.detect(name, null, content, true);
    }

    private static void assertDetected(String name, String content, String type, Compression compression) {
        assertDetected(name, content.getBytes(StandardCharsets.UTF_8), type, compression);
    }

    private static void assertDetected(String name, byte[] content, String type, Compression compression) {
        Detected d = DataDetection.detect(name, null, content, true);
        assertThat(d.dataType()).as(name + ": " + d.reason()).isEqualTo(type);
        assertThat(d.compression()).as(name).isEqualTo(compression);
        assertThat(d.reason()).isNotBlank();
    }

    private static void assertDetectedStart(String name, byte[] head, String type, Compression compression) {
        Detected d = DataDetection.detect(name, null, head, false);
        assertThat(d.dataType()).as(name + ": " + d.reason()).isEqualTo(type);
        assertThat(d.compression()).as(name).isEqualTo(compression);
    }

    private static void refusedFile(String name, byte[] content, String message) {
        assertThatThrownBy(() -> DataDetection.detect(name, null, content, true))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.details()).containsEntry("field", "file");
                })
                .hasMessageContaining(message);
    }

    private static void refusedDeclared(String type, String name, byte[] content, String message) {
        refusedDeclared(type, name, content, true, message);
    }

    private static void refusedDeclared(String type, String name, byte[] content, boolean whole, String message) {
        assertThatThrownBy(() -> DataDetection.detect(name, type, content, whole))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.details()).containsEntry("field", "data_type");
                })
                .hasMessageContaining(message);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
        return b;
    }

    static byte[] gzip(String text) {
        return gzip(text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    static byte[] bgzf(String text, int blockSize) {
        return bgzf(text.getBytes(StandardCharsets.ISO_8859_1), blockSize);
    }

    /** BGZF as in the SAM specification: blocks of at most blockSize input bytes, then the empty EOF block. */
    static byte[] bgzf(byte[] content, int blockSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < content.length; at += blockSize) {
            out.writeBytes(bgzfBlock(Arrays.copyOfRange(content, at, Math.min(content.length, at + blockSize))));
        }
        out.writeBytes(bgzfEof());
        return out.toByteArray();
    }

    static byte[] bgzfEof() {
        return bgzfBlock(new byte[0]);
    }

    static byte[] bgzfBlock(byte[] data) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        byte[] buffer = new byte[data.length + 1024];
        int compressed = deflater.deflate(buffer);
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(data);
        ByteBuffer block = ByteBuffer.allocate(18 + compressed + 8).order(ByteOrder.LITTLE_ENDIAN);
        block.put(bytes(0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff)); // magic, deflate, FEXTRA, mtime, xfl, os
        block.putShort((short) 6).put((byte) 'B').put((byte) 'C').putShort((short) 2);
        block.putShort((short) (18 + compressed + 8 - 1)); // BSIZE: the block's total size minus 1
        block.put(buffer, 0, compressed);
        block.putInt((int) crc.getValue()).putInt(data.length);
        return block.array();
    }

    /** The uncompressed start of a BAM file: magic, SAM header text, one reference. */
    static byte[] bamContent() {
        byte[] text = "@HD\tVN:1.6\n@SQ\tSN:chr1\tLN:1000\n".getBytes(StandardCharsets.US_ASCII);
        byte[] name = "chr1\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(4 + 4 + text.length + 4 + 4 + name.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(bytes('B', 'A', 'M', 1)).putInt(text.length).put(text).putInt(1).putInt(name.length).put(name).putInt(1000);
        return b.array();
    }

    static byte[] bam() {
        return bgzf(bamContent(), 65280);
    }

    /** The start of a CRAM 3.0 file: magic, version, 20-byte file id, then (here) filler. */
    static byte[] cram() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes('C', 'R', 'A', 'M', 3, 0));
        out.writeBytes(Arrays.copyOf("test.cram".getBytes(StandardCharsets.US_ASCII), 20));
        out.writeBytes(bytes(0xff, 0x00, 0x10, 0x80, 0x01));
        return out.toByteArray();
    }

    /** A whole file ending with the first byte of a three-byte character: not valid UTF-8. */
    private static byte[] cutEuro() {
        byte[] euro = "ab€".getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(euro, euro.length - 2);
    }

    static String randomFastq(int reads) {
        Random random = new Random(7);
        StringBuilder s = new StringBuilder();
        for (int r = 0; r < reads; r++) {
            s.append("@read").append(r).append(" 1:N:0:ACGT\n");
            for (int i = 0; i < 75; i++) s.append("ACGT".charAt(random.nextInt(4)));
            s.append("\n+\n");
            for (int i = 0; i < 75; i++) s.append((char) ('!' + random.nextInt(41)));
            s.append('\n');
        }
        return s.toString();
    }

    /**
     * The first {@code keep} bytes of a gzip stream of {@code size} zero bytes, built streaming: neither the
     * zeros nor the compressed stream is ever held whole.
     */
    static byte[] startOfGzippedZeros(long size, int keep) throws IOException {
        ByteArrayOutputStream start = new ByteArrayOutputStream(keep);
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                if (start.size() < keep) start.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                start.write(b, off, Math.max(0, Math.min(len, keep - start.size())));
            }
        };
        byte[] zeros = new byte[1 << 20];
        try (GZIPOutputStream gz = new GZIPOutputStream(sink, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            for (long written = 0; written < size; written += zeros.length) gz.write(zeros);
        }
        return start.toByteArray();
    }
}
