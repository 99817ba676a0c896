package bio.flow.users;

import java.time.Instant;

/** A row of {@code users}. The password hash never leaves the server: responses are built from other types. */
public record User(long id, String username, String email, String passwordHash, String firstName, String lastName,
                   boolean isAdmin, boolean canRunPipelines, String sshKey, String sshKeyFingerprint, Instant created) {}
