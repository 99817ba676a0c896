package bio.flow.db;

import bio.flow.mail.OutboxMailer;
import bio.flow.data.DataFiles;
import bio.flow.storage.Storage;
import bio.flow.storage.StorageKey;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what would otherwise only grow: throttle records past their window, spent tokens, old outbox mails,
 * expired uploads with their bytes, expired bulk archives with theirs, and stored bytes that no record names (left by
 * a crash).
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
    // An id_token is remembered (against replay) only while it could still be accepted.
    private static final String OIDC_USED_TOKENS = "DELETE FROM oidc_used_tokens WHERE expires_at < now()";
    // Annotation sheets sent in pieces, unfinished or finished (whose row then only answered a repeated last piece),
    // expire with the data uploads (FLOW_UPLOAD_EXPIRY_HOURS); their bytes are in the row.
    private static final String ANNOTATION_UPLOADS = "DELETE FROM annotation_uploads WHERE expires_at < now()";
    // Used or expired reset links are kept one more day, to answer "did I (or someone) reset my password?".
    private static final String PASSWORD_RESETS = "DELETE FROM password_resets "
            + "WHERE used_at < now() - interval '1 day' OR expires_at < now() - interval '1 day'";

    // Unfinished uploads past their expiry (FLOW_UPLOAD_EXPIRY_HOURS), and finished ones, whose row then only answered
    // a repeated chunk; the rows go first, then their bytes (a row never names missing bytes).
    private static final String UPLOADS = "DELETE FROM uploads WHERE expires_at < now() RETURNING id";

    // Bytes under data/ (or archives/) that no record names are removed once this old: a completing upload moves its bytes to
    // data/<id> a moment before its record commits (with the time of its last write, minutes ago at most), so a
    // younger file may still be getting its record.
    private static final Duration ORPHAN_DATA_AGE = Duration.ofHours(1);

    // Bulk archives past their expiry (FLOW_ARCHIVE_EXPIRY_HOURS after they ended): rows first, then bytes.
    private static final String ARCHIVES = "DELETE FROM archive_jobs WHERE expires_at < now() RETURNING id";

    private final Jdbi jdbi;
    private final Duration loginFailureWindow;
    private final Path outbox;
    private final Duration outboxAge;
    private final Storage storage;
    private final Duration uploadExpiry;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flow-housekeeping");
        t.setDaemon(true);
        return t;
    });

    public Housekeeping(Jdbi jdbi, Duration loginFailureWindow, Path outbox, Duration outboxAge, Storage storage, Duration uploadExpiry) {
        this.jdbi = jdbi;
        this.loginFailureWindow = loginFailureWindow;
        this.outbox = outbox;
        this.outboxAge = outboxAge;
        this.storage = storage;
        this.uploadExpiry = uploadExpiry;
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
            h.createUpdate(ANNOTATION_UPLOADS).execute(),
        });
        int mails = OutboxMailer.deleteOlderThan(outbox, Instant.now().minus(outboxAge));
        int uploads = expireUploads();
        int orphans = removeOrphans("data");
        int archives = expireArchives();
        // Writes a crash cut off; a write going on (an upload, an import, an archive) touches its file all along.
        int abandoned = storage.removeAbandonedWrites(ORPHAN_DATA_AGE);
        if (rows[0] + rows[1] + rows[2] + rows[3] + rows[4] + mails + uploads + orphans + archives + abandoned > 0) {
            log.info("housekeeping deleted {} login failures, {} refresh tokens, {} password resets, {} used id_tokens, {} outbox mails, "
                    + "{} uploads, {} annotation uploads, {} data files no record names, {} bulk archives, {} abandoned writes", rows[0], rows[1],
                    rows[2], rows[3], mails, uploads, rows[4], orphans, archives, abandoned);
        }
    }

    /**
     * Removes expired uploads, rows then bytes, and the bytes under {@code uploads/} that no row names and that are
     * older than an upload may live (what a crash between the two, or a failed removal, left).
     */
    private int expireUploads() throws IOException {
        List<UUID> expired = jdbi.withHandle(h -> h.createQuery(UPLOADS).mapTo(UUID.class).list());
        for (UUID id : expired) storage.delete(StorageKey.of("uploads", id));
        Set<String> live = new HashSet<>(jdbi.withHandle(h -> h.createQuery("SELECT id::text FROM uploads").mapTo(String.class).list()));
        Instant before = Instant.now().minus(uploadExpiry);
        Set<StorageKey> orphans = new HashSet<>();
        try (Stream<Storage.Entry> files = storage.list("uploads")) {
            files.filter(e -> !live.contains(e.key().id()) && e.modified().isBefore(before)).forEach(e -> orphans.add(e.key().record()));
        }
        for (StorageKey orphan : orphans) storage.delete(orphan);
        return expired.size() + orphans.size();
    }

    /** Removes expired bulk archives, rows then bytes, and archive bytes that no job names (a crash, a failed removal). */
    private int expireArchives() throws IOException {
        List<Long> expired = jdbi.withHandle(h -> h.createQuery(ARCHIVES).mapTo(Long.class).list());
        for (long id : expired) storage.delete(StorageKey.of("archives", id));
        return expired.size() + removeOrphans("archives");
    }

    /**
     * Removes the bytes under {@code kind/} that nothing names (data: {@link DataFiles#claimedIds}; archives: their
     * job): what a crash between a delete's commit and the removal of its bytes, or a removal that failed, left
     * behind. Never a record's bytes, nor an upload's.
     */
    private int removeOrphans(String kind) throws IOException {
        Instant before = Instant.now().minus(ORPHAN_DATA_AGE);
        List<Long> old;
        try (Stream<Storage.Entry> files = storage.list(kind)) {
            // a file that is no record's key (not a number) is left alone: it is not Flow's to remove
            old = files.filter(e -> e.modified().isBefore(before)).map(e -> StorageKey.recordId(e.key().id())).filter(Objects::nonNull)
                    .distinct().toList();
        }
        if (old.isEmpty()) return 0;
        Set<Long> named = jdbi.withHandle(h -> kind.equals("data") ? DataFiles.claimedIds(h, old)
                : new HashSet<>(h.createQuery("SELECT id FROM archive_jobs WHERE id = ANY(:ids)").bindArray("ids", Long.class, old).mapTo(Long.class).list()));
        int removed = 0;
        for (long id : old) {
            if (named.contains(id)) continue;
            storage.delete(StorageKey.of(kind, id));
            removed++;
        }
        return removed;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
