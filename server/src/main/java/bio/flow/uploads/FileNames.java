package bio.flow.uploads;

import bio.flow.http.ApiException;
import java.util.List;
import java.util.Locale;

/**
 * The check every upload and import applies to the filename a client gives. The name is metadata only (storage
 * paths are Flow's own, by id), so it is kept exactly as given once it passes; the check exists so that the
 * name is safe wherever it is shown or used later: in a download's Content-Disposition, as an entry of a ZIP
 * archive, in a terminal, or as a file that a pipeline is given.
 *
 * <p>Refused, each with a 400 on {@code filename} that says what is wrong:
 * <ul>
 * <li>a missing, empty or blank name;
 * <li>more than {@value #MAX_BYTES} bytes in UTF-8 (the limit of a file name on common filesystems);
 * <li>text that is not valid Unicode (an unpaired surrogate, which has no UTF-8 form);
 * <li>control characters: C0 (U+0000-U+001F), DEL, C1 (U+0080-U+009F), and the line and paragraph separators
 *     U+2028 and U+2029, which break logs, headers and line-oriented manifests;
 * <li>the bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069, the
 *     Unicode Bidi_Control set): invisible, they make a name display differently from what it is
 *     ({@code "report\u202Etxt.exe"} shows as "reportexe.txt"). Right-to-left letters themselves are fine;
 * <li>{@code .} and {@code ..}, and any {@code ..} path segment;
 * <li>path separators, {@code /} and {@code \}.
 * </ul>
 */
public final class FileNames {
    public static final int MAX_BYTES = 255;

    private FileNames() {}

    /** The name as given, once it passes every check above. */
    public static String check(String name) {
        if (name == null) throw refuse("is required");
        if (name.isEmpty() || name.codePoints().allMatch(FileNames::isSpace)) throw refuse("must not be empty or blank");
        int bytes = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1));
                if (!paired) throw refuse("is not valid Unicode text (an unpaired surrogate at position " + (i + 1) + ")");
                bytes += 4;
                i++;
                continue;
            }
            if (isControl(c)) throw refuse("must not contain control characters (" + codePoint(c) + " at position " + (i + 1) + ")");
            if (isBidiControl(c)) {
                throw refuse("must not contain bidirectional formatting characters (" + codePoint(c) + " at position " + (i + 1)
                        + "): they make a name display differently from what it is");
            }
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        if (bytes > MAX_BYTES) throw refuse("must be at most " + MAX_BYTES + " bytes in UTF-8 (this one has " + bytes + ")");
        if (name.equals(".") || name.equals("..")) throw refuse("must not be '.' or '..'");
        for (String segment : name.split("[/\\\\]", -1)) {
            if (segment.equals("..")) throw refuse("must not contain a '..' path segment");
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) throw refuse("must not contain path separators ('/' or '\\')");
        return name;
    }

    private static ApiException refuse(String message) {
        return ApiException.invalid("filename", message);
    }

    private static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    private static boolean isControl(char c) {
        return c <= 0x1F || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029';
    }

    private static boolean isBidiControl(char c) {
        return c == '\u061C' || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
    }

    private static String codePoint(char c) {
        return String.format("U+%04X", (int) c);
    }

    /** The name without its gzip suffix ({@code .gz}, {@code .bgz}, {@code .bgzf}, any case): what it holds uncompressed. */
    public static String withoutGzipSuffix(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String suffix : List.of(".gz", ".bgz", ".bgzf")) {
            if (lower.endsWith(suffix) && name.length() > suffix.length()) return name.substring(0, name.length() - suffix.length());
        }
        return name;
    }
}
