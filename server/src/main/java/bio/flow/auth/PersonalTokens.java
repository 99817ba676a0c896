package bio.flow.auth;

import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.Listing;
import bio.flow.http.Paging;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * Personal API tokens: long-lived bearer tokens that a user makes for scripts and the flowbio CLI, and that work
 * wherever a session's access token does (see {@link Authenticator}). A token is {@value #PREFIX} followed by 320
 * random bits; it is answered once, when it is made, and only its SHA-256 hash is kept. A fast hash is enough here,
 * unlike for passwords: with 320 random bits there is no list of likely tokens to try against a leaked hash, so a slow
 * hash would protect nothing and would cost every request that carries a token.
 *
 * <p>A token stops working when it is revoked, when it expires, or when its user is deleted (its row goes with the
 * user's). A password change or reset does not revoke it: tokens are revoked one by one, by their user or an admin.
 */
public final class PersonalTokens {
    public static final String PREFIX = "flow_pat_";
    private static final int RANDOM_BYTES = 40;
    /** The prefix, then RANDOM_BYTES in unpadded base64url (54 characters). */
    private static final Pattern FORMAT = Pattern.compile(Pattern.quote(PREFIX) + "[A-Za-z0-9_-]{54}");
    /** Characters of a token kept in the clear and listed, so that its owner can tell tokens apart: 24 of its 320 random bits. */
    private static final int SHOWN_CHARS = PREFIX.length() + 4;
    /** The most tokens a user may have that are neither revoked nor expired. */
    public static final int MAX_LIVE = 50;
    public static final int MAX_NAME_LENGTH = 100;
    public static final int MAX_DAYS = 3650;
    /**
     * How stale last_used may be: it is written only when the stored value is older, so that a token used many times a
     * minute costs one write a minute, on any number of servers, rather than one per request.
     */
    static final Duration LAST_USED_PRECISION = Duration.ofMinutes(1);
    /** What makes a token live, of personal_tokens as {@code t}. */
    private static final String LIVE = "t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())";
    private static final String COLUMNS = "id, name, prefix, created, last_used, expires_at, revoked_at";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;

    public PersonalTokens(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A token as its owner and the admins see it: never the token itself. */
    public record Token(long id, String name, String prefix, Instant created, Instant last_used, Instant expires_at, Instant revoked_at) {}

    /** A token just made, with the token itself, which is answered this once. */
    public record Created(long id, String name, String prefix, Instant created, Instant last_used, Instant expires_at, Instant revoked_at,
                          String token) {}

    public record TokenList(long count, List<Token> tokens) {}

    /** Whether a bearer credential is meant as a personal token (rather than a session's access token). */
    public static boolean isPersonalToken(String credential) {
        return credential.startsWith(PREFIX);
    }

    /**
     * The user a live token belongs to, loaded fresh as for an access token; empty when the token is malformed, unknown,
     * revoked or expired. Notes the use in last_used, at most once per {@link #LAST_USED_PRECISION}.
     */
    public Optional<Caller> authenticate(String credential) {
        if (!FORMAT.matcher(credential).matches()) return Optional.empty();
        return jdbi.withHandle(h -> {
            record Found(long tokenId, boolean lastUsedStale, Caller caller) {}
            Optional<Found> found = h.createQuery("SELECT t.id, t.last_used IS NULL OR t.last_used < now() - make_interval(secs => :precision), "
                            + "u.id, u.username, u.is_admin, u.can_run_pipelines "
                            + "FROM personal_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = :hash AND " + LIVE)
                    .bind("hash", RefreshTokens.sha256(credential)).bind("precision", LAST_USED_PRECISION.toSeconds())
                    // A token proves no recent sign-in: its signedInAt is never fresh enough for what asks for one.
                    .map((rs, c) -> new Found(rs.getLong(1), rs.getBoolean(2),
                            new Caller(rs.getLong(3), rs.getString(4), rs.getBoolean(5), rs.getBoolean(6), Instant.EPOCH, true)))
                    .findOne();
            found.filter(Found::lastUsedStale).ifPresent(f -> h.createUpdate("UPDATE personal_tokens SET last_used = now() WHERE id = :id "
                            + "AND (last_used IS NULL OR last_used < now() - make_interval(secs => :precision))")
                    .bind("id", f.tokenId()).bind("precision", LAST_USED_PRECISION.toSeconds()).execute());
            return found.map(Found::caller);
        });
    }

    /** Makes a token for the user, expiring in {@code expiresInDays} (null: never); 409 when they have {@link #MAX_LIVE} live ones. */
    public Created create(long userId, String name, Integer expiresInDays) {
        byte[] random = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(random);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        return jdbi.inTransaction(h -> {
            // The user's row is locked so that parallel creates count one after the other: without the lock each of two
            // could see MAX_LIVE - 1 live tokens and insert one.
            h.createQuery("SELECT id FROM users WHERE id = :u FOR NO KEY UPDATE").bind("u", userId).mapTo(Long.class).one();
            long live = h.createQuery("SELECT count(*) FROM personal_tokens t WHERE t.user_id = :u AND " + LIVE)
                    .bind("u", userId).mapTo(Long.class).one();
            if (live >= MAX_LIVE) {
                throw ApiException.conflict("you have " + MAX_LIVE + " live personal API tokens, the most allowed: revoke one first",
                        Map.of("limit", MAX_LIVE));
            }
            return h.createQuery("INSERT INTO personal_tokens (user_id, name, prefix, token_hash, expires_at) "
                            + "VALUES (:u, :name, :prefix, :hash, now() + :days * interval '1 day') RETURNING " + COLUMNS)
                    .bind("u", userId).bind("name", name).bind("prefix", token.substring(0, SHOWN_CHARS)).bind("hash", RefreshTokens.sha256(token))
                    .bind("days", expiresInDays)
                    .map((rs, c) -> {
                        Token t = token(rs);
                        return new Created(t.id(), t.name(), t.prefix(), t.created(), t.last_used(), t.expires_at(), t.revoked_at(), token);
                    })
                    .one();
        });
    }

    /** The user's tokens, live, expired and revoked, newest first. */
    public TokenList list(long userId, Paging paging) {
        return jdbi.withHandle(h -> Listing.read(h, paging, "SELECT count(*) FROM personal_tokens WHERE user_id = :u",
                "SELECT " + COLUMNS + " FROM personal_tokens WHERE user_id = :u ORDER BY id DESC " + paging.sql(),
                q -> q.bind("u", userId), (rs, c) -> token(rs), (count, page, items) -> new TokenList(count, items)));
    }

    /**
     * Revokes the token (one already revoked keeps its time) and answers it; empty when there is no such token, or
     * {@code ownerId} is not null and the token is not theirs.
     */
    public Optional<Token> revoke(long tokenId, Long ownerId) {
        String sql = "UPDATE personal_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = :id"
                + (ownerId == null ? "" : " AND user_id = :owner") + " RETURNING " + COLUMNS;
        return jdbi.withHandle(h -> {
            var update = h.createQuery(sql).bind("id", tokenId);
            if (ownerId != null) update.bind("owner", ownerId);
            return update.map((rs, c) -> token(rs)).findOne();
        });
    }

    private static Token token(ResultSet rs) throws SQLException {
        return new Token(rs.getLong("id"), rs.getString("name"), rs.getString("prefix"), instant(rs.getTimestamp("created")),
                instant(rs.getTimestamp("last_used")), instant(rs.getTimestamp("expires_at")), instant(rs.getTimestamp("revoked_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
