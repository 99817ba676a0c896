package bio.flow.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.config.Config;
import bio.flow.testing.Api;
import bio.flow.testing.FakeSmtp;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Mail goes out over TLS when STARTTLS is asked for, a stalled SMTP server cannot hold the queue, and the queue is bounded. */
class MailTransportTest {

    @Test
    void startTlsIsRequiredNotOpportunistic() {
        try (FakeSmtp smtp = new FakeSmtp(0)) {
            SmtpMailer mailer = new SmtpMailer(new Config.Smtp("127.0.0.1", smtp.port(), null, null, "flow@flow.test", true, 5));
            assertThatThrownBy(() -> mailer.send("someone@flow.test", "secret", "a reset link"))
                    .hasMessageContaining("STARTTLS");
            // Nothing went out in clear text: the server heard no sender, recipient or data.
            assertThat(smtp.commands()).isNotEmpty().allMatch(c -> c.toUpperCase().startsWith("EHLO")
                    || c.toUpperCase().startsWith("HELO") || c.toUpperCase().startsWith("QUIT"));
        }
    }

    @Test
    void aStalledServerFailsOneMailWithinTheTimeoutAndLaterMailsStillGoOut() throws Exception {
        try (FakeSmtp smtp = new FakeSmtp(1);
             TestServer server = TestServer.start(Map.of("FLOW_SMTP_HOST", "127.0.0.1", "FLOW_SMTP_PORT", Integer.toString(smtp.port()),
                     "FLOW_SMTP_STARTTLS", "false", "FLOW_SMTP_TIMEOUT_SECONDS", "1"))) {
            Users.Account a = Users.signUp(server, "smtp");
            Api anon = server.client();
            // The first reset mail meets the silent connection; the second one must not wait behind it for long.
            assertThat(anon.post("/password-reset/request", Map.of("email", a.email())).status()).isEqualTo(200);
            assertThat(anon.post("/password-reset/request", Map.of("email", a.email())).status()).isEqualTo(200);
            // Within the 1 s timeout (with margin), well before the 10 s default would have let it through.
            String mail = smtp.nextMail(6);
            assertThat(mail).as("the later mail was sent").isNotNull().contains(a.email());
            assertThat(smtp.nextMail(0)).as("the stalled mail was not sent").isNull();
        }
    }

    @Test
    void theQueueIsBoundedAndDropsWhatDoesNotFit() throws Exception {
        ExecutorService queue = MailQueue.create(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger sent = new AtomicInteger();
        try {
            queue.submit(() -> {
                release.await();
                return sent.incrementAndGet();
            });
            for (int i = 0; i < 5; i++) queue.submit(sent::incrementAndGet); // two wait, three are dropped
            release.countDown();
        } finally {
            queue.shutdown();
            assertThat(queue.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(sent.get()).isEqualTo(3);
    }
}
