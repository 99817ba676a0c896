package bio.flow.auth;

import bio.flow.config.Config;
import bio.flow.http.ApiException;
import bio.flow.http.Check;
import bio.flow.mail.Mailer;
import bio.flow.users.User;
import bio.flow.users.UserStore;
import bio.flow.users.UserStore.NewUser;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Signing up, logging in (password or OIDC), and resetting or changing passwords. */
public final class AuthService {
    private static final Logger log = LoggerFactory.getLogger(AuthService.class);
    public static final Pattern USERNAME = Pattern.compile("^[A-Za-z0-9_.-]{3,40}$");
    static final Duration RESET_LIFETIME = Duration.ofHours(1);
    /** How recent a sign-in must be to stand in for the password of an account that has none (OIDC only). */
    static final Duration FRESH_SIGN_IN = Duration.ofMinutes(5);

    private final Jdbi jdbi;
    private final UserStore users;
    private final Passwords passwords;
    private final RefreshTokens refreshTokens;
    private final LoginThrottle throttle;
    private final OidcVerifier oidc;
    private final Mailer mailer;
    private final ExecutorService mailQueue;
    private final String baseUrl;
    private final boolean signupEnabled;

    public AuthService(Jdbi jdbi, UserStore users, Passwords passwords, RefreshTokens refreshTokens, LoginThrottle throttle,
                       OidcVerifier oidc, Mailer mailer, ExecutorService mailQueue, String baseUrl, boolean signupEnabled) {
        this.jdbi = jdbi;
        this.users = users;
        this.passwords = passwords;
        this.refreshTokens = refreshTokens;
        this.throttle = throttle;
        this.oidc = oidc;
        this.mailer = mailer;
        this.mailQueue = mailQueue;
        this.baseUrl = baseUrl;
        this.signupEnabled = signupEnabled;
    }

    public static String checkUsername(String field, String username) {
        String u = Check.text(field, username, 1, 40);
        return Check.matches(field, u, USERNAME, "must be 3 to 40 letters, digits, '_', '-' or '.'");
    }

    public User signup(String username, String email, String password, String firstName, String lastName, String clientAddress) {
        if (!signupEnabled) throw ApiException.forbidden("sign-up is disabled on this server; ask an administrator for an account");
        String u = checkUsername("username", username);
        String e = Check.email("email", email);
        Passwords.checkStrength("password", password, u);
        String f = Optional.ofNullable(Check.optionalText("first_name", firstName, 150)).orElse("");
        String l = Optional.ofNullable(Check.optionalText("last_name", lastName, 150)).orElse("");
        // A place in the hashing pool first: a sign-up the pool turns away (503) costs no database work.
        try (Passwords.Admission hashing = passwords.admit()) {
            throttle.reserveSignup(clientAddress);
            // A name or email in use costs no hash; the unique indexes still decide between simultaneous sign-ups.
            users.checkAvailable(u, e);
            return users.create(new NewUser(u, e, hashing.hash(password), f, l, false));
        }
    }

    /**
     * Ensures the configured admin exists and is an admin; its password is set only when it is created. An
     * existing account is promoted only when this made it (users.created_by_bootstrap): otherwise whoever signed
     * up first under the configured name would become an admin, so the start fails instead.
     */
    public void ensureAdmin(String username, String password, String email) {
        Optional<User> existing = users.byUsername(username);
        if (existing.isPresent()) {
            int bootstrapAccounts = jdbi.withHandle(h -> h.createUpdate(
                            "UPDATE users SET is_admin = TRUE WHERE id = :id AND created_by_bootstrap")
                    .bind("id", existing.get().id()).execute());
            if (bootstrapAccounts == 0) {
                throw new Config.ConfigException("FLOW_ADMIN_USERNAME is '" + username + "', but the account '"
                        + existing.get().username() + "' was not created by FLOW_ADMIN_USERNAME (someone else made it, say by"
                        + " signing up), so it is not made an admin: choose another FLOW_ADMIN_USERNAME");
            }
            return;
        }
        checkUsername("FLOW_ADMIN_USERNAME", username);
        Passwords.checkStrength("FLOW_ADMIN_PASSWORD", password, username);
        String hash = passwords.hash(password);
        jdbi.useTransaction(h -> {
            User admin = users.create(h, new NewUser(username, email, hash, "", "", true));
            h.createUpdate("UPDATE users SET created_by_bootstrap = TRUE WHERE id = :id").bind("id", admin.id()).execute();
        });
        log.info("created admin account {}", username);
    }

    public User login(String login, String password, String clientAddress) {
        String l = Check.text("username", login, 1, 254);
        Check.required("password", password);
        // A place in the hashing pool first: a login the pool turns away (503) costs no database work.
        try (Passwords.Admission hashing = passwords.admit()) {
            Optional<User> user = users.byLogin(l);
            // One account, one count: whether it is named by username or by email.
            String account = user.map(u -> LoginThrottle.accountKey(u.id())).orElse("login:" + l.toLowerCase(Locale.ROOT));
            // Counted before the password is checked, so that parallel guesses cannot all slip past the limit.
            LoginThrottle.Reservation attempt = throttle.reserveLogin(account, clientAddress);
            boolean ok;
            try {
                ok = user.isPresent() ? hashing.matches(password, user.get().passwordHash()) : hashing.decoy(password);
            } catch (RuntimeException e) {
                throttle.release(attempt);
                throw e;
            }
            if (!ok) throw ApiException.unauthorized("wrong username or password");
            throttle.succeeded(attempt);
            return user.get();
        }
    }

    /** A known (issuer, subject) signs in as its user; a new one gets a new account. Each id_token signs in once. */
    public User oidcLogin(String idToken) {
        OidcVerifier.Identity id = oidc.verify(Check.text("id_token", idToken, 1, 16384));
        return jdbi.inTransaction(h -> {
            // First, so that of two logins with one token the second waits on the key and then fails.
            int firstUse = h.createUpdate("INSERT INTO oidc_used_tokens (issuer, token_id, expires_at) VALUES (:i, :t, :e) "
                            + "ON CONFLICT DO NOTHING")
                    .bind("i", id.issuer()).bind("t", id.tokenId()).bind("e", id.tokenExpires()).execute();
            if (firstUse == 0) throw ApiException.unauthorized("id_token was already used: sign in at the identity provider again");
            Optional<Long> known = h.createQuery("SELECT user_id FROM oidc_identities WHERE issuer = :i AND subject = :s")
                    .bind("i", id.issuer()).bind("s", id.subject()).mapTo(Long.class).findOne();
            if (known.isPresent()) return users.byId(h, known.get()).orElseThrow();
            User created = createOidcUser(h, id);
            h.createUpdate("INSERT INTO oidc_identities (issuer, subject, user_id) VALUES (:i, :s, :u)")
                    .bind("i", id.issuer()).bind("s", id.subject()).bind("u", created.id()).execute();
            log.info("created account {} for OIDC subject {} of {}", created.username(), id.subject(), id.issuer());
            return created;
        });
    }

    private User createOidcUser(Handle h, OidcVerifier.Identity id) {
        // An email already used by another account is not taken over: linking on an email claim would let
        // whoever controls that claim at the provider into the existing account.
        // An unverified email is not taken either: reset mails would go to whoever typed it at the provider.
        String email = id.emailVerified() ? id.email() : null;
        if (email != null && (!Check.isEmail(email) || users.byEmail(h, email).isPresent())) email = null;
        String base = usernameBase(id);
        for (int n = 1; ; n++) {
            String suffix = n == 1 ? "" : Integer.toString(n);
            String candidate = base.substring(0, Math.min(base.length(), 40 - suffix.length())) + suffix;
            Boolean taken = h.createQuery("SELECT EXISTS (SELECT 1 FROM users WHERE lower(username) = lower(:u))")
                    .bind("u", candidate).mapTo(Boolean.class).one();
            if (!taken) {
                return users.create(h, new NewUser(candidate, email, null,
                        Optional.ofNullable(id.givenName()).orElse(""), Optional.ofNullable(id.familyName()).orElse(""), false));
            }
        }
    }

    private static String usernameBase(OidcVerifier.Identity id) {
        String raw = id.preferredUsername() != null ? id.preferredUsername()
                : id.email() != null ? id.email().substring(0, Math.max(0, id.email().indexOf('@'))) : "user";
        String cleaned = raw.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (cleaned.length() < 3) cleaned = (cleaned + "user").substring(0, Math.max(3, cleaned.length()));
        return cleaned.length() > 40 ? cleaned.substring(0, 40) : cleaned;
    }

    /**
     * Sends a reset link when the email belongs to an account. The caller learns nothing either way, and
     * the mail goes out in the background so that the answer takes as long for unknown emails as for known.
     */
    public void requestPasswordReset(String email, String clientAddress) {
        String e = Check.text("email", email, 1, 254);
        // Each request counts against the email and the address, so that nobody can make the server mail an inbox endlessly.
        throttle.reserveResetRequest(e.toLowerCase(Locale.ROOT), clientAddress);
        mailQueue.submit(() -> {
            try {
                users.byEmail(e).ifPresent(this::sendResetMail);
            } catch (RuntimeException ex) {
                log.error("password reset mail to {} failed", e, ex);
            }
        });
    }

    private void sendResetMail(User user) {
        String secret = RefreshTokens.randomSecret();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES (:h, :u, :e)")
                .bind("h", RefreshTokens.sha256(secret)).bind("u", user.id()).bind("e", Instant.now().plus(RESET_LIFETIME)).execute());
        // The link opens the web app's reset page. The token is in the fragment, which browsers send to no server:
        // it shows in no access log and no Referer.
        mailer.send(user.email(), "Reset your Flow password",
                "Someone asked to reset the password of the Flow account '" + user.username() + "' at " + baseUrl + ".\n\n"
                        + "Choose a new password here:\n\n  " + baseUrl + "/app/reset#token=" + secret + "\n\n"
                        + "Your reset token is:\n\n  " + secret + "\n\n"
                        + "You may also enter it with your new password where you asked for the reset, or send it yourself:\n"
                        + "  POST " + baseUrl + "/password-reset  {\"token\": \"<token>\", \"password\": \"<new password>\"}\n\n"
                        + "The token works once, within one hour. If you did not ask for it, ignore this mail.");
    }

    /** Sets a new password with a reset token; the token (and any other of the user's) is spent and every session ends. */
    public void resetPassword(String token, String newPassword) {
        String t = Check.text("token", token, 1, 200);
        Check.required("password", newPassword);
        String tokenHash = RefreshTokens.sha256(t);
        // The new password is hashed before the transaction: hashing may wait for the bounded hashing pool, and
        // must not hold a database connection (and the token's row) meanwhile. The token is spent in the transaction.
        // A place in the pool comes first, so that a reset the pool turns away (503) costs no database work.
        User user;
        String hash;
        try (Passwords.Admission hashing = passwords.admit()) {
            user = jdbi.withHandle(h -> h.createQuery("SELECT user_id FROM password_resets WHERE token_hash = :h "
                            + "AND used_at IS NULL AND expires_at > now()")
                    .bind("h", tokenHash).mapTo(Long.class).findOne()
                    .flatMap(id -> users.byId(h, id)))
                    .orElseThrow(AuthService::badResetToken);
            Passwords.checkStrength("password", newPassword, user.username());
            hash = hashing.hash(newPassword);
        }
        jdbi.useTransaction(h -> {
            boolean spent = h.createUpdate("UPDATE password_resets SET used_at = now() WHERE token_hash = :h "
                            + "AND user_id = :u AND used_at IS NULL AND expires_at > now()")
                    .bind("h", tokenHash).bind("u", user.id()).execute() == 1;
            if (!spent) throw badResetToken(); // used by a parallel request meanwhile
            setPassword(h, user.id(), hash);
            throttle.clearAccount(h, user.id());
        });
    }

    private static ApiException badResetToken() {
        return ApiException.invalid("token", "is invalid, expired or already used");
    }

    /** Changes the password after checking the current one; every other session of the user ends, and every reset token. */
    public void changePassword(long userId, String current, String next, String clientAddress) {
        Check.required("current_password", current);
        User user = users.byId(userId).orElseThrow(() -> ApiException.unauthorized("account no longer exists"));
        if (user.passwordHash() == null) {
            throw ApiException.invalid("current_password", "this account has no password: it signs in through OIDC");
        }
        checkCurrentPassword(user, current, clientAddress);
        Passwords.checkStrength("new_password", next, user.username());
        jdbi.useTransaction(h -> setPassword(h, userId, passwords.hash(next)));
    }

    /**
     * The current password, asked for before a change of password or email, is a guess like a login's: it is
     * counted against the same account and address limits, so that a stolen access token (which lives 15 minutes)
     * cannot be used to try passwords without bound.
     */
    private void checkCurrentPassword(User user, String password, String clientAddress) {
        try (Passwords.Admission hashing = passwords.admit()) {
            LoginThrottle.Reservation attempt = throttle.reserveLogin(LoginThrottle.accountKey(user.id()), clientAddress);
            boolean ok;
            try {
                ok = hashing.matches(password, user.passwordHash());
            } catch (RuntimeException e) {
                throttle.release(attempt);
                throw e;
            }
            if (!ok) throw ApiException.invalid("current_password", "is wrong");
            throttle.succeeded(attempt);
        }
    }

    /**
     * A new email is where password resets will go, so changing it takes proof that the owner is at the
     * keyboard: the current password, or for an account without one (OIDC only) a sign-in within the last
     * 5 minutes ({@code signedInAt}: the sign-in of the caller's session).
     */
    public void checkEmailChange(User user, String currentPassword, Instant signedInAt, String clientAddress) {
        if (user.passwordHash() == null) {
            if (signedInAt.isBefore(Instant.now().minus(FRESH_SIGN_IN))) {
                throw ApiException.invalid("current_password", "this account has no password: sign in again through your "
                        + "identity provider, then change the email within 5 minutes");
            }
            return;
        }
        if (currentPassword == null) throw ApiException.invalid("current_password", "is required to change the email");
        checkCurrentPassword(user, currentPassword, clientAddress);
    }

    /** Tells the old address (when there was one) of an email change, so that a hijacked account does not go unnoticed. */
    public void sendEmailChangedNotice(User before, String newEmail) {
        if (before.email() == null) return;
        mailQueue.submit(() -> {
            try {
                mailer.send(before.email(), "The email address of your Flow account was changed",
                        "The email address of the Flow account '" + before.username() + "' at " + baseUrl + " was changed\n"
                                + "from " + before.email() + " to " + newEmail + ".\n\n"
                                + "If you made this change, there is nothing to do. If you did not, someone else has access to\n"
                                + "your account, and password-reset mails now go to the new address: tell an administrator of\n"
                                + "this Flow server at once.");
            } catch (RuntimeException ex) {
                log.error("email change notice to {} failed", before.email(), ex);
            }
        });
    }

    /** A new password ends every session of the user and spends every reset token still outstanding. */
    private void setPassword(Handle h, long userId, String hash) {
        users.setPasswordHash(h, userId, hash);
        refreshTokens.revokeAll(h, userId);
        h.createUpdate("UPDATE password_resets SET used_at = now() WHERE user_id = :u AND used_at IS NULL").bind("u", userId).execute();
    }
}
