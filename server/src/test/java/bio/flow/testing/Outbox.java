package bio.flow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The mails a server without SMTP wrote to {@code <data dir>/mail-outbox}, as tests read them. */
public final class Outbox {
    private Outbox() {}

    /** Every mail so far to the address, as text (headers, blank line, body). */
    public static List<String> mailsTo(TestServer server, String email) {
        Path outbox = server.dataDir().resolve("mail-outbox");
        if (!Files.isDirectory(outbox)) return List.of();
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(p -> p.toString().endsWith(".eml")).map(Outbox::read)
                    .filter(m -> m.startsWith("To: " + email + "\n")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (up to 10 s: mails go out in the background) for {@code count} mails to the address that match. */
    public static List<String> await(TestServer server, String email, Predicate<String> which, int count) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            List<String> mails = mailsTo(server, email).stream().filter(which).toList();
            if (mails.size() >= count) return mails;
            Thread.sleep(100);
        }
        throw new AssertionError("fewer than " + count + " such mails to " + email + " in the outbox");
    }

    private static final Pattern RESET_TOKEN = Pattern.compile("Your reset token is:\\s+([A-Za-z0-9_-]+)");

    /** Waits for {@code count} password-reset mails to the address and returns their tokens. */
    public static List<String> resetTokens(TestServer server, String email, int count) throws InterruptedException {
        return await(server, email, m -> RESET_TOKEN.matcher(m).find(), count).stream()
                .map(RESET_TOKEN::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
