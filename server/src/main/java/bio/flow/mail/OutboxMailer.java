package bio.flow.mail;

import bio.flow.storage.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

/**
 * Without SMTP, mails are written as files to {@code <data dir>/mail-outbox/}, one per mail, so that an
 * operator (or a test) can read a password-reset link on a server that cannot send mail. They carry live
 * reset links, so the folder and the mails are readable by Flow's OS user only.
 */
public final class OutboxMailer implements Mailer {
    private final Path outbox;

    public OutboxMailer(Path outbox) {
        this.outbox = outbox;
    }

    @Override
    public void send(String to, String subject, String body) {
        try {
            PrivateFiles.folder(outbox);
            String name = Instant.now().toString().replace(':', '-') + "-" + UUID.randomUUID() + ".eml";
            PrivateFiles.write(outbox.resolve(name), "To: " + to + "\nSubject: " + subject + "\n\n" + body + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write mail to " + outbox, e);
        }
    }

    /** Deletes the mails of the outbox last written before {@code cutoff}; returns how many. */
    public static int deleteOlderThan(Path outbox, Instant cutoff) throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> mails = Files.newDirectoryStream(outbox, "*.eml")) {
            for (Path mail : mails) {
                if (Files.getLastModifiedTime(mail).toInstant().isBefore(cutoff) && Files.deleteIfExists(mail)) deleted++;
            }
        } catch (NoSuchFileException noOutboxYet) {
            return 0;
        }
        return deleted;
    }
}
