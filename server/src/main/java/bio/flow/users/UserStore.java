package bio.flow.users;

import bio.flow.access.AccessPolicy;
import bio.flow.http.ApiException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.util.PSQLException;

/** SQL for the {@code users} table. Uniqueness is the database's job; its violations become 409s here. */
public final class UserStore {
    private static final String COLUMNS = "id, username, email, password_hash, first_name, last_name, is_admin, "
            + "can_run_pipelines, ssh_key, ssh_key_fingerprint, created";
    private static final String USERNAME_TAKEN = "that username is taken";
    private static final String EMAIL_IN_USE = "that email is already in use";

    private final Jdbi jdbi;

    public UserStore(Jdbi jdbi) {
        this.jdbi = jdbi;
        jdbi.registerRowMapper(ConstructorMapper.factory(User.class));
    }

    public Optional<User> byId(long id) {
        return jdbi.withHandle(h -> byId(h, id));
    }

    /**
     * The lookups below take the caller's handle: inside a transaction, use its handle rather than the
     * pooled variants above, so that the lookup sees the transaction's own changes and never needs a second
     * connection while the first is held (JDBI happens to reuse a thread's open handle today; this does not
     * rely on it).
     */
    public Optional<User> byId(Handle h, long id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id").bind("id", id).mapTo(User.class).findOne();
    }

    public Optional<User> byUsername(String username) {
        return jdbi.withHandle(h -> byUsername(h, username));
    }

    public Optional<User> byUsername(Handle h, String username) {
        return h.createQuery("SELECT " + COLUMNS + " FROM users WHERE lower(username) = lower(:u)")
                .bind("u", username).mapTo(User.class).findOne();
    }

    public Optional<User> byEmail(String email) {
        return jdbi.withHandle(h -> byEmail(h, email));
    }

    public Optional<User> byEmail(Handle h, String email) {
        return h.createQuery("SELECT " + COLUMNS + " FROM users WHERE lower(email) = lower(:e)")
                .bind("e", email).mapTo(User.class).findOne();
    }

    /** Login accepts either a username or an email. */
    public Optional<User> byLogin(String login) {
        return login.contains("@") ? byEmail(login) : byUsername(login);
    }

    public User create(Handle h, NewUser u) {
        try {
            return h.createQuery("INSERT INTO users (username, email, password_hash, first_name, last_name, is_admin) "
                            + "VALUES (:username, :email, :passwordHash, :firstName, :lastName, :isAdmin) RETURNING " + COLUMNS)
                    .bindMethods(u).mapTo(User.class).one();
        } catch (UnableToExecuteStatementException e) {
            throw uniqueViolation(e);
        }
    }

    public User create(NewUser u) {
        return jdbi.inTransaction(h -> create(h, u));
    }

    /** Throws the 409 that creating this account would meet, without the cost of hashing its password first. */
    public void checkAvailable(String username, String email) {
        String taken = jdbi.withHandle(h -> h.createQuery("SELECT CASE WHEN EXISTS (SELECT 1 FROM users WHERE lower(username) = lower(:u)) "
                        + "THEN 'username' WHEN EXISTS (SELECT 1 FROM users WHERE lower(email) = lower(:e)) THEN 'email' END")
                .bind("u", username).bind("e", email).mapTo(String.class).one());
        if ("username".equals(taken)) throw ApiException.conflict("username", USERNAME_TAKEN);
        if ("email".equals(taken)) throw ApiException.conflict("email", EMAIL_IN_USE);
    }

    public record NewUser(String username, String email, String passwordHash, String firstName, String lastName, boolean isAdmin) {}

    public User updateProfile(long id, String firstName, String lastName, String email) {
        try {
            return jdbi.withHandle(h -> h.createQuery("UPDATE users SET first_name = coalesce(:f, first_name), "
                            + "last_name = coalesce(:l, last_name), email = coalesce(:e, email) WHERE id = :id RETURNING " + COLUMNS)
                    .bind("f", firstName).bind("l", lastName).bind("e", email).bind("id", id)
                    .mapTo(User.class).one());
        } catch (UnableToExecuteStatementException e) {
            throw uniqueViolation(e);
        }
    }

    public void setPasswordHash(Handle h, long id, String hash) {
        h.createUpdate("UPDATE users SET password_hash = :hash WHERE id = :id").bind("hash", hash).bind("id", id).execute();
    }

    public User setSshKey(long id, String key, String fingerprint) {
        return jdbi.withHandle(h -> h.createQuery("UPDATE users SET ssh_key = :k, ssh_key_fingerprint = :f WHERE id = :id RETURNING " + COLUMNS)
                .bind("k", key).bind("f", fingerprint).bind("id", id).mapTo(User.class).one());
    }

    /** The groups whose grants the user gets (member or admin, not merely invited), as /me lists them. */
    public List<String> groupSlugs(long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT slug FROM groups WHERE id IN (" + AccessPolicy.CALLER_GROUPS + ") ORDER BY slug")
                .bind("caller", userId).mapTo(String.class).list());
    }

    /** Maps a unique-index violation on username or email to the 409 the client should see. */
    static RuntimeException uniqueViolation(UnableToExecuteStatementException e) {
        if (e.getCause() instanceof PSQLException p && "23505".equals(p.getSQLState())) {
            String msg = String.valueOf(p.getServerErrorMessage() == null ? "" : p.getServerErrorMessage().getConstraint());
            if (msg.contains("email")) return ApiException.conflict("email", EMAIL_IN_USE);
            if (msg.contains("username")) return ApiException.conflict("username", USERNAME_TAKEN);
        }
        return e;
    }
}
