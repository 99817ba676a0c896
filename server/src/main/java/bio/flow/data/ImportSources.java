package bio.flow.data;

import bio.flow.config.Config;
import bio.flow.http.ApiException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLConnection;
import java.net.URLDecoder;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Where imports ({@code POST /data/import}) read from, and the rules for each source:
 * <ul>
 * <li>{@code url}: http, https or ftp (ftp through the JDK's own handler). Redirects (http and https only) are
 * followed by hand, at most {@code maxRedirects} times, and every hop is checked like the first. With
 * {@code refusePrivate}, a host any of whose addresses is loopback, link-local, site-local (private), unique-local
 * IPv6, any-local or multicast is refused. The check resolves the name and the connection made just after
 * resolves it again through the JVM's address cache (which keeps an answer 30 s by default), so the address
 * checked is the one connected to unless the cache expires in between; no proxy is used, so no proxy connects
 * elsewhere.</li>
 * <li>{@code s3}: {@code s3://bucket/key}, read with the AWS SDK from the endpoint, region and credentials of the
 * configuration (the SDK's default credential chain when none are set).</li>
 * <li>{@code server}: a file under one of the roots the administrator configured, readable by every signed-in
 * user. {@code .} and {@code ..} segments are refused, anything outside the roots is 403, and so is a path that a
 * symbolic link leads out of its root.</li>
 * </ul>
 * {@link #check} runs when the import is asked for (a mistake is an error answer then); {@link #open} runs in
 * the background worker, and a failure there is an {@link ImportFailure} whose message becomes the record's reason.
 */
public final class ImportSources {
    /** The ways a response may say "look elsewhere". */
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final int MAX_PATH_CHARS = 4096;

    private final List<Path> roots;
    private final int maxRedirects;
    private final boolean refusePrivate;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Config.ImportS3 s3Settings;
    private final HttpClient http;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flow-import-watchdog");
        t.setDaemon(true);
        return t;
    });
    private S3Client s3; // made when first needed: most servers never import from S3

    public ImportSources(List<Path> roots, int maxRedirects, boolean refusePrivate, Duration connectTimeout, Duration readTimeout,
                         Config.ImportS3 s3Settings) {
        this.roots = List.copyOf(roots);
        this.maxRedirects = maxRedirects;
        this.refusePrivate = refusePrivate;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.s3Settings = s3Settings;
        // Redirects by hand (each hop checked); no proxy, so that the address checked is the one connected to.
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(connectTimeout).build();
    }

    /** What an import reads: its source and the location there, as checked. */
    public record Location(String source, String path) {
        /** The last segment of the location, the record's filename when none is given (to be checked as one). */
        String lastSegment() {
            String p = path;
            if (source.equals("url")) {
                p = Optional.ofNullable(URI.create(path).getRawPath()).orElse("");
                p = URLDecoder.decode(p.replace("+", "%2B"), StandardCharsets.UTF_8);
            }
            return p.substring(p.lastIndexOf('/') + 1);
        }
    }

    /** An open source: its bytes, their number when the source said it, and how to break off reading. */
    public record Opened(InputStream in, Long total, AutoCloseable abort) {}

    /** Why an import failed, in words for its owner. */
    public static final class ImportFailure extends IOException {
        public ImportFailure(String reason) {
            super(reason);
        }
    }

    /** Checks a request's source and path: 400 for a malformed one, 403 outside the import roots, 404 for no such file. */
    public Location check(String source, String path) {
        if (source == null) throw ApiException.invalid("source", "is required: url, s3 or server");
        if (path == null || path.isEmpty()) throw ApiException.invalid("path", "is required");
        if (path.length() > MAX_PATH_CHARS) throw ApiException.invalid("path", "is longer than " + MAX_PATH_CHARS + " characters");
        switch (source) {
            case "url" -> url(path, true);
            case "s3" -> s3Object(path);
            case "server" -> serverFile(path);
            default -> throw ApiException.invalid("source", "must be url, s3 or server, not '" + source + "'");
        }
        return new Location(source, path);
    }

    /** Opens a checked location for reading; the caller closes {@link Opened#abort()} when done or to break off. */
    public Opened open(Location location) throws IOException {
        try {
            return switch (location.source()) {
                case "url" -> openUrl(url(location.path(), true));
                case "s3" -> openS3(s3Object(location.path()));
                case "server" -> openServerFile(location.path());
                default -> throw new ImportFailure("unknown source " + location.source());
            };
        } catch (ApiException e) {
            // A check that passed when the import was asked for fails now (a file moved, a root reconfigured).
            throw new ImportFailure(e.getMessage());
        }
    }

    // ---- url ----------------------------------------------------------------------------------------------------

    private static URI url(String text, boolean firstHop) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw ApiException.invalid("path", "is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean allowed = scheme.equals("http") || scheme.equals("https") || (firstHop && scheme.equals("ftp"));
        if (!allowed) throw ApiException.invalid("path", "the URL's scheme must be http, https or ftp, not '" + scheme + "'");
        if (uri.getHost() == null || uri.getHost().isEmpty()) throw ApiException.invalid("path", "the URL names no host");
        return uri.normalize();
    }

    private Opened openUrl(URI first) throws IOException {
        URI uri = first;
        for (int hop = 0; ; hop++) {
            requirePublic(uri.getHost());
            if (uri.getScheme().equalsIgnoreCase("ftp")) {
                // The JDK's ftp handler: its reads end at the read timeout, but a stop cannot break them off sooner.
                URLConnection c = uri.toURL().openConnection(Proxy.NO_PROXY);
                c.setConnectTimeout(millis(connectTimeout));
                c.setReadTimeout(millis(readTimeout));
                InputStream in = c.getInputStream();
                long length = c.getContentLengthLong();
                return new Opened(in, length >= 0 ? length : null, in::close);
            }
            HttpResponse<InputStream> response;
            try {
                // The timeout is until the answer's headers; the body's reads are watched by TimedStream.
                response = http.send(HttpRequest.newBuilder(uri).GET().timeout(readTimeout).header("Accept-Encoding", "identity").build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            int status = response.statusCode();
            if (REDIRECTS.contains(status)) {
                response.body().close();
                String location = response.headers().firstValue("Location").orElse(null);
                if (location == null) throw new ImportFailure(uri.getHost() + " answered " + status + " without a Location to go to");
                if (hop >= maxRedirects) throw new ImportFailure("more than " + maxRedirects + " redirects, the most an import follows");
                try {
                    uri = url(uri.resolve(new URI(location)).toString(), false);
                } catch (URISyntaxException | ApiException e) {
                    throw new ImportFailure("a redirect to '" + location + "' was refused: " + e.getMessage());
                }
                continue;
            }
            if (status != 200) {
                response.body().close();
                throw new ImportFailure(uri.getHost() + " answered " + status + " for " + uri);
            }
            OptionalLong length = response.headers().firstValueAsLong("Content-Length");
            TimedStream body = new TimedStream(response.body());
            return new Opened(body, length.isPresent() ? length.getAsLong() : null, body::close);
        }
    }

    /**
     * A response body whose reads fail once none has returned for the read timeout: the watchdog closes it, which
     * wakes a read blocked on it. Closing it from another thread (a stopping server) wakes such a read too.
     */
    private final class TimedStream extends FilterInputStream {
        private volatile long lastRead = System.nanoTime();
        private volatile boolean timedOut;
        private final ScheduledFuture<?> watch;

        TimedStream(InputStream in) {
            super(in);
            long period = Math.max(100, readTimeout.toMillis() / 4);
            this.watch = watchdog.scheduleAtFixedRate(() -> {
                if (System.nanoTime() - lastRead > readTimeout.toNanos()) {
                    timedOut = true;
                    close();
                }
            }, period, period, TimeUnit.MILLISECONDS);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException e) {
                check();
                throw e;
            }
            check();
            lastRead = System.nanoTime();
            return n;
        }

        /** The watchdog's closing ends a blocked read (as a failure, or as the end of the stream): it was a timeout. */
        private void check() throws SocketTimeoutException {
            if (timedOut) throw new SocketTimeoutException("read timed out: no bytes for " + readTimeout.toSeconds() + " s");
        }

        @Override
        public void close() {
            watch.cancel(false);
            try {
                super.close();
            } catch (IOException e) {
                // closing is breaking off: nothing to keep
            }
        }
    }

    private void requirePublic(String host) throws ImportFailure {
        if (!refusePrivate) return;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new ImportFailure("unknown host " + host);
        }
        for (InetAddress a : addresses) {
            if (isPrivate(a)) {
                throw new ImportFailure(host + " is at " + a.getHostAddress() + ", a private or local address, which this server does not import "
                        + "from (FLOW_IMPORT_REFUSE_PRIVATE_ADDRESSES)");
            }
        }
    }

    static boolean isPrivate(InetAddress a) {
        byte[] b = a.getAddress();
        boolean uniqueLocal = a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc; // fc00::/7
        // "this network" 0.0.0.0/8 (Linux connects 0.x to the host itself) and the shared address space 100.64.0.0/10
        boolean thisNetwork = b.length == 4 && b[0] == 0;
        boolean shared = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
        return a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress() || uniqueLocal || thisNetwork || shared;
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    // ---- s3 -----------------------------------------------------------------------------------------------------

    private record S3Object(String bucket, String key) {}

    private static S3Object s3Object(String path) {
        String rest = path.startsWith("s3://") ? path.substring(5) : null;
        int slash = rest == null ? -1 : rest.indexOf('/');
        if (slash < 0 || slash == rest.length() - 1) throw ApiException.invalid("path", "an S3 object is s3://bucket/key");
        String bucket = rest.substring(0, slash);
        if (!BUCKET.matcher(bucket).matches()) throw ApiException.invalid("path", "'" + bucket + "' is not a valid S3 bucket name");
        String key = rest.substring(slash + 1);
        if (key.getBytes(StandardCharsets.UTF_8).length > 1024) throw ApiException.invalid("path", "an S3 key is at most 1024 bytes");
        return new S3Object(bucket, key);
    }

    private Opened openS3(S3Object o) throws ImportFailure {
        try {
            ResponseInputStream<GetObjectResponse> in = s3().getObject(GetObjectRequest.builder().bucket(o.bucket()).key(o.key()).build());
            return new Opened(in, in.response().contentLength(), in::abort);
        } catch (S3Exception e) {
            String why = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
            throw new ImportFailure("S3 answered " + e.statusCode() + " for s3://" + o.bucket() + "/" + o.key() + ": " + why);
        } catch (SdkException e) {
            throw new ImportFailure("could not read s3://" + o.bucket() + "/" + o.key() + ": " + e.getMessage());
        }
    }

    private synchronized S3Client s3() {
        if (s3 == null) {
            AwsCredentialsProvider credentials = s3Settings.accessKeyId() == null ? DefaultCredentialsProvider.builder().build()
                    : StaticCredentialsProvider.create(AwsBasicCredentials.create(s3Settings.accessKeyId(), s3Settings.secretAccessKey()));
            var builder = S3Client.builder()
                    .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(connectTimeout).socketTimeout(readTimeout).build())
                    .region(Region.of(s3Settings.region()))
                    .credentialsProvider(credentials)
                    .forcePathStyle(s3Settings.pathStyle())
                    // Not the SDK's default (checksum headers on every request): S3-compatible servers such as
                    // s3proxy refuse them, and the import computes the md5 of what it stores anyway.
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            if (s3Settings.endpoint() != null) builder.endpointOverride(s3Settings.endpoint());
            s3 = builder.build();
        }
        return s3;
    }

    /** Releases the S3 client's connections and stops the watchdog. */
    public synchronized void close() {
        watchdog.shutdownNow();
        if (s3 != null) s3.close();
    }

    // ---- server -------------------------------------------------------------------------------------------------

    /** The file a server path names, as a real path (no links) inside the root it is under. */
    private Path serverFile(String text) {
        Path path;
        try {
            path = Path.of(text);
        } catch (InvalidPathException e) {
            throw ApiException.invalid("path", "is not a valid path: " + e.getReason());
        }
        if (!path.isAbsolute()) throw ApiException.invalid("path", "a server path is absolute");
        for (Path segment : path) {
            if (segment.toString().equals("..") || segment.toString().equals(".")) {
                throw ApiException.invalid("path", "a server path has no '.' or '..' segments");
            }
        }
        Path root = roots.stream().filter(path::startsWith).findFirst()
                .orElseThrow(() -> ApiException.forbidden("the server imports only from the folders its administrator configured "
                        + "(FLOW_IMPORT_ROOTS); " + text + " is in none of them"));
        Path real;
        try {
            real = path.toRealPath();
            if (!real.startsWith(root.toRealPath())) {
                throw ApiException.forbidden(text + " leads out of its import root through a symbolic link");
            }
        } catch (NoSuchFileException e) {
            throw ApiException.notFound("file " + text);
        } catch (IOException e) {
            throw ApiException.forbidden(text + " cannot be read: " + e.getMessage());
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) throw ApiException.invalid("path", text + " is not a regular file");
        return real;
    }

    private Opened openServerFile(String text) throws IOException {
        Path real = serverFile(text); // again: the file system may have changed since the import was asked for
        InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS);
        return new Opened(in, Files.size(real), in::close);
    }
}
