package bio.flow.http;

import java.time.Instant;

/**
 * The signed-in user making a request, as loaded fresh from the database for that request, and when they
 * signed in (the {@code auth_time} of their access token), for actions that want a recent sign-in.
 * {@code personalToken}: the request came with a personal API token rather than a session's access token, so that
 * the few actions kept for sessions (managing tokens, changing the password or email) can refuse it.
 */
public record Caller(long id, String username, boolean isAdmin, boolean canRunPipelines, Instant signedInAt, boolean personalToken) {}
