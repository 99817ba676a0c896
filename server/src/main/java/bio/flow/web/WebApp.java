package bio.flow.web;

import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The web application: Flow in a browser, served from the jar at {@value #PATH}. It is a client of the public API like
 * any other; the server only hands out its files.
 *
 * <p>Caching by content hash, for the whole application at once: at start every file of the app (the jar's {@code web/}
 * folder) and of its libraries is read into memory and hashed together into one build id. The files are served under
 * {@code /app/assets/<build>/}, immutable for a year, so that their relative imports resolve within one build; the page
 * (index.html, answered for every other path under /app/, since the routes are the browser's) names that folder and is
 * revalidated on each load. A change to any file makes a new build id, so a browser never mixes two versions.
 *
 * <p>The app's own scripts and stylesheets are served {@link Trimmed} (without their whole-line comments and indentation).
 * Libraries come from WebJars on the class path ({@link #LIBRARIES}). Javalin gzips what it sends to clients that
 * accept it, and every answer under /app/ carries a strict Content-Security-Policy: scripts, styles and connections
 * only from this server, no inline script, no framing.
 */
public final class WebApp {
    public static final String PATH = "/app";
    private static final String ASSETS = PATH + "/assets/";
    private static final String WEB_FOLDER = "/web";
    /** Where index.html names the build's assets folder. */
    private static final String ASSETS_PLACEHOLDER = "{{assets}}";

    /**
     * The policy, with the origins of the configured OIDC issuers in {@code connect-src}: signing in with one, the browser
     * fetches its discovery document and exchanges the code at its token endpoint itself (authorization code with PKCE),
     * so those requests go to the issuer's origin. Nothing else is allowed beyond this server.
     */
    static String contentSecurityPolicy(List<String> oidcIssuers) {
        StringBuilder connect = new StringBuilder("connect-src 'self'");
        oidcIssuers.stream().map(WebApp::origin).filter(java.util.Objects::nonNull).distinct().forEach(o -> connect.append(' ').append(o));
        return String.join("; ",
                "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
                connect.toString(), "manifest-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'");
    }

    /** scheme://host[:port] of an http(s) issuer; null for any other (no browser can sign in there). */
    private static String origin(String issuer) {
        try {
            URI uri = new URI(issuer);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http") || uri.getRawAuthority() == null) return null;
            return scheme + "://" + uri.getRawAuthority().toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "html", "text/html; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json");

    /**
     * A library module: served as {@code lib/<name>} from a WebJar file, with its bare import specifiers (which a browser
     * resolves only through an import map, an inline script the policy forbids) replaced by relative ones.
     */
    private record Library(String name, String webjar, String versionKey, String file, Map<String, String> imports) {}

    private static final List<Library> LIBRARIES = List.of(
            new Library("preact.js", "preact", "preact", "dist/preact.module.js", Map.of()),
            new Library("preact-hooks.js", "preact", "preact", "hooks/dist/hooks.module.js",
                    Map.of("from\"preact\"", "from\"./preact.js\"")));

    private record Asset(byte[] bytes, String contentType) {}

    private final String build;
    private final Map<String, Asset> assets;
    private final byte[] index;
    private final String contentSecurityPolicy;

    /** {@code oidcIssuers}: the issuers a browser may sign in with (their origins are allowed to connect to). */
    public WebApp(List<String> oidcIssuers) {
        this(readFolder(WEB_FOLDER), libraries(), oidcIssuers);
    }

    WebApp(Map<String, byte[]> files, Map<String, byte[]> libraries) {
        this(files, libraries, List.of());
    }

    private WebApp(Map<String, byte[]> files, Map<String, byte[]> libraries, List<String> oidcIssuers) {
        this.contentSecurityPolicy = contentSecurityPolicy(oidcIssuers);
        Map<String, byte[]> all = new TreeMap<>();
        files.forEach((name, bytes) -> all.put(name, Trimmed.applies(name) ? Trimmed.of(bytes) : bytes));
        libraries.forEach((name, bytes) -> all.put("lib/" + name, bytes));
        byte[] page = all.remove("index.html");
        if (page == null) throw new IllegalStateException("the web app has no index.html");
        this.build = hash(all);
        Map<String, Asset> assets = new TreeMap<>();
        all.forEach((name, bytes) -> assets.put(name, new Asset(bytes, contentType(name))));
        this.assets = Map.copyOf(assets);
        String html = new String(page, StandardCharsets.UTF_8);
        if (!html.contains(ASSETS_PLACEHOLDER)) throw new IllegalStateException("index.html does not name " + ASSETS_PLACEHOLDER);
        this.index = html.replace(ASSETS_PLACEHOLDER, assetsPath()).getBytes(StandardCharsets.UTF_8);
    }

    /** The folder of this build's files, as index.html names it: {@code /app/assets/<build>}. */
    public String assetsPath() {
        return ASSETS + build;
    }

    /** Whether a route (as Javalin lists it) is one of the app's rather than the API's. */
    public static boolean isAppRoute(String path) {
        return path.equals("/") || path.equals(PATH) || path.startsWith(PATH + "/");
    }

    /** GET /: a browser (asking for HTML) is sent to the app; any other client gets the API's 404 as before. */
    public void root(Context ctx) {
        String accept = ctx.header(Header.ACCEPT);
        if (accept == null || !accept.contains("text/html")) throw new NotFoundResponse();
        ctx.redirect(PATH + "/");
    }

    /** GET /app and everything under it: a file of the build, or the page for any client-side route. */
    public void serve(Context ctx) {
        securityHeaders(ctx);
        ctx.header(Header.VARY, "Accept-Encoding"); // Javalin compresses for clients that accept gzip
        String path = ctx.path();
        if (path.equals(PATH)) {
            ctx.redirect(PATH + "/");
        } else if (path.startsWith(ASSETS)) {
            asset(ctx, path.substring(ASSETS.length()));
        } else {
            page(ctx);
        }
    }

    private void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", contentSecurityPolicy);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
    }

    /** The page: revalidated at each load (it is what names the build), answered 304 while the build is the same. */
    private void page(Context ctx) {
        String etag = "\"" + build + "\"";
        ctx.header(Header.CACHE_CONTROL, "no-cache");
        ctx.header(Header.ETAG, etag);
        if (etag.equals(ctx.header(Header.IF_NONE_MATCH))) {
            ctx.status(304);
            return;
        }
        ctx.contentType(CONTENT_TYPES.get("html")).result(index);
    }

    /** {@code <build>/<name>}: a file of this build; any other build's files (of an older tab) are gone. */
    private void asset(Context ctx, String rest) {
        int slash = rest.indexOf('/');
        Asset asset = slash > 0 && rest.substring(0, slash).equals(build) ? assets.get(rest.substring(slash + 1)) : null;
        if (asset == null) {
            ctx.header(Header.CACHE_CONTROL, "no-store");
            throw new NotFoundResponse();
        }
        ctx.header(Header.CACHE_CONTROL, "public, max-age=31536000, immutable");
        ctx.contentType(asset.contentType()).result(asset.bytes());
    }

    private static String contentType(String name) {
        String type = CONTENT_TYPES.get(name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT));
        // a file the app ships must be served with a type the browser will accept under nosniff
        if (type == null) throw new IllegalStateException("the web app's file " + name + " has no known content type");
        return type;
    }

    /** One id of the whole build: every file's name and bytes. */
    private static String hash(Map<String, byte[]> sorted) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sorted.forEach((name, bytes) -> {
                sha.update(name.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(bytes);
                sha.update((byte) 0);
            });
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The libraries' modules, read from their WebJars, bare imports made relative (a library update that moved them stops the start). */
    private static Map<String, byte[]> libraries() {
        Properties versions = new Properties();
        try (InputStream in = WebApp.class.getResourceAsStream("/flow-web.properties")) {
            if (in == null) throw new IllegalStateException("flow-web.properties is missing from the class path");
            versions.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, byte[]> libraries = new TreeMap<>();
        for (Library lib : LIBRARIES) {
            String resource = "/META-INF/resources/webjars/" + lib.webjar() + "/" + versions.getProperty(lib.versionKey()) + "/" + lib.file();
            String code;
            try (InputStream in = WebApp.class.getResourceAsStream(resource)) {
                if (in == null) throw new IllegalStateException("the web app's library " + resource + " is missing from the class path");
                code = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (var imp : lib.imports().entrySet()) {
                if (!code.contains(imp.getKey())) throw new IllegalStateException(resource + " no longer contains " + imp.getKey());
                code = code.replace(imp.getKey(), imp.getValue());
            }
            libraries.put(lib.name(), code.getBytes(StandardCharsets.UTF_8));
        }
        return libraries;
    }

    /** Every file under a class-path folder, by its path below it, whether the classes are a folder or the jar. */
    static Map<String, byte[]> readFolder(String folder) {
        URL url = WebApp.class.getResource(folder);
        if (url == null) throw new IllegalStateException("the class path has no " + folder + " folder");
        try {
            URI uri = url.toURI();
            if (!uri.getScheme().equals("jar")) return readTree(Path.of(uri));
            try {
                return readTree(FileSystems.getFileSystem(uri).getPath(folder));
            } catch (FileSystemNotFoundException e) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    return readTree(jar.getPath(folder));
                }
            }
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, byte[]> readTree(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                files.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return files;
    }
}
