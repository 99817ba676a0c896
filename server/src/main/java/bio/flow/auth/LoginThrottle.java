package bio.flow.auth;

import bio.flow.http.ApiException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Slows down password guessing, and floods of sign-ups and reset mails (README, "Rate limits and throttles").
 *
 * <p>Every attempt is reserved before any password is hashed: under a database lock per counter, the
 * attempts already recorded within the window are counted, and the new one is either refused (429 with
 * Retry-After) or recorded, in one transaction. However many requests arrive at once, on however many
 * servers sharing the database, no more than the limit get through. A login then settles its reservation:
 * a failure keeps it, a success removes it together with the account's earlier failures.
 *
 * <ul>
 *   <li>Per account (by user, whatever name or email it is named by): after {@code maxPerAccount} failures
 *       within the window, the account is slowed down rather than locked: with n failures, the next attempt is
 *       allowed 2^(n - maxPerAccount + 1) seconds after the latest one, at most {@code maxBackOff}, so a stranger
 *       cannot lock its owner out for the whole window; a password reset clears the failures.</li>
 *   <li>Per client address: at most {@code maxPerAddress} failed logins and reset requests within the window.</li>
 *   <li>Reset requests per email: at most {@code maxPerAccount} within the window.</li>
 *   <li>Sign-ups per client address: at most {@code maxSignupsPerAddress} within the window.</li>
 *   <li>Limits of other features, each with its own scope, maximum and window ({@link #count}): the user and
 *       group searches per account.</li>
 * </ul>
 * Counts live in the database so that every server behind a load balancer enforces the same limit.
 */
public final class LoginThrottle {
    private static final String ACCOUNT = "account";
    private static final String ADDRESS = "address";
    private static final String RESET = "reset";
    private static final String SIGNUP = "signup";

    private final Jdbi jdbi;
    private final int maxPerAccount;
    private final int maxPerAddress;
    private final int maxSignupsPerAddress;
    private final Duration window;
    private final Duration maxBackOff;

    public LoginThrottle(Jdbi jdbi, int maxPerAccount, int maxPerAddress, int maxSignupsPerAddress, Duration window,
                         Duration maxBackOff) {
        this.jdbi = jdbi;
        this.maxPerAccount = maxPerAccount;
        this.maxPerAddress = maxPerAddress;
        this.maxSignupsPerAddress = maxSignupsPerAddress;
        this.window = window;
        this.maxBackOff = maxBackOff;
    }

    /** The key that counts the failures of a known account, however it was named at login. */
    public static String accountKey(long userId) {
        return "user:" + userId;
    }

    /** The rows a login attempt reserved, settled once the password has been checked. */
    public record Reservation(String account, List<Long> ids) {}

    /** Reserves a login attempt for the account and the address, or throws 429 when either has used up its attempts. */
    public Reservation reserveLogin(String account, String address) {
        return new Reservation(account, reserve(List.of(
                new Counter(ACCOUNT, account, maxPerAccount, true, window),
                new Counter(ADDRESS, address, maxPerAddress, false, window))));
    }

    /** The password was right: the attempt is no failure, and the account's earlier failures are forgiven. */
    public void succeeded(Reservation r) {
        jdbi.useTransaction(h -> {
            release(h, r);
            // Not the address's other failures: one good password proves little about the other guesses.
            h.createUpdate("DELETE FROM login_failures WHERE scope = 'account' AND key = :a").bind("a", r.account()).execute();
        });
    }

    /** The password was not checked (the server was too busy to hash it): the attempt counts for nothing. */
    public void release(Reservation r) {
        jdbi.useHandle(h -> release(h, r));
    }

    private static void release(Handle h, Reservation r) {
        h.createUpdate("DELETE FROM login_failures WHERE id IN (<ids>)").bindList("ids", r.ids()).execute();
    }

    /** A password reset ends any back-off of the account, so that its owner can log in at once. */
    public void clearAccount(Handle h, long userId) {
        h.createUpdate("DELETE FROM login_failures WHERE scope = 'account' AND key = :a").bind("a", accountKey(userId)).execute();
    }

    /** Counts a password-reset request for the email and the address, or throws 429 when either is used up. */
    public void reserveResetRequest(String email, String address) {
        reserve(List.of(new Counter(RESET, email, maxPerAccount, false, window), new Counter(ADDRESS, address, maxPerAddress, false, window)));
    }

    /** Counts a sign-up from the address, or throws 429 when the address has used up its sign-ups. */
    public void reserveSignup(String address) {
        reserve(List.of(new Counter(SIGNUP, address, maxSignupsPerAddress, false, window)));
    }

    /**
     * Counts one attempt on a limit of another feature, {@code scope} (not a login scope) and {@code key}: at most
     * {@code max} within {@code window}, else 429 with Retry-After. Under the counter's lock, as the logins'
     * reservations, so that parallel requests get no further than sequential ones.
     *
     * <p>The attempts are numbered on their counter (V48): the one {@code max} before the next is the max-th latest,
     * and the next is refused while that one is inside the window. Two lookups by number, whatever the limit and
     * however many attempts the window holds, so the lock is held briefly even under a high limit.
     */
    public void count(String scope, String key, int max, Duration window) {
        Counter c = new Counter(scope, key, max, false, window);
        jdbi.useTransaction(h -> {
            lock(h, List.of(c));
            long next = h.createQuery("SELECT coalesce(max(attempt), 0) + 1 FROM login_failures "
                            + "WHERE scope = :s AND key = :k AND attempt IS NOT NULL")
                    .bind("s", scope).bind("k", key).mapTo(Long.class).one();
            if (next > max) {
                // Missing when it has left the window and been dropped.
                Optional<Double> age = h.createQuery("SELECT extract(epoch FROM clock_timestamp() - failed_at) FROM login_failures "
                                + "WHERE scope = :s AND key = :k AND attempt = :n")
                        .bind("s", scope).bind("k", key).bind("n", next - max).mapTo(Double.class).findOne();
                if (age.isPresent() && age.get() < window.toSeconds()) {
                    throw ApiException.rateLimited((long) Math.ceil(window.toSeconds() - age.get()));
                }
            }
            dropOutOfWindow(h, c);
            h.createUpdate("INSERT INTO login_failures (scope, key, failed_at, attempt) VALUES (:s, :k, clock_timestamp(), :n)")
                    .bind("s", scope).bind("k", key).bind("n", next).execute();
        });
    }

    /** Attempts counted as rows (scope, key): at most {@code max} within the window, then refused or slowed down. */
    private record Counter(String scope, String key, int max, boolean backOff, Duration window) {
        /** The advisory-lock key of this counter: the first 8 bytes of a SHA-256, so that distinct counters rarely share a lock. */
        long lockKey() {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest((scope + "\n" + key).getBytes(StandardCharsets.UTF_8));
                return ByteBuffer.wrap(d).getLong();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** What the counter's rows say now: the attempts within the window and how long ago the latest and the max-th latest were. */
    private record State(long attempts, double sinceLatest, double sinceMaxthLatest) {}

    /** Atomically: refuses with 429 when a counter is used up, else records one attempt on each and answers the new rows' ids. */
    private List<Long> reserve(List<Counter> counters) {
        return jdbi.inTransaction(h -> {
            lock(h, counters);
            long retryAfter = 0;
            for (Counter c : counters) retryAfter = Math.max(retryAfter, secondsToWait(h, c));
            if (retryAfter > 0) throw ApiException.rateLimited(retryAfter);
            List<Long> ids = new ArrayList<>();
            for (Counter c : counters) {
                dropOutOfWindow(h, c);
                ids.add(h.createQuery("INSERT INTO login_failures (scope, key, failed_at) VALUES (:s, :k, clock_timestamp()) RETURNING id")
                        .bind("s", c.scope()).bind("k", c.key()).mapTo(Long.class).one());
            }
            return ids;
        });
    }

    /** Takes the counters' locks until the transaction ends, in one order, so that two reservations sharing counters cannot deadlock. */
    private static void lock(Handle h, List<Counter> counters) {
        for (long key : counters.stream().map(Counter::lockKey).sorted(Comparator.naturalOrder()).distinct().toList()) {
            h.createQuery("SELECT 1 FROM pg_advisory_xact_lock(:k)").bind("k", key).mapTo(Integer.class).one();
        }
    }

    /** Rows out of the window are of no further use: dropped as we go so that the table stays small. */
    private static void dropOutOfWindow(Handle h, Counter c) {
        h.createUpdate("DELETE FROM login_failures WHERE scope = :s AND key = :k "
                        + "AND failed_at < clock_timestamp() - make_interval(secs => :w)")
                .bind("s", c.scope()).bind("k", c.key()).bind("w", c.window().toSeconds()).execute();
    }

    /** 0 when the counter allows one more attempt now, else the whole seconds until it does. */
    private long secondsToWait(Handle h, Counter c) {
        State s = h.createQuery("SELECT count(*) AS attempts, "
                        + "coalesce(extract(epoch FROM clock_timestamp() - max(failed_at)), 0) AS since_latest, "
                        + "coalesce(extract(epoch FROM clock_timestamp() - (SELECT min(failed_at) FROM (SELECT failed_at FROM login_failures "
                        + "  WHERE scope = :s AND key = :k AND failed_at > clock_timestamp() - make_interval(secs => :w) "
                        + "  ORDER BY failed_at DESC LIMIT :max) latest)), 0) AS since_maxth_latest "
                        + "FROM login_failures WHERE scope = :s AND key = :k AND failed_at > clock_timestamp() - make_interval(secs => :w)")
                .bind("s", c.scope()).bind("k", c.key()).bind("w", c.window().toSeconds()).bind("max", c.max())
                .map((rs, ctx) -> new State(rs.getLong("attempts"), rs.getDouble("since_latest"), rs.getDouble("since_maxth_latest")))
                .one();
        if (s.attempts() < c.max()) return 0;
        double wait = c.backOff()
                ? backOffSeconds(s.attempts() - c.max()) - s.sinceLatest()
                // Refused until the max-th latest attempt leaves the window and a place is free again.
                : c.window().toSeconds() - s.sinceMaxthLatest();
        return wait <= 0 ? 0 : (long) Math.ceil(wait);
    }

    /** The pause after the latest failure once an account has used up its failures and {@code beyond} more: 2, 4, 8, ... s, capped. */
    private long backOffSeconds(long beyond) {
        long cap = maxBackOff.toSeconds();
        return beyond + 1 >= 62 ? cap : Math.min(cap, 1L << (beyond + 1));
    }
}
