import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fallback load generator for bench/me-rps.sh when wrk is not available:
 *
 *   java bench/Bench.java URL CONNECTIONS SECONDS [BEARER_TOKEN]
 *
 * Each of CONNECTIONS threads keeps one HTTP/1.1 keep-alive socket to the URL's host (127.0.0.1 only) and
 * sends GET requests back to back for SECONDS; a broken connection is counted as an error and reopened.
 * It prints the same RESULT line as wrk-report.lua. Latency percentiles come from the sorted list of every
 * request's latency (at most 4 million samples are kept).
 */
public final class Bench {
    private static final int MAX_SAMPLES = 4_000_000;

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java Bench.java URL CONNECTIONS SECONDS [BEARER_TOKEN]");
            System.exit(2);
        }
        URI uri = URI.create(args[0]);
        String host = uri.getHost();
        if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
            throw new IllegalArgumentException("only 127.0.0.1 / localhost is allowed as a target, not " + host);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) path += "?" + uri.getRawQuery();
        int connections = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        String token = args.length > 3 ? args[3] : "";
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
                + (token.isEmpty() ? "" : "Authorization: Bearer " + token + "\r\n")
                + "Connection: keep-alive\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        AtomicLong errConnect = new AtomicLong(), errIo = new AtomicLong(), errStatus = new AtomicLong();
        List<long[]> perThread = new ArrayList<>();
        int[] counts = new int[connections];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < connections; t++) {
            long[] lat = new long[Math.max(1024, MAX_SAMPLES / connections)];
            perThread.add(lat);
            final int idx = t;
            Thread th = new Thread(() -> {
                Socket s = null;
                InputStream in = null;
                OutputStream out = null;
                int n = 0;
                while (System.nanoTime() < end) {
                    try {
                        if (s == null) {
                            s = new Socket();
                            s.setTcpNoDelay(true);
                            s.setSoTimeout(10_000);
                            try {
                                s.connect(new InetSocketAddress(host, port), 5_000);
                            } catch (IOException e) {
                                errConnect.incrementAndGet();
                                s.close();
                                s = null;
                                Thread.sleep(10);
                                continue;
                            }
                            in = new BufferedInputStream(s.getInputStream(), 16384);
                            out = s.getOutputStream();
                        }
                        long t0 = System.nanoTime();
                        out.write(request);
                        out.flush();
                        Response r = readResponse(in);
                        long t1 = System.nanoTime();
                        if (n < lat.length) lat[n] = t1 - t0;
                        n++;
                        if (r.status < 200 || r.status >= 400) errStatus.incrementAndGet();
                        if (r.close) { s.close(); s = null; }
                    } catch (IOException e) {
                        errIo.incrementAndGet();
                        try { if (s != null) s.close(); } catch (IOException ignored) { }
                        s = null;
                    } catch (InterruptedException e) {
                        break;
                    }
                }
                try { if (s != null) s.close(); } catch (IOException ignored) { }
                counts[idx] = n;
            }, "bench-" + t);
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join((long) (seconds * 1000) + 30_000);
        double elapsed = (System.nanoTime() - start) / 1e9;

        long total = 0;
        int kept = 0;
        for (int t = 0; t < connections; t++) { total += counts[t]; kept += Math.min(counts[t], perThread.get(t).length); }
        long[] all = new long[kept];
        int k = 0;
        for (int t = 0; t < connections; t++) {
            int m = Math.min(counts[t], perThread.get(t).length);
            System.arraycopy(perThread.get(t), 0, all, k, m);
            k += m;
        }
        Arrays.sort(all);
        long errors = errConnect.get() + errIo.get() + errStatus.get();
        System.out.printf(java.util.Locale.ROOT,
                "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d (%d/%d/%d/%d/%d)%n",
                total, elapsed, total / elapsed, pct(all, 50), pct(all, 90), pct(all, 99),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6, errors, errConnect.get(), errIo.get(), 0, 0, errStatus.get());
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private record Response(int status, boolean close) {}

    /** Reads one HTTP/1.1 response (Content-Length or chunked body) and discards the body. */
    private static Response readResponse(InputStream in) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) throw new IOException("connection closed");
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false, close = false;
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int c = line.indexOf(':');
            if (c < 0) continue;
            String name = line.substring(0, c).trim().toLowerCase(java.util.Locale.ROOT);
            String value = line.substring(c + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        if (line == null) throw new IOException("connection closed in headers");
        if (chunked) {
            while (true) {
                String size = readLine(in);
                if (size == null) throw new IOException("connection closed in body");
                int semi = size.indexOf(';');
                long n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                if (n == 0) {
                    while ((line = readLine(in)) != null && !line.isEmpty()) { }
                    break;
                }
                skip(in, n);
                readLine(in);
            }
        } else if (length > 0) {
            skip(in, length);
        } else if (length < 0 && status != 204 && status != 304) {
            close = true; // body runs to the end of the connection: read it all
            while (in.read() >= 0) { }
        }
        return new Response(status, close);
    }

    private static void skip(InputStream in, long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) throw new IOException("connection closed in body");
                s = 1;
            }
            n -= s;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') sb.setLength(len - 1);
                return sb.toString();
            }
            sb.append((char) b);
        }
        return sb.length() == 0 ? null : sb.toString();
    }
}
