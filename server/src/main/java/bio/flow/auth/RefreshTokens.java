package bio.flow.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long-lived refresh tokens: random secrets handed to the browser in an HttpOnly cookie, stored here only
 * as SHA-256 hashes. Each sign-in starts a family; each use ({@link #rotate}) retires the token and issues
 * its successor in the family, with the family's sign-in time and end. A retired token presented again is
 * reuse, so theft of the token or of its successor: the whole family is revoked. Logout revokes one
 * family; a password change or reset revokes all of a user's.
 *
 * <p>Grace: within {@link #GRACE} of its retirement, and while its successor is unused, a retired token
 * answers that same successor again. That is what two refreshes sent at once by one browser (two tabs, a
 * retry after a lost answer) need, and it keeps the family a single chain: the successor is derived from
 * the token with a server key ({@link #successor}), so no secret is stored, both answers set the same
 * cookie, and a thief replaying inside the grace gets the very token its owner holds, whose next use by
 * the other party is then reuse.
 */
public final class RefreshTokens {
    private static final Logger log = LoggerFactory.getLogger(RefreshTokens.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    public static final Duration GRACE = Duration.ofSeconds(10);

    private final Jdbi jdbi;
    private final Duration lifetime;
    private final SecretKeySpec successorKey;

    /** {@code serverSecret}: shared by every server of a deployment (the JWT secret), so that any of them can answer the grace. */
    public RefreshTokens(Jdbi jdbi, Duration lifetime, byte[] serverSecret) {
        this.jdbi = jdbi;
        this.lifetime = lifetime;
        this.successorKey = new SecretKeySpec(serverSecret, "HmacSHA256");
    }

    /** A token to set in the cookie: its secret (which exists nowhere else), and its family's user, sign-in time and end. */
    public record Issued(String secret, long userId, Instant signedInAt, Instant expiresAt) {}

    /** Starts a family: a sign-in. */
    public Issued create(long userId) {
        String secret = randomSecret();
        Instant now = Instant.now();
        Issued token = new Issued(secret, userId, now, now.plus(lifetime));
        jdbi.useHandle(h -> insert(h, token, UUID.randomUUID()));
        return token;
    }

    private record Presented(long userId, UUID familyId, Instant signedInAt, Instant expiresAt, boolean dead, boolean retired,
                             boolean inGrace) {}

    /**
     * Exchanges a token for its successor (see the class comment), or nothing when the token is unknown,
     * expired, revoked, or reused (then its family is revoked, for good: the revocation is committed).
     */
    public Optional<Issued> rotate(String secret) {
        String hash = sha256(secret);
        return jdbi.inTransaction(h -> {
            Optional<Long> owner = h.createQuery("SELECT user_id FROM refresh_tokens WHERE token_hash = :h")
                    .bind("h", hash).mapTo(Long.class).findOne();
            if (owner.isEmpty()) return Optional.empty();
            lockSessionsOf(h, owner.get());
            Optional<Presented> presented = h.createQuery("SELECT user_id, family_id, signed_in_at, expires_at, "
                            + "revoked_at IS NOT NULL OR expires_at <= now() AS dead, replaced_at IS NOT NULL AS retired, "
                            + "coalesce(replaced_at > now() - make_interval(secs => :grace), FALSE) AS in_grace "
                            + "FROM refresh_tokens WHERE token_hash = :h")
                    .bind("h", hash).bind("grace", GRACE.toSeconds())
                    .map((rs, c) -> new Presented(rs.getLong(1), rs.getObject(2, UUID.class), rs.getTimestamp(3).toInstant(),
                            rs.getTimestamp(4).toInstant(), rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7)))
                    .findOne();
            if (presented.isEmpty() || presented.get().dead()) return Optional.empty();
            Presented t = presented.get();
            Issued next = new Issued(successor(secret), t.userId(), t.signedInAt(), t.expiresAt());
            if (!t.retired()) {
                h.createUpdate("UPDATE refresh_tokens SET replaced_at = now() WHERE token_hash = :h").bind("h", hash).execute();
                insert(h, next, t.familyId());
                return Optional.of(next);
            }
            boolean successorUnused = t.inGrace() && h.createQuery("SELECT EXISTS (SELECT 1 FROM refresh_tokens "
                            + "WHERE token_hash = :h AND replaced_at IS NULL AND revoked_at IS NULL)")
                    .bind("h", sha256(next.secret())).mapTo(Boolean.class).one();
            if (successorUnused) return Optional.of(next);
            revokeFamily(h, t.familyId());
            log.warn("a retired refresh token of user {} was presented again: its session family is revoked", t.userId());
            return Optional.empty();
        });
    }

    /** Logout: ends the family of the token, whichever of its tokens the browser holds. */
    public void revokeFamily(String secret) {
        String hash = sha256(secret);
        jdbi.useTransaction(h -> {
            Optional<Long> owner = h.createQuery("SELECT user_id FROM refresh_tokens WHERE token_hash = :h")
                    .bind("h", hash).mapTo(Long.class).findOne();
            if (owner.isEmpty()) return;
            lockSessionsOf(h, owner.get());
            h.createUpdate("UPDATE refresh_tokens SET revoked_at = now() WHERE revoked_at IS NULL "
                    + "AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = :h)").bind("h", hash).execute();
        });
    }

    public void revokeAll(Handle h, long userId) {
        lockSessionsOf(h, userId);
        h.createUpdate("UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = :u AND revoked_at IS NULL")
                .bind("u", userId).execute();
    }

    /**
     * Every change to a user's tokens other than a new sign-in takes this lock (the user's row) first, so
     * that a revocation sees, and ends, a successor that a parallel rotation was just inserting: locking
     * the presented token alone would not order a rotation of one token against a revocation that reached
     * its family through another.
     */
    private static void lockSessionsOf(Handle h, long userId) {
        h.createQuery("SELECT id FROM users WHERE id = :u FOR NO KEY UPDATE").bind("u", userId).mapTo(Long.class).findOne();
    }

    private static void revokeFamily(Handle h, UUID familyId) {
        h.createUpdate("UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = :f AND revoked_at IS NULL")
                .bind("f", familyId).execute();
    }

    private static void insert(Handle h, Issued token, UUID familyId) {
        h.createUpdate("INSERT INTO refresh_tokens (token_hash, user_id, family_id, signed_in_at, expires_at) "
                        + "VALUES (:h, :u, :f, :s, :e)")
                .bind("h", sha256(token.secret())).bind("u", token.userId()).bind("f", familyId)
                .bind("s", token.signedInAt()).bind("e", token.expiresAt()).execute();
    }

    /** The successor of a token: a keyed hash of it, so that only the server can compute it. */
    private String successor(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(successorKey);
            byte[] next = mac.doFinal(("flow refresh token successor:" + secret).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(next);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
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
