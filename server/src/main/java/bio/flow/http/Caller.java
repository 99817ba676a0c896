package bio.flow.http;

/** The signed-in user making a request, as loaded fresh from the database for that request. */
public record Caller(long id, String username, boolean isAdmin, boolean canRunPipelines) {}
