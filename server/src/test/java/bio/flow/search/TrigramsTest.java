package bio.flow.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which trigrams of a text filter the trigram indexes are asked for (the searches' results: TrigramLookupTest). */
class TrigramsTest {
    @Test
    void theTrigramsOfATextAreThoseOfItsSearchKey() {
        assertThat(Trigrams.trigrams("S0310846_R1.fastq.gz")).containsExactlyInAnyOrder(
                "s03", "031", "310", "108", "084", "846", "46r", "6r1", "r1f", "1fa", "fas", "ast", "stq", "tqg", "qgz");
        // punctuation and spaces are left out of the key, so their neighbours meet
        assertThat(Trigrams.trigrams("a-b c")).containsExactly("abc");
        assertThat(Trigrams.trigrams("ab")).isEmpty();
        assertThat(Trigrams.trigrams("")).isEmpty();
    }

    @Test
    void charactersBeyondAsciiAreInNoTrigram() {
        // "Mäuse-liver" has the key mäuseliver: no trigram with ä, and none across it (m + use is not "mus")
        assertThat(Trigrams.trigrams("Mäuse-liver")).containsExactlyInAnyOrder("use", "sel", "eli", "liv", "ive", "ver");
        // the Kelvin sign lowercases to an ASCII k in Java, but it is not part of a trigram either
        assertThat(Trigrams.trigrams("\u212Aab")).isEmpty();
    }

    @Test
    void onlyTheRareTrigramsAreLookedUpTheRarestFirst() {
        List<String> keys = new ArrayList<>(Collections.nCopies(200, "sampleliver"));
        keys.add("samplekidney");
        Trigrams.Sample sample = Trigrams.Sample.of(keys);
        // "kidneysample": kid, idn, dne, ney in 1 of 201 rows; eys, ysa in none; sam, amp, mpl, ple in all
        assertThat(sample.lookups("Kidney sample")).containsExactly("eys", "ysa", "dne", "idn", "kid", "ney");
        // every trigram common: looked up whole
        assertThat(sample.lookups("liver")).isEmpty();
        // at most MAX_LOOKUPS
        assertThat(sample.lookups("qwertzuiop")).hasSize(Trigrams.MAX_LOOKUPS);
    }

    @Test
    void aTrigramInMoreThanTheMaximumShareIsNotLookedUp() {
        int rows = 1000;
        int atMost = (int) (rows * Trigrams.MAX_SHARE);
        List<String> keys = new ArrayList<>(Collections.nCopies(rows - atMost - 2, "other"));
        keys.addAll(Collections.nCopies(atMost, "abc"));
        keys.add("xyz");
        keys.add("xyz");
        Trigrams.Sample sample = Trigrams.Sample.of(keys);
        assertThat(sample.share("abc")).isEqualTo(Trigrams.MAX_SHARE);
        assertThat(sample.lookups("abc")).containsExactly("abc");
        assertThat(Trigrams.Sample.of(keys.subList(0, rows - 1)).share("abc")).isGreaterThan(Trigrams.MAX_SHARE);
        assertThat(Trigrams.Sample.of(keys.subList(0, rows - 1)).lookups("abc")).isEmpty();
    }

    @Test
    void withoutASampleTextsAreLookedUpWhole() {
        assertThat(Trigrams.Sample.of(List.of()).lookups("kidney")).isEmpty();
    }

    @Test
    void onlyTrigramsOfASearchKeyAreWrittenIntoAStatement() {
        assertThat(SearchText.contains("s.name_key", "text", List.of("a0z")))
                .isEqualTo("(s.name_key LIKE '%a0z%' AND strpos(s.name_key, search_key(:text)) > 0)");
        for (String bad : List.of("ab", "abcd", "a'b", "AB1", "a%b")) {
            assertThatThrownBy(() -> SearchText.contains("s.name_key", "text", List.of(bad))).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
