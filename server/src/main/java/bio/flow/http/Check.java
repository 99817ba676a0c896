package bio.flow.http;

import java.util.regex.Pattern;

/** Field checks shared by request records; each failure is a 400 that names the field. */
public final class Check {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");

    private Check() {}

    public static <T> T required(String field, T value) {
        if (value == null) throw ApiException.invalid(field, "is required");
        return value;
    }

    /** A required string, trimmed, between min and max characters. */
    public static String text(String field, String value, int min, int max) {
        String v = required(field, value).strip();
        return length(field, v, min, max);
    }

    /** An optional string: null stays null, else trimmed and checked. */
    public static String optionalText(String field, String value, int max) {
        return value == null ? null : length(field, value.strip(), 0, max);
    }

    private static String length(String field, String v, int min, int max) {
        if (v.length() < min) throw ApiException.invalid(field, min == 1 ? "must not be empty" : "must be at least " + min + " characters");
        if (v.length() > max) throw ApiException.invalid(field, "must be at most " + max + " characters");
        return v;
    }

    public static String email(String field, String value) {
        String v = text(field, value, 3, 254);
        if (!isEmail(v)) throw ApiException.invalid(field, "is not an email address");
        return v;
    }

    public static boolean isEmail(String value) {
        return value.length() <= 254 && EMAIL.matcher(value).matches();
    }

    public static String matches(String field, String value, Pattern pattern, String rule) {
        if (!pattern.matcher(value).matches()) throw ApiException.invalid(field, rule);
        return value;
    }
}
