package bio.flow.uploads;

import java.util.Locale;

/** How a file's bytes are compressed, apart from what they hold (see {@link DataDetection}). */
public enum Compression {
    NONE,
    GZIP,
    /** Blocked gzip (BAM, tabix-indexed VCF/BED/GFF): gzip members of at most 64 KiB, each carrying a 'BC' extra field. */
    BGZF;

    /** The identifier the API uses: {@code none}, {@code gzip} or {@code bgzf}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
