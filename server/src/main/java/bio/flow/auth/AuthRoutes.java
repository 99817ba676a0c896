package bio.flow.auth;

import bio.flow.config.Config.OidcIssuer;
import bio.flow.http.ApiException;
import bio.flow.http.ClientAddress;
import bio.flow.http.Json;
import bio.flow.users.User;
import bio.flow.users.UserStore;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.javalin.http.Context;
import java.util.List;

/**
 * POST /signup, /login, /oidc-login, /logout, GET /token, /oidc-issuers, POST /password-reset/request, /password-reset.
 * Signing in answers an access token and sets the refresh-token cookie that GET /token later turns into
 * a new access token.
 */
public final class AuthRoutes {
    private final AuthService auth;
    private final Sessions sessions;
    private final RefreshTokens refreshTokens;
    private final UserStore users;
    private final ClientAddress clientAddress;
    private final OidcIssuers oidcIssuers;

    public AuthRoutes(AuthService auth, Sessions sessions, RefreshTokens refreshTokens, UserStore users, ClientAddress clientAddress,
                      List<OidcIssuer> oidcIssuers) {
        this.oidcIssuers = new OidcIssuers(oidcIssuers.stream().map(i -> new PublicIssuer(i.issuer(), i.clientId())).toList());
        this.auth = auth;
        this.sessions = sessions;
        this.refreshTokens = refreshTokens;
        this.users = users;
        this.clientAddress = clientAddress;
    }

    /** The names may be left out (empty), but not null: the contract (and the reference) says they are strings. */
    record SignupRequest(String username, String email, String password,
                         @JsonDeserialize(using = Json.StringNotNull.class) String first_name,
                         @JsonDeserialize(using = Json.StringNotNull.class) String last_name) {}

    record LoginRequest(String username, String password) {}

    record OidcLoginRequest(String id_token) {}

    /** An identity provider as a browser needs it to start a sign-in there: Flow is a public client (PKCE), it has no secret. */
    record PublicIssuer(String issuer, String client_id) {}

    record OidcIssuers(List<PublicIssuer> issuers) {}

    record PasswordResetRequest(String email) {}

    record PasswordReset(String token, String password) {}

    record SuccessResponse(boolean success, String message) {}

    public void signup(Context ctx) {
        SignupRequest r = Json.body(ctx, SignupRequest.class);
        User user = auth.signup(r.username(), r.email(), r.password(), r.first_name(), r.last_name(), clientAddress.of(ctx));
        ctx.status(201).json(sessions.start(ctx, user));
    }

    public void login(Context ctx) {
        LoginRequest r = Json.body(ctx, LoginRequest.class);
        User user = auth.login(r.username(), r.password(), clientAddress.of(ctx));
        ctx.json(sessions.start(ctx, user));
    }

    public void oidcLogin(Context ctx) {
        OidcLoginRequest r = Json.body(ctx, OidcLoginRequest.class);
        User user = auth.oidcLogin(r.id_token());
        ctx.json(sessions.start(ctx, user));
    }

    /**
     * GET /oidc-issuers: the identity providers whose id_tokens POST /oidc-login accepts, with Flow's client id at each, so
     * that the web app can offer "Sign in with ..." for each. Public, as the sign-in page is; an empty list when none is configured.
     */
    public void oidcIssuers(Context ctx) {
        ctx.json(oidcIssuers);
    }

    /** Ends the session of this browser (its refresh-token family); access tokens already issued run out within 15 minutes. */
    public void logout(Context ctx) {
        String secret = ctx.cookie(Sessions.REFRESH_COOKIE);
        if (secret != null) refreshTokens.revokeFamily(secret);
        sessions.clearCookie(ctx);
        ctx.json(new SuccessResponse(true, "logged out"));
    }

    /** A new access token, and the next refresh token in the cookie: the one presented is retired. */
    public void token(Context ctx) {
        String secret = ctx.cookie(Sessions.REFRESH_COOKIE);
        if (secret == null) throw ApiException.unauthorized("no refresh token: log in first");
        RefreshTokens.Issued next = refreshTokens.rotate(secret).orElseThrow(() -> {
            sessions.clearCookie(ctx);
            return ApiException.unauthorized("refresh token is invalid, expired, revoked or already used: log in again");
        });
        User user = users.byId(next.userId()).orElseThrow(() -> ApiException.unauthorized("account no longer exists"));
        ctx.json(sessions.continueWith(ctx, user, next));
    }

    public void requestPasswordReset(Context ctx) {
        PasswordResetRequest r = Json.body(ctx, PasswordResetRequest.class);
        auth.requestPasswordReset(r.email(), clientAddress.of(ctx));
        ctx.json(new SuccessResponse(true, "if that email belongs to an account, a reset token is on its way"));
    }

    public void resetPassword(Context ctx) {
        PasswordReset r = Json.body(ctx, PasswordReset.class);
        auth.resetPassword(r.token(), r.password());
        ctx.json(new SuccessResponse(true, "password changed; log in with the new password"));
    }
}
