package bio.flow.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A key cannot name anything outside the storage root, whatever it is made from. */
class StorageKeyTest {

    @Test
    void keysAreKindIdAndName() {
        UUID u = UUID.fromString("1b4e28ba-2fa1-11d2-883f-0016d3cca427");
        assertThat(StorageKey.of("data", 123)).hasToString("data/123");
        assertThat(StorageKey.of("uploads", u).child("chunk-7")).hasToString("uploads/" + u + "/chunk-7");
        assertThat(StorageKey.of("uploads", u).child("part").record()).isEqualTo(StorageKey.of("uploads", u));
        assertThat(StorageKey.of("data", 123).name()).isEmpty();
        assertThat(StorageKey.of("data", 123)).isEqualTo(StorageKey.of("data", 123)).isNotEqualTo(StorageKey.of("data", 124));
    }

    @Test
    void aSegmentThatCouldEscapeTheRootOrCollideIsRefused() {
        for (String bad : new String[] {"", ".", "..", "../x", "a/b", "a\\b", "/abs", "a\0b", "a\nb", "Data", " a",
            "-a", "_a", "a.b", "é", "x".repeat(65)}) {
            assertThatThrownBy(() -> StorageKey.of(bad, 1)).as("kind %s", bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> StorageKey.of("data", 1).child(bad)).as("name %s", bad)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> StorageKey.of("data", bad, null)).as("id %s", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> StorageKey.of(null, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StorageKey.of("data", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StorageKey.of("data", 1).child("a").child("b")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shardsAreTwoHexLevelsStableAndSpread() {
        assertThat(StorageKey.of("data", 123).shard()).matches("[0-9a-f]{2}/[0-9a-f]{2}").isEqualTo(StorageKey.of("other", 123).shard());
        assertThat(StorageKey.of("data", 123).child("x").shard()).isEqualTo(StorageKey.of("data", 123).shard());
        // consecutive ids (how records are numbered) land in many folders, not a few
        Set<String> first = new HashSet<>();
        for (long id = 1; id <= 1000; id++) first.add(StorageKey.of("data", id).shard().substring(0, 2));
        assertThat(first).hasSizeGreaterThan(200);
        // fixed forever: stored files are found by it
        assertThat(StorageKey.of("data", 0).shard()).isEqualTo("9a/18");
        assertThat(StorageKey.of("data", 123).shard()).isEqualTo("c0/15");
        assertThat(StorageKey.of("uploads", UUID.fromString("1b4e28ba-2fa1-11d2-883f-0016d3cca427")).shard()).isEqualTo("ba/f6");
    }
}
