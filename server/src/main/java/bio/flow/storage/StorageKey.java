package bio.flow.storage;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The name of stored bytes: a record kind and the record's id ({@code data/123}), optionally with a name under
 * it ({@code uploads/<uuid>/chunk-7}). Keys are Flow's own, made from database ids; a client's filename is
 * metadata and never part of a key. Every segment is lowercase letters, digits, {@code -} and {@code _},
 * starting with a letter or digit, so that no key can be empty, hold a separator, be {@code .} or {@code ..},
 * or differ from another only in case (on a case-insensitive file system): whatever a key is made from, it
 * names a place inside the storage root.
 *
 * <p>{@link #shard()} spreads a kind's records over 65,536 folders (two levels of 256, from a hash of the id),
 * so that no folder holds millions of entries.
 */
public final class StorageKey implements Comparable<StorageKey> {
    private static final Pattern SEGMENT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private final String kind;
    private final String id;
    private final String name; // null: the record's own bytes

    private StorageKey(String kind, String id, String name) {
        this.kind = segment("kind", kind);
        this.id = segment("id", id);
        this.name = name == null ? null : segment("name", name);
    }

    /** The key of a record with a database id, e.g. {@code data/123}. */
    public static StorageKey of(String kind, long id) {
        if (id < 0) throw new IllegalArgumentException("a storage id is not negative: " + id);
        return new StorageKey(kind, Long.toString(id), null);
    }

    /** The key of a record with a UUID, e.g. {@code uploads/1b4e28ba-2fa1-11d2-883f-0016d3cca427}. */
    public static StorageKey of(String kind, UUID id) {
        return new StorageKey(kind, id.toString(), null);
    }

    /** A named key under this record, e.g. {@code uploads/<uuid>/chunk-7}. */
    public StorageKey child(String name) {
        if (this.name != null) throw new IllegalStateException(this + " is already a child key");
        return new StorageKey(kind, id, Objects.requireNonNull(name, "name"));
    }

    /** For implementations mapping stored names back to keys; refuses what {@link #of} could not have made. */
    static StorageKey of(String kind, String id, String name) {
        return new StorageKey(kind, id, name);
    }

    /** Whether a text is a valid segment (kind, id or name). */
    static boolean isSegment(String text) {
        return text != null && SEGMENT.matcher(text).matches();
    }

    private static String segment(String what, String text) {
        if (!isSegment(text)) {
            throw new IllegalArgumentException("a storage key's " + what + " is 1 to 64 of [a-z0-9_-], starting with "
                    + "a letter or digit: " + (text == null ? "null" : '"' + text.replace("\0", "\\0") + '"'));
        }
        return text;
    }

    public String kind() {
        return kind;
    }

    public String id() {
        return id;
    }

    /** An id as a record's (a database id), or null when it is none: a UUID, or a file that is no key of Flow's. */
    public static Long recordId(String id) {
        try {
            return Long.valueOf(id);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** The record this key belongs to: itself, or the record a child key is under. */
    public StorageKey record() {
        return name == null ? this : new StorageKey(kind, id, null);
    }

    /**
     * Two folder names of two lowercase hex digits each, from a hash of the id (the 32-bit finaliser of
     * MurmurHash3 over {@link String#hashCode()}, both fixed forever, since stored files are found by it).
     * A record and its children share the shard.
     */
    public String shard() {
        int h = id.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return String.format("%02x/%02x", (h >>> 8) & 0xff, h & 0xff);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StorageKey k && kind.equals(k.kind) && id.equals(k.id) && Objects.equals(name, k.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, id, name);
    }

    @Override
    public int compareTo(StorageKey o) {
        return toString().compareTo(o.toString());
    }

    /** {@code kind/id} or {@code kind/id/name}. */
    @Override
    public String toString() {
        return name == null ? kind + "/" + id : kind + "/" + id + "/" + name;
    }
}
