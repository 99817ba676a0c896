package bio.flow.auth;

import bio.flow.analytics.ActiveUsers;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import io.javalin.http.Context;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Who is calling: the bearer token checked, then the user loaded fresh, so that a deleted account or a
 * revoked admin right takes effect at once rather than when the token expires. The bearer token is a session's
 * access token (a JWT) or a personal API token ({@link PersonalTokens}, told apart by its prefix), which works
 * everywhere an access token does except where a handler calls {@link #requireSession}. Handlers call
 * {@link #require} for private endpoints and {@link #optional} for ones anonymous callers may use. Every caller
 * resolved counts as active today ({@link ActiveUsers}).
 */
public final class Authenticator {
    private static final String ATTRIBUTE = "flow.caller";

    private final AccessTokens tokens;
    private final PersonalTokens personalTokens;
    private final Jdbi jdbi;
    private final ActiveUsers activeUsers;

    public Authenticator(AccessTokens tokens, PersonalTokens personalTokens, Jdbi jdbi, ActiveUsers activeUsers) {
        this.tokens = tokens;
        this.personalTokens = personalTokens;
        this.jdbi = jdbi;
        this.activeUsers = activeUsers;
    }

    public Caller require(Context ctx) {
        return optional(ctx).orElseThrow(() -> ApiException.unauthorized(
                ctx.header("Authorization") == null ? "authentication required" : "invalid or expired access token"));
    }

    /**
     * A caller signed in with a session, for what a personal API token may not do ({@code action}, e.g. "change the
     * password"): a stolen token must not let its holder take the account over or make itself more tokens.
     */
    public Caller requireSession(Context ctx, String action) {
        Caller caller = require(ctx);
        requireSession(caller, action);
        return caller;
    }

    /** 403 when the caller came with a personal API token, for actions only sometimes kept for sessions (an email change). */
    public static void requireSession(Caller caller, String action) {
        if (caller.personalToken()) {
            throw ApiException.forbidden("a personal API token cannot " + action + ": sign in and use the access token of the session");
        }
    }

    /** Empty for anonymous callers; a present but bad token is still a 401, never silently anonymous. */
    public Optional<Caller> optional(Context ctx) {
        Caller cached = ctx.attribute(ATTRIBUTE);
        if (cached != null) return Optional.of(cached);
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) return Optional.empty();
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) throw ApiException.unauthorized("Authorization must be 'Bearer <access token>'");
        String credential = header.substring(7).strip();
        Caller caller = PersonalTokens.isPersonalToken(credential) ? personalTokens.authenticate(credential)
                .orElseThrow(() -> ApiException.unauthorized("invalid, expired or revoked personal API token"))
                : sessionCaller(credential);
        ctx.attribute(ATTRIBUTE, caller);
        activeUsers.seen(caller.id());
        return Optional.of(caller);
    }

    private Caller sessionCaller(String accessToken) {
        AccessTokens.Verified token = tokens.verify(accessToken)
                .orElseThrow(() -> ApiException.unauthorized("invalid or expired access token"));
        return jdbi.withHandle(h -> h.createQuery("SELECT id, username, is_admin, can_run_pipelines FROM users WHERE id = :id")
                        .bind("id", token.userId())
                        .map((rs, c) -> new Caller(rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4), token.signedInAt(), false))
                        .findOne())
                .orElseThrow(() -> ApiException.unauthorized("the account of this token no longer exists"));
    }
}
