package bio.flow.auth;

import bio.flow.users.User;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;

/**
 * A signed-in browser: a short-lived access token in the answer, and a long-lived refresh token in an
 * HttpOnly, SameSite=Lax cookie (Secure when Flow is served over https) that GET /token exchanges for a
 * new access token and the next refresh token (see {@link RefreshTokens}).
 */
public final class Sessions {
    public static final String REFRESH_COOKIE = "flow_refresh_token";

    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final boolean secureCookies;

    public Sessions(AccessTokens accessTokens, RefreshTokens refreshTokens, boolean secureCookies) {
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.secureCookies = secureCookies;
    }

    /** The answer of every sign-in and of GET /token. */
    public record TokenResponse(String access_token, String token_type, long expires_in, UserSummary user) {}

    public record UserSummary(long id, String username, String email) {}

    /** A sign-in: starts a refresh-token family, sets its cookie and issues an access token. */
    public TokenResponse start(Context ctx, User user) {
        return continueWith(ctx, user, refreshTokens.create(user.id()));
    }

    /** Sets the cookie of the family's next refresh token and issues an access token carrying the family's sign-in time. */
    public TokenResponse continueWith(Context ctx, User user, RefreshTokens.Issued refresh) {
        long maxAge = Math.max(0, Duration.between(Instant.now(), refresh.expiresAt()).toSeconds());
        setCookie(ctx, refresh.secret(), maxAge);
        return new TokenResponse(accessTokens.issue(user.id(), user.username(), refresh.signedInAt()), "Bearer",
                AccessTokens.LIFETIME.toSeconds(), new UserSummary(user.id(), user.username(), user.email()));
    }

    public void clearCookie(Context ctx) {
        setCookie(ctx, "", 0);
    }

    private void setCookie(Context ctx, String value, long maxAgeSeconds) {
        ctx.header("Set-Cookie", REFRESH_COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds
                + "; HttpOnly; SameSite=Lax" + (secureCookies ? "; Secure" : ""));
    }
}
