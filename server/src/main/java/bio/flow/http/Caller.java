package bio.flow.http;

import java.time.Instant;

/**
 * The signed-in user making a request, as loaded fresh from the database for that request, and when they
 * signed in (the {@code auth_time} of their access token), for actions that want a recent sign-in.
 */
public record Caller(long id, String username, boolean isAdmin, boolean canRunPipelines, Instant signedInAt) {}
