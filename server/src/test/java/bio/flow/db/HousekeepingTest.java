package bio.flow.db;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.storage.PrivateFiles;
import bio.flow.testing.TempDirs;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What only grows is purged: old login failures, expired refresh tokens, spent reset tokens, used id_tokens, old outbox mails. */
class HousekeepingTest {

    private static Path mail(Path outbox, String name, Duration age) throws Exception {
        Path mail = outbox.resolve(name + ".eml");
        Files.writeString(mail, "To: someone@example.org\n");
        Files.setLastModifiedTime(mail, FileTime.from(Instant.now().minus(age)));
        return mail;
    }

    @Test
    void oldRowsAndMailsGoFreshOnesStay() throws Exception {
        Path dir = Files.createTempDirectory("flow-housekeeping-");
        try (TestServer server = TestServer.start(dir, Map.of("FLOW_LOGIN_FAILURE_WINDOW_SECONDS", "600",
                "FLOW_MAIL_OUTBOX_DAYS", "7"))) {
            long user = Users.signUp(server, "tidy").id();
            server.sql("INSERT INTO login_failures (scope, key, failed_at) VALUES "
                    + "('account', 'tidy-old', now() - interval '11 minutes'), ('account', 'tidy-new', now() - interval '9 minutes')");
            server.sql("INSERT INTO refresh_tokens (token_hash, user_id, family_id, signed_in_at, expires_at, revoked_at) VALUES "
                    + "('tidy-expired', " + user + ", gen_random_uuid(), now(), now() - interval '1 second', NULL), "
                    + "('tidy-revoked', " + user + ", gen_random_uuid(), now(), now() + interval '1 day', now()), "
                    + "('tidy-live', " + user + ", gen_random_uuid(), now(), now() + interval '1 day', NULL)");
            server.sql("INSERT INTO oidc_used_tokens (issuer, token_id, expires_at) VALUES "
                    + "('https://tidy.test', 'jti:expired', now() - interval '1 second'), ('https://tidy.test', 'jti:live', now() + interval '1 hour')");
            server.sql("INSERT INTO password_resets (token_hash, user_id, created, expires_at, used_at) VALUES "
                    + "('tidy-used-long-ago', " + user + ", now() - interval '3 days', now() + interval '1 day', now() - interval '25 hours'), "
                    + "('tidy-expired-long-ago', " + user + ", now() - interval '3 days', now() - interval '25 hours', NULL), "
                    + "('tidy-used-lately', " + user + ", now() - interval '2 hours', now() + interval '1 hour', now() - interval '1 hour'), "
                    + "('tidy-expired-lately', " + user + ", now() - interval '2 hours', now() - interval '1 hour', NULL), "
                    + "('tidy-open', " + user + ", now(), now() + interval '1 hour', NULL)");
            Path outbox = PrivateFiles.folder(dir.resolve("mail-outbox"));
            Path oldMail = mail(outbox, "old", Duration.ofDays(8));
            Path recentMail = mail(outbox, "recent", Duration.ofDays(6));

            server.housekeep();

            assertThat(keys(server, "SELECT key FROM login_failures WHERE key LIKE 'tidy-%'")).containsExactly("tidy-new");
            assertThat(keys(server, "SELECT token_hash FROM refresh_tokens WHERE token_hash LIKE 'tidy-%'"))
                    .containsExactlyInAnyOrder("tidy-revoked", "tidy-live");
            assertThat(keys(server, "SELECT token_hash FROM password_resets WHERE token_hash LIKE 'tidy-%'"))
                    .containsExactlyInAnyOrder("tidy-used-lately", "tidy-expired-lately", "tidy-open");
            assertThat(keys(server, "SELECT token_id FROM oidc_used_tokens WHERE issuer = 'https://tidy.test'"))
                    .containsExactly("jti:live");
            assertThat(oldMail).doesNotExist();
            assertThat(recentMail).exists();
        } finally {
            TempDirs.delete(dir);
        }
    }

    @Test
    void aPurgeRunsAtStart() throws Exception {
        Path dir = Files.createTempDirectory("flow-housekeeping-");
        try {
            try (TestServer server = TestServer.start(dir, Map.of())) {
                server.sql("INSERT INTO login_failures (scope, key, failed_at) VALUES ('account', 'stale', now() - interval '1 day')");
            }
            Path oldMail = mail(PrivateFiles.folder(dir.resolve("mail-outbox")), "stale", Duration.ofDays(31));
            try (TestServer server = TestServer.start(dir, Map.of())) {
                for (int i = 0; i < 200 && (Files.exists(oldMail)
                        || server.queryLong("SELECT count(*) FROM login_failures WHERE key = 'stale'") > 0); i++) {
                    Thread.sleep(50);
                }
                assertThat(server.queryLong("SELECT count(*) FROM login_failures WHERE key = 'stale'")).isZero();
                assertThat(oldMail).doesNotExist();
            }
        } finally {
            TempDirs.delete(dir);
        }
    }

    private static List<String> keys(TestServer server, String query) {
        return server.jdbi().withHandle(h -> h.createQuery(query).mapTo(String.class).list());
    }
}
