package bio.flow.http;

import java.nio.charset.StandardCharsets;

/**
 * The {@code Content-Disposition} of a file served as an attachment (RFC 6266): a plain-ASCII {@code filename} for
 * old clients, in which anything outside printable ASCII, and the quote, backslash and percent sign, becomes
 * {@code _}, and the exact name as {@code filename*=UTF-8''...} (RFC 8187), percent-encoded but for the characters
 * that may stand bare. Neither ever holds a raw quote or control character, whatever the name.
 */
public final class ContentDisposition {
    private ContentDisposition() {}

    public static String attachment(String filename) {
        StringBuilder ascii = new StringBuilder();
        filename.codePoints().forEach(c -> ascii.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '%' ? (char) c : '_'));
        StringBuilder encoded = new StringBuilder();
        for (byte b : filename.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (attrChar(c)) encoded.append((char) c);
            else encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
        }
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }

    /** RFC 8187's attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~". */
    private static boolean attrChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$&+-.^_`|~".indexOf(c) >= 0;
    }
}
