package bio.flow.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Long-lived refresh tokens: random secrets handed to the browser in an HttpOnly cookie, stored here only
 * as SHA-256 hashes. Logout revokes one; a password change or reset revokes all of a user's.
 */
public final class RefreshTokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final Duration lifetime;

    public RefreshTokens(Jdbi jdbi, Duration lifetime) {
        this.jdbi = jdbi;
        this.lifetime = lifetime;
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** Creates a token for the user and returns its secret, which exists nowhere else. */
    public String create(long userId) {
        String secret = randomSecret();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO refresh_tokens (token_hash, user_id, expires_at) VALUES (:h, :u, :e)")
                .bind("h", sha256(secret)).bind("u", userId).bind("e", Instant.now().plus(lifetime)).execute());
        return secret;
    }

    /** The user a live (unrevoked, unexpired) token belongs to. */
    public Optional<Long> userOf(String secret) {
        return jdbi.withHandle(h -> h.createQuery("SELECT user_id FROM refresh_tokens "
                        + "WHERE token_hash = :h AND revoked_at IS NULL AND expires_at > now()")
                .bind("h", sha256(secret)).mapTo(Long.class).findOne());
    }

    public void revoke(String secret) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE refresh_tokens SET revoked_at = now() WHERE token_hash = :h AND revoked_at IS NULL")
                .bind("h", sha256(secret)).execute());
    }

    public void revokeAll(Handle h, long userId) {
        h.createUpdate("UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = :u AND revoked_at IS NULL")
                .bind("u", userId).execute();
    }

    static String randomSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
