package bio.flow.auth;

import bio.flow.http.ApiException;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/**
 * Slows down password guessing: after too many failed logins for one account, or from one client address,
 * within the window, further attempts get 429 with Retry-After until the oldest failure leaves the window.
 * Password-reset requests are counted the same way (keyed by the email asked for), so that mails cannot be
 * sent endlessly.
 * Counts live in the database so that every server behind a load balancer enforces the same limit.
 */
public final class LoginThrottle {
    private final Jdbi jdbi;
    private final int maxPerAccount;
    private final int maxPerAddress;
    private final Duration window;

    public LoginThrottle(Jdbi jdbi, int maxPerAccount, int maxPerAddress, Duration window) {
        this.jdbi = jdbi;
        this.maxPerAccount = maxPerAccount;
        this.maxPerAddress = maxPerAddress;
        this.window = window;
    }

    /** Throws 429 when either the account (a key naming it) or the address has used up its failures. */
    public void check(String account, String address) {
        check("account", account, maxPerAccount);
        check("address", address, maxPerAddress);
    }

    private void check(String scope, String key, int max) {
        Long retryAfter = jdbi.withHandle(h -> h.createQuery(
                        "SELECT ceil(extract(epoch FROM (min(failed_at) + make_interval(secs => :w)) - now()))::bigint "
                                + "FROM (SELECT failed_at FROM login_failures WHERE scope = :s AND key = :k "
                                + "AND failed_at > now() - make_interval(secs => :w) ORDER BY failed_at DESC LIMIT :max) recent "
                                + "HAVING count(*) >= :max")
                .bind("s", scope).bind("k", key).bind("w", window.toSeconds()).bind("max", max)
                .mapTo(Long.class).findOne().orElse(null));
        if (retryAfter != null) throw ApiException.rateLimited(Math.max(1, retryAfter));
    }

    public void recordFailure(String account, String address) {
        jdbi.useTransaction(h -> {
            // Old rows are of no further use; drop them as we go so the table stays small.
            h.createUpdate("DELETE FROM login_failures WHERE failed_at < now() - make_interval(secs => :w) "
                    + "AND ((scope = 'account' AND key = :a) OR (scope = 'address' AND key = :ip))")
                    .bind("w", window.toSeconds()).bind("a", account).bind("ip", address).execute();
            h.createUpdate("INSERT INTO login_failures (scope, key) VALUES ('account', :a), ('address', :ip)")
                    .bind("a", account).bind("ip", address).execute();
        });
    }

    /** A successful login clears the account's failures (not the address's: one good password proves little). */
    public void recordSuccess(String account) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM login_failures WHERE scope = 'account' AND key = :a")
                .bind("a", account).execute());
    }
}
