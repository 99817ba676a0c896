package bio.flow.users;

import bio.flow.http.ApiException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/**
 * Checks an OpenSSH public key line ({@code type base64 [comment]}) by decoding its wire format, and gives
 * its SHA256 fingerprint as {@code ssh-keygen -lf} prints it. Accepted: ed25519, ecdsa on the NIST curves,
 * and rsa of at least 2048 bits.
 */
public final class SshKeys {
    private static final Map<String, String> ECDSA_CURVES = Map.of(
            "ecdsa-sha2-nistp256", "nistp256", "ecdsa-sha2-nistp384", "nistp384", "ecdsa-sha2-nistp521", "nistp521");

    private SshKeys() {}

    public record Parsed(String normalised, String fingerprint) {}

    public static Parsed parse(String field, String line) {
        String[] parts = line.strip().split("\\s+", 3);
        if (parts.length < 2) throw ApiException.invalid(field, "must be an OpenSSH public key: '<type> <base64> [comment]'");
        String type = parts[0];
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(field, "the key data is not valid base64");
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(blob);
            String inner = new String(readString(in), StandardCharsets.US_ASCII);
            if (!inner.equals(type)) throw ApiException.invalid(field, "the key data is of type " + inner + ", not " + type);
            switch (type) {
                case "ssh-ed25519" -> {
                    if (readString(in).length != 32) throw ApiException.invalid(field, "an ed25519 key must be 32 bytes");
                }
                case "ssh-rsa" -> {
                    readString(in); // public exponent
                    int bits = new BigInteger(1, readString(in)).bitLength();
                    if (bits < 2048) throw ApiException.invalid(field, "an RSA key must have at least 2048 bits, this one has " + bits);
                }
                case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521" -> {
                    String curve = new String(readString(in), StandardCharsets.US_ASCII);
                    if (!curve.equals(ECDSA_CURVES.get(type))) throw ApiException.invalid(field, "the curve " + curve + " does not match " + type);
                    byte[] point = readString(in);
                    if (point.length == 0 || point[0] != 4) throw ApiException.invalid(field, "the ECDSA point is not an uncompressed point");
                }
                default -> throw ApiException.invalid(field, "key type " + type + " is not accepted (use ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa)");
            }
            if (in.hasRemaining()) throw ApiException.invalid(field, "the key data has trailing bytes");
        } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
            throw ApiException.invalid(field, "the key data is truncated or malformed");
        }
        String comment = parts.length == 3 ? parts[2].strip() : "";
        // The key is stored (and later written to authorized_keys files) as exactly one line.
        if (comment.codePoints().anyMatch(SshKeys::isControl)) {
            throw ApiException.invalid(field, "the comment must be one line without control characters");
        }
        String normalised = comment.isEmpty() ? type + " " + parts[1] : type + " " + parts[1] + " " + comment;
        return new Parsed(normalised, fingerprint(blob));
    }

    /** Control characters and the Unicode line and paragraph separators. */
    private static boolean isControl(int c) {
        return Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                || Character.getType(c) == Character.PARAGRAPH_SEPARATOR;
    }

    private static byte[] readString(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) throw new java.nio.BufferUnderflowException();
        byte[] out = new byte[length];
        in.get(out);
        return out;
    }

    private static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
