package bio.flow.uploads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.http.ApiException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Unit tests of {@link FileNames}: plain Java, no server, because no route calls it yet (the upload and import
 * endpoints will, and their tests over HTTP will cover it there).
 */
class FileNamesTest {

    @Test
    void ordinaryNamesAreKeptExactlyAsGiven() {
        for (String name : new String[] {"reads_R1.fastq.gz", " spaced name .txt ", "..hidden", "a..b.csv", ".bashrc", "données-é.vcf",
                "שלום.txt", "😀.bam", "x"}) {
            assertThat(FileNames.check(name)).isEqualTo(name);
        }
    }

    @Test
    void traversalIsRefused() {
        refused("..", "must not be '.' or '..'");
        refused(".", "must not be '.' or '..'");
        refused("../etc/passwd", "'..' path segment");
        refused("..\\windows\\system32", "'..' path segment");
        refused("a/../b", "'..' path segment");
        refused("reads/..", "'..' path segment");
    }

    @Test
    void pathSeparatorsAreRefused() {
        refused("dir/reads.fastq", "path separators");
        refused("/etc/passwd", "path separators");
        refused("C:\\reads.fastq", "path separators");
        refused("./x", "path separators");
    }

    @Test
    void controlCharactersAreRefusedNamingTheCharacter() {
        refused("a\u0000b", "control characters (U+0000 at position 2)");
        refused("reads\n.fastq", "control characters (U+000A at position 6)");
        refused("a\rb", "U+000D");
        refused("a\tb", "U+0009");
        refused("\u001b[31mred", "U+001B");
        refused("a\u007fb", "U+007F");
        refused("a\u0085b", "U+0085");
        refused("a\u009fb", "U+009F");
        refused("a\u2028b", "U+2028");
        refused("a\u2029b", "U+2029");
    }

    @Test
    void bidirectionalOverridesAndIsolatesAreRefused() {
        refused("invoice\u202Etxt.exe", "bidirectional formatting characters (U+202E at position 8)");
        for (char c : new char[] {'\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u2066', '\u2067', '\u2068', '\u2069'}) {
            refused("a" + c + "b", String.format("U+%04X", (int) c));
        }
    }

    @Test
    void emptyBlankAndMissingNamesAreRefused() {
        refused(null, "is required");
        refused("", "must not be empty or blank");
        refused("   ", "must not be empty or blank");
        refused("\u00A0\u3000", "must not be empty or blank");
    }

    @Test
    void atMost255BytesOfUtf8() {
        String ascii255 = "a".repeat(251) + ".txt";
        assertThat(FileNames.check(ascii255)).isEqualTo(ascii255);
        refused("a".repeat(252) + ".txt", "at most 255 bytes in UTF-8 (this one has 256)");

        // 85 three-byte characters are 255 bytes in UTF-8 but only 85 chars: bytes count, not chars
        String cjk255 = "字".repeat(85);
        assertThat(cjk255.getBytes(StandardCharsets.UTF_8)).hasSize(255);
        assertThat(FileNames.check(cjk255)).isEqualTo(cjk255);
        String e256 = "é".repeat(128); // two bytes each
        assertThat(e256.getBytes(StandardCharsets.UTF_8)).hasSize(256);
        refused(e256, "this one has 256");
        String emoji256 = "😀".repeat(64); // four bytes each, two chars each
        assertThat(emoji256.getBytes(StandardCharsets.UTF_8)).hasSize(256);
        refused(emoji256, "this one has 256");
    }

    @Test
    void unpairedSurrogatesAreRefused() {
        refused("a\uD800b", "unpaired surrogate at position 2");
        refused("a\uDC00", "unpaired surrogate");
        refused("\uD83D", "unpaired surrogate");
    }

    private static void refused(String name, String message) {
        assertThatThrownBy(() -> FileNames.check(name))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.details()).containsEntry("field", "filename");
                })
                .hasMessageStartingWith("filename: ")
                .hasMessageContaining(message);
    }
}
