package bio.flow.mail;

/** Sends a plain-text mail. SMTP when configured, else the outbox folder of the data directory. */
public interface Mailer {
    void send(String to, String subject, String body);
}
