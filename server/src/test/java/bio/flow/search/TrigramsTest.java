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
    void theSampleTellsHowManyKeysStartWithAndHoldAText() {
        List<String> keys = new ArrayList<>(Collections.nCopies(97, "s0001liver"));
        keys.addAll(List.of("liver", "liverbiopsy", "livers"));
        Trigrams.Sample sample = Trigrams.Sample.of(keys);
        // "liver" is one key and starts two more; "lives" is past them all
        assertThat(sample.startingWith("liver")).isEqualTo(0.03);
        assertThat(sample.startingWith("live")).isEqualTo(0.03);
        assertThat(sample.startingWith("kidney")).isZero();
        // 97 hold it after their start, 100 anywhere
        assertThat(sample.heldBy("liver", 0.97, 1)).isTrue();
        assertThat(sample.heldBy("liver", 0.98, 1)).isFalse();
        assertThat(sample.heldBy("liver", 1.0, 0)).isTrue();
        assertThat(sample.heldBy("kidney", 0.01, 0)).isFalse();
        // a key is kept long enough to tell whether it starts with any text searched
        String longKey = "a".repeat(SearchText.MAX_LENGTH) + "b".repeat(1000);
        Trigrams.Sample cut = Trigrams.Sample.of(List.of(longKey));
        assertThat(cut.keys().get(0)).hasSize(Trigrams.KEPT_LENGTH);
        assertThat(cut.startingWith("a".repeat(SearchText.MAX_LENGTH))).isEqualTo(1.0);
        // no sample: nothing is taken as rare, nor as common
        assertThat(Trigrams.Sample.of(List.of()).startingWith("liver")).isEqualTo(1.0);
        assertThat(Trigrams.Sample.of(List.of()).heldBy("liver", 0.01, 0)).isFalse();
    }

    @Test
    void javaKnowsTheSearchKeyOfAnAsciiText() {
        assertThat(SearchText.asciiKey("RNA-seq Sample 1")).contains("rnaseqsample1");
        assertThat(SearchText.asciiKey("Mäuse")).isEmpty();
        assertThat(SearchText.prefixEnd("liver")).isEqualTo("lives");
        assertThat(SearchText.prefixEnd("s09")).isEqualTo("s0:");
        assertThat(SearchText.prefixEnd("xyz")).isEqualTo("xy{");
        assertThat("s09z").isGreaterThan("s09").isLessThan(SearchText.prefixEnd("s09"));
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
