package bio.flow.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContentDispositionTest {
    @Test
    void plainNamesStandAsTheyAre() {
        assertThat(ContentDisposition.attachment("sample_R1.fastq.gz"))
                .isEqualTo("attachment; filename=\"sample_R1.fastq.gz\"; filename*=UTF-8''sample_R1.fastq.gz");
    }

    /** Quotes, backslashes, percent signs, controls and non-ASCII never appear raw: they could end or forge the header. */
    @Test
    void anythingThatCouldBreakTheHeaderIsReplacedOrEncoded() {
        String header = ContentDisposition.attachment("a\"b\\c%d\r\ne\u00e9\uD83E\uDDEC.txt");
        assertThat(header).isEqualTo("attachment; filename=\"a_b_c_d__e__.txt\"; "
                + "filename*=UTF-8''a%22b%5Cc%25d%0D%0Ae%C3%A9%F0%9F%A7%AC.txt");
        assertThat(header.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
    }
}
