package bio.flow.downloads;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.downloads.ArchiveLayout.Item;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArchiveLayoutTest {
    @Test
    void namesAreSanitisedIntoOneSegmentEach() {
        assertThat(ArchiveLayout.sanitise("../etc/passwd")).isEqualTo(".._etc_passwd");
        assertThat(ArchiveLayout.sanitise("..")).isEqualTo("_");
        assertThat(ArchiveLayout.sanitise(".")).isEqualTo("_");
        assertThat(ArchiveLayout.sanitise("  ")).isEqualTo("_");
        assertThat(ArchiveLayout.sanitise("a\tb\nc\u007f")).isEqualTo("a_b_c_");
        assertThat(ArchiveLayout.sanitise("C:\\x*?\"<>|.txt")).isEqualTo("C__x______.txt");
        assertThat(ArchiveLayout.sanitise("é ü.fastq")).isEqualTo("é ü.fastq");
        assertThat(ArchiveLayout.sanitise("x".repeat(300))).hasSize(200);
    }

    @Test
    void duplicatesGetTheirIdWhateverTheOrderTheyCameIn() {
        List<Item> items = new ArrayList<>(List.of(
                new Item(30, "r.fastq.gz", 5L, "S", 1L, "P"),
                new Item(10, "r.fastq.gz", 5L, "S", 1L, "P"),
                new Item(20, "R.FASTQ.GZ", 5L, "S", 1L, "P"),
                new Item(40, "r.fastq.gz", 6L, "s", 1L, "P"),
                new Item(50, "P", null, null, null, null),
                new Item(60, "MANIFEST.tsv", null, null, null, null),
                new Item(70, "counts.tsv", null, null, null, null, 7L, "run"),
                new Item(80, "counts.tsv", null, null, null, null, 8L, "run"),
                new Item(90, "r.fastq.gz", null, null, null, null, 9L, "P")));
        Map<Long, String> expected = Map.of(10L, "P/S/r.fastq.gz", 20L, "P/S/R_20.FASTQ.GZ", 30L, "P/S/r_30.fastq.gz",
                40L, "P/s_6/r.fastq.gz", 50L, "P_50", 60L, "MANIFEST_60.tsv", 70L, "run/counts.tsv", 80L, "run_8/counts.tsv",
                90L, "P_9/r.fastq.gz");
        for (int i = 0; i < 5; i++) {
            Collections.shuffle(items);
            assertThat(ArchiveLayout.paths(items)).containsExactlyInAnyOrderEntriesOf(expected);
        }
    }
}
