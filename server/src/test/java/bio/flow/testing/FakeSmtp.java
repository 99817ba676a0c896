package bio.flow.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny SMTP server on 127.0.0.1 for tests: it speaks just enough SMTP for Jakarta Mail to send, never offers
 * STARTTLS, and can be told to leave its first connections in silence (accepted, never answered), like a stalled
 * server. It records every command it hears and every mail it accepts.
 */
public final class FakeSmtp implements AutoCloseable {
    private final ServerSocket socket;
    private final AtomicInteger silentLeft;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<String> mails = new LinkedBlockingQueue<>();

    /** {@code silentConnections}: how many connections, first come, are accepted and never answered. */
    public FakeSmtp(int silentConnections) {
        try {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        silentLeft = new AtomicInteger(silentConnections);
        Thread t = new Thread(this::acceptLoop, "fake-smtp");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Every SMTP command heard so far, on any connection. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /** The next mail accepted (its DATA), waiting at most {@code seconds}; null when none came. */
    public String nextMail(long seconds) throws InterruptedException {
        return mails.poll(seconds, TimeUnit.SECONDS);
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                connections.add(s);
                if (silentLeft.getAndDecrement() > 0) continue; // keep it open, say nothing
                Thread t = new Thread(() -> converse(s), "fake-smtp-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void converse(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
            OutputStream out = s.getOutputStream();
            reply(out, "220 fake.test ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                commands.add(line);
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (verb) {
                    case "EHLO" -> reply(out, "250-fake.test\r\n250 8BITMIME");
                    case "HELO", "MAIL", "RCPT", "RSET", "NOOP" -> reply(out, "250 ok");
                    case "DATA" -> {
                        reply(out, "354 go ahead");
                        StringBuilder mail = new StringBuilder();
                        for (String l; (l = in.readLine()) != null && !l.equals("."); ) mail.append(l).append('\n');
                        mails.add(mail.toString());
                        reply(out, "250 queued");
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "502 not implemented");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() {
        try {
            socket.close();
            for (Socket s : connections) s.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
