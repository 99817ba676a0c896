package bio.flow.groups;

import bio.flow.http.ApiException;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Group slugs: 3 to 50 lowercase letters, digits and '-', starting and ending with a letter or digit.
 * They name groups in URLs (/groups/{slug}) and in sharing requests, so words that are (or will be)
 * routes under /groups are reserved.
 */
final class GroupSlugs {
    static final int MIN = 3;
    static final int MAX = 50;
    private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]*[a-z0-9])?");
    private static final Set<String> RESERVED = Set.of("new", "search");

    private GroupSlugs() {}

    /** Checks a slug the client chose; a failure is a 400 on {@code field}. */
    static String check(String field, String slug) {
        if (slug.length() < MIN || slug.length() > MAX) {
            throw ApiException.invalid(field, "must be " + MIN + " to " + MAX + " characters");
        }
        if (!SLUG.matcher(slug).matches()) {
            throw ApiException.invalid(field, "may only hold lowercase letters, digits and '-', and must start and end with a letter or digit");
        }
        if (RESERVED.contains(slug)) throw ApiException.invalid(field, "'" + slug + "' is reserved");
        return slug;
    }

    /** A valid slug made from a group's name: "Smith Lab (Ü)" becomes "smith-lab-u". */
    static String fromName(String name) {
        String s = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        if (s.length() > MAX) s = s.substring(0, MAX).replaceAll("-+$", "");
        if (s.isEmpty()) return "group";
        if (s.length() < MIN || RESERVED.contains(s)) return s + "-group";
        return s;
    }
}
