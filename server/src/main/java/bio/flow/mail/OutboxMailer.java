package bio.flow.mail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.UUID;

/**
 * Without SMTP, mails are written as files to {@code <data dir>/mail-outbox/}, one per mail, so that an
 * operator (or a test) can read a password-reset link on a server that cannot send mail.
 */
public final class OutboxMailer implements Mailer {
    private final Path outbox;

    public OutboxMailer(Path outbox) {
        this.outbox = outbox;
    }

    @Override
    public void send(String to, String subject, String body) {
        try {
            Files.createDirectories(outbox);
            String name = Instant.now().toString().replace(':', '-') + "-" + UUID.randomUUID() + ".eml";
            Path tmp = outbox.resolve(name + ".tmp");
            Files.writeString(tmp, "To: " + to + "\nSubject: " + subject + "\n\n" + body + "\n");
            Files.move(tmp, outbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write mail to " + outbox, e);
        }
    }
}
