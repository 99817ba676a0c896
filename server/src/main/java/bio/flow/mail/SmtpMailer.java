package bio.flow.mail;

import bio.flow.config.Config;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/**
 * Mail through the SMTP server of FLOW_SMTP_*. With FLOW_SMTP_STARTTLS (the default) the connection must be
 * upgraded to TLS before anything is sent; connecting, reading and writing each time out after
 * FLOW_SMTP_TIMEOUT_SECONDS.
 */
public final class SmtpMailer implements Mailer {
    private final Session session;
    private final String from;

    public SmtpMailer(Config.Smtp smtp) {
        Properties props = new Properties();
        props.put("mail.smtp.host", smtp.host());
        props.put("mail.smtp.port", Integer.toString(smtp.port()));
        // STARTTLS when asked for is required: never fall back to sending the mail (and the password) in clear.
        props.put("mail.smtp.starttls.enable", Boolean.toString(smtp.startTls()));
        props.put("mail.smtp.starttls.required", Boolean.toString(smtp.startTls()));
        String timeout = Integer.toString(smtp.timeoutSeconds() * 1000);
        props.put("mail.smtp.connectiontimeout", timeout);
        props.put("mail.smtp.timeout", timeout);
        props.put("mail.smtp.writetimeout", timeout);
        Authenticator auth = null;
        if (smtp.username() != null) {
            props.put("mail.smtp.auth", "true");
            auth = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(smtp.username(), smtp.password());
                }
            };
        }
        this.session = Session.getInstance(props, auth);
        this.from = smtp.from();
    }

    @Override
    public void send(String to, String subject, String body) {
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress(from));
            m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
            m.setSubject(subject, "UTF-8");
            m.setText(body, "UTF-8");
            Transport.send(m);
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot send mail to " + to + ": " + e.getMessage(), e);
        }
    }
}
