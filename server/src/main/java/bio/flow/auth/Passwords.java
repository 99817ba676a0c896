package bio.flow.auth;

import bio.flow.http.ApiException;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/** Password rules and hashing (Argon2id, 19 MiB, 2 passes: OWASP's minimum, ~50 ms here). */
public final class Passwords {
    static final int MIN_LENGTH = 10;
    static final int MAX_LENGTH = 256;

    private final Argon2PasswordEncoder encoder = new Argon2PasswordEncoder(16, 32, 1, 19 * 1024, 2);
    // Compared against when the account does not exist, so that unknown users cost as much time as known ones.
    private final String decoyHash = encoder.encode("decoy-password-for-timing");

    public String hash(String password) {
        return encoder.encode(password);
    }

    /** False for a null hash (an OIDC-only account has no password). */
    public boolean matches(String password, String hash) {
        if (hash == null) {
            encoder.matches(password, decoyHash);
            return false;
        }
        return encoder.matches(password, hash);
    }

    public void spendDecoyTime(String password) {
        encoder.matches(password, decoyHash);
    }

    /** Throws a 400 naming {@code field} when the password is too weak for this username. */
    public static void checkStrength(String field, String password, String username) {
        if (password == null) throw ApiException.invalid(field, "is required");
        if (password.length() < MIN_LENGTH) throw ApiException.invalid(field, "must be at least " + MIN_LENGTH + " characters");
        if (password.length() > MAX_LENGTH) throw ApiException.invalid(field, "must be at most " + MAX_LENGTH + " characters");
        if (username != null && password.equalsIgnoreCase(username)) throw ApiException.invalid(field, "must not be the username");
    }
}
