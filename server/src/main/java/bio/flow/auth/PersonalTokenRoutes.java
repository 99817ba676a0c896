package bio.flow.auth;

import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.Check;
import bio.flow.http.Json;
import bio.flow.http.Paging;
import bio.flow.http.PathIds;
import bio.flow.users.UserStore;
import io.javalin.http.Context;

/**
 * POST /settings/tokens, GET /settings/tokens, POST /settings/tokens/{id}/revoke (one's own personal API tokens), and
 * GET /admin/users/{username}/tokens, POST /admin/tokens/{id}/revoke (anyone's, for administrators). Tokens are managed
 * only from a signed-in session: a personal token can neither make, list nor revoke tokens, so that a stolen one cannot
 * make itself successors or learn of the others.
 */
public final class PersonalTokenRoutes {
    private final Authenticator authenticator;
    private final PersonalTokens tokens;
    private final UserStore users;

    public PersonalTokenRoutes(Authenticator authenticator, PersonalTokens tokens, UserStore users) {
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.users = users;
    }

    record CreateRequest(String name, Long expires_in_days) {}

    public void create(Context ctx) {
        Caller caller = authenticator.requireSession(ctx, "make personal API tokens");
        CreateRequest r = Json.body(ctx, CreateRequest.class);
        String name = Check.text("name", r.name(), 1, PersonalTokens.MAX_NAME_LENGTH);
        Long days = r.expires_in_days();
        if (days != null && (days < 1 || days > PersonalTokens.MAX_DAYS)) {
            throw ApiException.invalid("expires_in_days", "must be between 1 and " + PersonalTokens.MAX_DAYS + " (leave it out for a token that does not expire)");
        }
        ctx.status(201).json(tokens.create(caller.id(), name, days == null ? null : days.intValue()));
    }

    public void list(Context ctx) {
        Caller caller = authenticator.requireSession(ctx, "list personal API tokens");
        ctx.json(tokens.list(caller.id(), Paging.from(ctx)));
    }

    public void revoke(Context ctx) {
        Caller caller = authenticator.requireSession(ctx, "revoke personal API tokens");
        long id = PathIds.of(ctx, "id", "personal API token");
        // Another user's token is not found, as one that does not exist.
        ctx.json(tokens.revoke(id, caller.id()).orElseThrow(() -> ApiException.notFound("personal API token " + id)));
    }

    public void adminList(Context ctx) {
        requireAdmin(ctx, "list personal API tokens");
        String username = ctx.pathParam("username");
        long userId = users.byUsername(username).orElseThrow(() -> ApiException.notFound("user " + username)).id();
        ctx.json(tokens.list(userId, Paging.from(ctx)));
    }

    public void adminRevoke(Context ctx) {
        requireAdmin(ctx, "revoke personal API tokens");
        long id = PathIds.of(ctx, "id", "personal API token");
        ctx.json(tokens.revoke(id, null).orElseThrow(() -> ApiException.notFound("personal API token " + id)));
    }

    private void requireAdmin(Context ctx, String action) {
        Caller caller = authenticator.requireSession(ctx, action);
        if (!caller.isAdmin()) throw ApiException.forbidden("only administrators may " + action + " of other users");
    }
}
