package bio.flow.db;

import bio.flow.mail.OutboxMailer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what would otherwise only grow: throttle records past their window, spent tokens, old outbox mails.
 * Runs at start and then every hour on a daemon thread. Every rule is here, so that a feature changing what it
 * keeps changes one line; several servers on one database may all run it (deleting twice does no harm).
 */
public final class Housekeeping implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);
    private static final Duration INTERVAL = Duration.ofHours(1);

    // Failed logins count only within the window (FLOW_LOGIN_FAILURE_WINDOW_SECONDS).
    private static final String LOGIN_FAILURES =
            "DELETE FROM login_failures WHERE failed_at < now() - :windowSeconds * interval '1 second'";
    // Expired ones only: a revoked refresh token is still needed, until it expires, to recognise its reuse.
    private static final String REFRESH_TOKENS = "DELETE FROM refresh_tokens WHERE expires_at < now()";
    // Used or expired reset links are kept one more day, to answer "did I (or someone) reset my password?".
    // An id_token is remembered (against replay) only while it could still be accepted.
    private static final String OIDC_USED_TOKENS = "DELETE FROM oidc_used_tokens WHERE expires_at < now()";
    private static final String PASSWORD_RESETS = "DELETE FROM password_resets "
            + "WHERE used_at < now() - interval '1 day' OR expires_at < now() - interval '1 day'";

    private final Jdbi jdbi;
    private final Duration loginFailureWindow;
    private final Path outbox;
    private final Duration outboxAge;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flow-housekeeping");
        t.setDaemon(true);
        return t;
    });

    public Housekeeping(Jdbi jdbi, Duration loginFailureWindow, Path outbox, Duration outboxAge) {
        this.jdbi = jdbi;
        this.loginFailureWindow = loginFailureWindow;
        this.outbox = outbox;
        this.outboxAge = outboxAge;
    }

    /** Runs now (in the background) and then every hour until closed. */
    public void start() {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                run();
            } catch (RuntimeException | IOException e) {
                // The next run tries again; a failure must not end the schedule.
                log.warn("housekeeping failed: {}", e.toString());
            }
        }, 0, INTERVAL.toSeconds(), TimeUnit.SECONDS);
    }

    /** One purge, on the caller's thread. */
    public void run() throws IOException {
        int[] rows = jdbi.withHandle(h -> new int[] {
            h.createUpdate(LOGIN_FAILURES).bind("windowSeconds", loginFailureWindow.toSeconds()).execute(),
            h.createUpdate(REFRESH_TOKENS).execute(),
            h.createUpdate(PASSWORD_RESETS).execute(),
            h.createUpdate(OIDC_USED_TOKENS).execute(),
        });
        int mails = OutboxMailer.deleteOlderThan(outbox, Instant.now().minus(outboxAge));
        if (rows[0] + rows[1] + rows[2] + rows[3] + mails > 0) {
            log.info("housekeeping deleted {} login failures, {} refresh tokens, {} password resets, {} used id_tokens, {} outbox mails",
                    rows[0], rows[1], rows[2], rows[3], mails);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
