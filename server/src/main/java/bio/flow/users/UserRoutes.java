package bio.flow.users;

import bio.flow.auth.AuthService;
import bio.flow.auth.Authenticator;
import bio.flow.auth.Sessions;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.Check;
import bio.flow.http.ClientAddress;
import bio.flow.http.Json;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** GET /me, POST /settings/user, /settings/password, /settings/key, and POST /admin/users/{username}. */
public final class UserRoutes {
    private final Authenticator authenticator;
    private final UserStore users;
    private final AuthService auth;
    private final Sessions sessions;
    private final Jdbi jdbi;
    private final ClientAddress clientAddress;

    public UserRoutes(Authenticator authenticator, UserStore users, AuthService auth, Sessions sessions, Jdbi jdbi,
                      ClientAddress clientAddress) {
        this.authenticator = authenticator;
        this.users = users;
        this.auth = auth;
        this.sessions = sessions;
        this.jdbi = jdbi;
        this.clientAddress = clientAddress;
    }

    record MeResponse(long id, String username, String email, String first_name, String last_name, List<String> groups,
                      boolean can_run_pipelines, boolean is_admin, String ssh_key, String ssh_key_fingerprint, Instant created) {}

    record UserSettingsRequest(String first_name, String last_name, String email, String current_password) {}

    record PasswordChangeRequest(String current_password, String new_password) {}

    record SshKeyRequest(String ssh_key) {}

    record SshKeyResponse(String ssh_key, String ssh_key_fingerprint) {}

    record AdminUserRequest(Boolean is_admin, Boolean can_run_pipelines) {}

    record AdminUserResponse(long id, String username, boolean is_admin, boolean can_run_pipelines) {}

    public void me(Context ctx) {
        Caller caller = authenticator.require(ctx);
        ctx.json(me(users.byId(caller.id()).orElseThrow()));
    }

    private MeResponse me(User u) {
        return new MeResponse(u.id(), u.username(), u.email(), u.firstName(), u.lastName(), users.groupSlugs(u.id()),
                u.canRunPipelines(), u.isAdmin(), u.sshKey(), u.sshKeyFingerprint(), u.created());
    }

    /** Names change freely; a new email needs proof that the owner asks for it, and the old address hears of it. */
    public void updateSettings(Context ctx) {
        Caller caller = authenticator.require(ctx);
        UserSettingsRequest r = Json.body(ctx, UserSettingsRequest.class);
        String email = r.email() == null ? null : Check.email("email", r.email());
        String firstName = Check.optionalText("first_name", r.first_name(), 150);
        String lastName = Check.optionalText("last_name", r.last_name(), 150);
        User before = users.byId(caller.id()).orElseThrow();
        // Sending the email one already has (a whole settings form) is no change.
        boolean emailChanges = email != null && !email.equals(before.email());
        if (emailChanges) {
            Authenticator.requireSession(caller, "change the email");
            auth.checkEmailChange(before, r.current_password(), caller.signedInAt(), clientAddress.of(ctx));
        }
        User updated = users.updateProfile(caller.id(), firstName, lastName, email);
        if (emailChanges) auth.sendEmailChangedNotice(before, updated.email());
        ctx.json(me(updated));
    }

    public void changePassword(Context ctx) {
        Caller caller = authenticator.requireSession(ctx, "change the password");
        PasswordChangeRequest r = Json.body(ctx, PasswordChangeRequest.class);
        auth.changePassword(caller.id(), r.current_password(), r.new_password(), clientAddress.of(ctx));
        // Every other session ends; this one continues with a new access token and refresh cookie.
        ctx.json(sessions.start(ctx, users.byId(caller.id()).orElseThrow()));
    }

    /** Sets the SSH key; an empty string removes it. */
    public void setSshKey(Context ctx) {
        Caller caller = authenticator.require(ctx);
        SshKeyRequest r = Json.body(ctx, SshKeyRequest.class);
        String line = Check.required("ssh_key", r.ssh_key());
        if (line.length() > 16384) throw ApiException.invalid("ssh_key", "must be at most 16384 characters");
        User updated;
        if (line.isBlank()) {
            updated = users.setSshKey(caller.id(), null, null);
        } else {
            SshKeys.Parsed key = SshKeys.parse("ssh_key", line);
            updated = users.setSshKey(caller.id(), key.normalised(), key.fingerprint());
        }
        ctx.json(new SshKeyResponse(updated.sshKey(), updated.sshKeyFingerprint()));
    }

    /** Admins grant or withdraw admin rights and the right to run pipelines. There is always an admin left. */
    public void adminUpdateUser(Context ctx) {
        Caller caller = authenticator.require(ctx);
        if (!caller.isAdmin()) throw ApiException.forbidden("only administrators may change users' rights");
        AdminUserRequest r = Json.body(ctx, AdminUserRequest.class);
        String username = ctx.pathParam("username");
        AdminUserResponse out = jdbi.inTransaction(h -> {
            // Lock the admins so that two admins demoting each other at once cannot leave none.
            List<Long> admins = h.createQuery("SELECT id FROM users WHERE is_admin ORDER BY id FOR UPDATE").mapTo(Long.class).list();
            User target = users.byUsername(h, username).orElseThrow(() -> ApiException.notFound("user " + username));
            if (Boolean.FALSE.equals(r.is_admin()) && target.isAdmin() && admins.size() == 1) {
                throw ApiException.conflict("is_admin", "this is the last administrator; make someone else an administrator first");
            }
            return h.createQuery("UPDATE users SET is_admin = coalesce(:a, is_admin), can_run_pipelines = coalesce(:p, can_run_pipelines) "
                            + "WHERE id = :id RETURNING id, username, is_admin, can_run_pipelines")
                    .bind("a", r.is_admin()).bind("p", r.can_run_pipelines()).bind("id", target.id())
                    .map((rs, c) -> new AdminUserResponse(rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4)))
                    .one();
        });
        ctx.json(out);
    }
}
