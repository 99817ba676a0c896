package bio.flow.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An http origin to import from, serving one FASTQ file (a few hundred KB) at {@link #url()}: its first answer drips it
 * out a record at a time (an import that goes on for as long as a test needs) until {@link #release()}, then sends the
 * rest at once; every later answer sends the whole file at once. It counts the answers it began: how many times the
 * file was imported.
 */
public final class DripSource implements AutoCloseable {
    private static final int RECORDS = 6000;
    private static final long DRIP_MILLIS = 20;

    private final HttpServer server;
    private final byte[] bytes;
    private final int[] ends = new int[RECORDS];
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);

    public DripSource() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < RECORDS; i++) {
            b.append("@read").append(i).append("\nACGTACGTACGTACGTACGT\n+\nIIIIIIIIIIIIIIIIIIII\n");
            ends[i] = b.length();
        }
        bytes = b.toString().getBytes(StandardCharsets.US_ASCII);
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/reads.fastq", exchange -> {
            try (exchange) {
                boolean first = requests.incrementAndGet() == 1;
                exchange.sendResponseHeaders(200, bytes.length);
                OutputStream out = exchange.getResponseBody();
                int sent = 0;
                for (int i = 0; first && i < RECORDS - 1 && !released.await(DRIP_MILLIS, TimeUnit.MILLISECONDS); i++) {
                    out.write(bytes, sent, ends[i] - sent);
                    out.flush();
                    sent = ends[i];
                }
                if (first) released.await(5, TimeUnit.MINUTES); // the last record only once released
                out.write(bytes, sent, bytes.length - sent);
            } catch (IOException | InterruptedException e) {
                // the importing side hung up (its server was killed or stopped): nothing to report
            }
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/reads.fastq";
    }

    /** The first answer sends the rest of the file now. */
    public void release() {
        released.countDown();
    }

    /** How many answers began: one per import (and per time an import was started again). */
    public int requests() {
        return requests.get();
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public String md5() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
