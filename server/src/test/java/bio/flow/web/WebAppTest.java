package bio.flow.web;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * How the server hands out the web app (see {@link WebApp}), over real HTTP: the page for every client-side route,
 * browsers sent from / to it, the build's files cached by content hash and compressed, the security headers, every
 * module import resolving, and the size budget of the app's own code. What the app does is WebAppBrowserTest's.
 */
class WebAppTest {
    private static final TestServer server = TestServer.shared();
    private static final HttpClient http = HttpClient.newHttpClient();
    /** The app's own JavaScript and CSS together (libraries not counted), uncompressed. */
    private static final int CODE_BUDGET_BYTES = 300 * 1024;

    private static HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path));
        if (headers.length > 0) request.headers(headers);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static String header(HttpResponse<byte[]> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    /** The build's folder, as the page names it. */
    private static String assets() throws Exception {
        Matcher m = Pattern.compile("src=\"(/app/assets/[0-9a-f]{12})/main\\.js\"").matcher(text(get("/app/")));
        assertThat(m.find()).as("the page loads main.js from the build's folder").isTrue();
        return m.group(1);
    }

    @Test
    void browsersOpeningTheRootAreSentToTheAppAndOtherClientsGetTheApisNotFound() throws Exception {
        HttpResponse<byte[]> browser = get("/", "Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        assertThat(browser.statusCode()).isEqualTo(302);
        assertThat(header(browser, "Location")).isEqualTo("/app/");

        HttpResponse<byte[]> client = get("/", "Accept", "application/json");
        assertThat(client.statusCode()).isEqualTo(404);
        assertThat(text(client)).contains("\"NOT_FOUND\"", "no such endpoint: GET /");

        HttpResponse<byte[]> bare = get("/app");
        assertThat(bare.statusCode()).isEqualTo(302);
        assertThat(header(bare, "Location")).isEqualTo("/app/");
    }

    @Test
    void everyClientSideRouteIsTheSamePageWithTheSecurityHeaders() throws Exception {
        HttpResponse<byte[]> home = get("/app/");
        for (String path : List.of("/app/", "/app/samples/123", "/app/projects/7", "/app/no/such/page")) {
            HttpResponse<byte[]> r = get(path, "Accept", "text/html");
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(header(r, "Content-Type")).as(path).startsWith("text/html");
            assertThat(r.body()).as(path).isEqualTo(home.body());
            String csp = header(r, "Content-Security-Policy");
            assertThat(csp).as(path).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(header(r, "X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(header(r, "Referrer-Policy")).isEqualTo("same-origin");
            assertThat(header(r, "X-Frame-Options")).isEqualTo("DENY");
            assertThat(header(r, "Cache-Control")).isEqualTo("no-cache");
        }
        // no inline script: every script element loads a file of the build
        String page = text(home);
        Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(page);
        while (scripts.find()) {
            assertThat(scripts.group(1)).contains("src=\"/app/assets/");
            assertThat(scripts.group(2)).isBlank();
        }
        assertThat(page).doesNotContain(" style=", "onload=", "onclick=");
    }

    @Test
    void thePageIsRevalidatedByItsBuildAndTheBuildsFilesAreImmutable() throws Exception {
        HttpResponse<byte[]> page = get("/app/projects");
        String etag = header(page, "ETag");
        assertThat(etag).isEqualTo("\"" + assets().substring("/app/assets/".length()) + "\"");
        HttpResponse<byte[]> again = get("/app/projects", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(get("/app/projects", "If-None-Match", "\"an-older-build\"").statusCode()).isEqualTo(200);

        HttpResponse<byte[]> main = get(assets() + "/main.js");
        assertThat(main.statusCode()).isEqualTo(200);
        assertThat(header(main, "Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(header(main, "Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(header(main, "X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(header(get(assets() + "/app.css"), "Content-Type")).isEqualTo("text/css; charset=utf-8");
        assertThat(header(get(assets() + "/icon.svg"), "Content-Type")).isEqualTo("image/svg+xml");

        // another build's files, unknown files and the page itself are not files of this build
        for (String missing : List.of("/app/assets/000000000000/main.js", assets() + "/nope.js", assets() + "/index.html",
                assets() + "/", "/app/assets/main.js")) {
            HttpResponse<byte[]> r = get(missing);
            assertThat(r.statusCode()).as(missing).isEqualTo(404);
            assertThat(header(r, "Cache-Control")).as(missing).isEqualTo("no-store");
        }
    }

    /** Javalin compresses answers of 1500 bytes or more (smaller ones gain nothing). */
    @Test
    void filesAreServedCompressedToClientsThatAcceptIt() throws Exception {
        for (String file : List.of("/app.css", "/lib/preact.js", "/core/session.js")) {
            HttpResponse<byte[]> plain = get(assets() + file);
            HttpResponse<byte[]> gzipped = get(assets() + file, "Accept-Encoding", "gzip");
            assertThat(header(gzipped, "Content-Encoding")).as(file).isEqualTo("gzip");
            assertThat(header(gzipped, "Vary")).as(file).containsIgnoringCase("Accept-Encoding");
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
                assertThat(in.readAllBytes()).as(file).isEqualTo(plain.body());
            }
        }
    }

    /**
     * Every JavaScript and CSS file of the build (the app's own and its libraries), not only a few: cached for good under
     * its build's hash, and gzipped when it is large enough for Javalin to compress. Prints what a first visit downloads.
     */
    @Test
    void everyScriptAndStylesheetIsImmutableUnderItsBuildAndCompressed() throws Exception {
        List<String> files = new ArrayList<>(WebApp.readFolder("/web").keySet());
        files.addAll(List.of("lib/preact.js", "lib/preact-hooks.js"));
        long plainBytes = 0, sentBytes = 0;
        int checked = 0;
        for (String file : files) {
            if (!file.endsWith(".js") && !file.endsWith(".css")) continue;
            HttpResponse<byte[]> r = get(assets() + "/" + file, "Accept-Encoding", "gzip");
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            assertThat(header(r, "Cache-Control")).as(file).isEqualTo("public, max-age=31536000, immutable");
            byte[] plain = get(assets() + "/" + file).body();
            if (plain.length >= 1500) assertThat(header(r, "Content-Encoding")).as(file + ", " + plain.length + " bytes").isEqualTo("gzip");
            plainBytes += plain.length;
            sentBytes += r.body().length;
            checked++;
        }
        assertThat(checked).as("scripts and stylesheets checked").isGreaterThan(30);
        System.out.printf("web app: %d scripts and stylesheets, %.1f KB, sent as %.1f KB to a browser accepting gzip%n",
                checked, plainBytes / 1024.0, sentBytes / 1024.0);
    }

    /** Every relative import of every module of the build is a file of the build: no module fails to load in a browser. */
    @Test
    void everyModuleImportResolvesToAFileOfTheBuild() throws Exception {
        Pattern imports = Pattern.compile("(?:import|export)\\s*(?:[^'\";]*?\\sfrom\\s*)?[\"']([^\"']+)[\"']");
        List<String> broken = new ArrayList<>();
        List<String> toVisit = new ArrayList<>(List.of("main.js"));
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (!toVisit.isEmpty()) {
            String module = toVisit.remove(toVisit.size() - 1);
            if (!seen.add(module)) continue;
            HttpResponse<byte[]> r = get(assets() + "/" + module);
            if (r.statusCode() != 200) {
                broken.add(module + " answered " + r.statusCode());
                continue;
            }
            Matcher m = imports.matcher(text(r));
            while (m.find()) {
                String specifier = m.group(1);
                if (!specifier.startsWith("./") && !specifier.startsWith("../")) {
                    broken.add(module + " imports the bare specifier " + specifier + " (no import map: a browser cannot load it)");
                    continue;
                }
                toVisit.add(URI.create("/" + module).resolve(specifier).getPath().substring(1));
            }
        }
        assertThat(broken).isEmpty();
        assertThat(seen).as("modules reached from main.js").contains("app.js", "core/session.js", "lib/preact.js", "lib/preact-hooks.js",
                "pages/projects/detail.js");
    }

    @Test
    void theAppsOwnCodeStaysWithinItsBudget() throws Exception {
        Map<String, byte[]> files = WebApp.readFolder("/web");
        List<String> code = files.keySet().stream().filter(Trimmed::applies).toList();
        long source = code.stream().mapToLong(name -> files.get(name).length).sum();
        // what a browser gets: the served files, as a client asks for them
        String assets = assets();
        long served = 0;
        for (String name : code) {
            HttpResponse<byte[]> r = get(assets + "/" + name);
            assertThat(r.statusCode()).as(name).isEqualTo(200);
            served += r.body().length;
        }
        System.out.printf("web app: %d files, own JavaScript and CSS %.1f KB served uncompressed (budget %d KB; %.1f KB as written)%n",
                files.size(), served / 1024.0, CODE_BUDGET_BYTES / 1024, source / 1024.0);
        assertThat(served).isPositive().isLessThan(CODE_BUDGET_BYTES);
    }

    /** Trimmed may drop whole lines that start a comment only because no string of the app spans lines. */
    @Test
    void noStringOfTheAppSpansLines() {
        WebApp.readFolder("/web").forEach((name, bytes) -> {
            if (!name.endsWith(".js")) return;
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                long ticks = lines[i].chars().filter(c -> c == '`').count();
                assertThat(ticks % 2).as("%s:%d has an unclosed template literal", name, i + 1).isZero();
            }
        });
    }

    @Test
    void trimmingDropsWholeLineCommentsAndIndentationButKeepsLinesAndCode() {
        String source = "// why\nconst a = 1; // kept\n  /**\n   * doc\n   */\n  if (a) {\n    /* one */ call('//x');\n  }\n";
        String trimmed = new String(Trimmed.of(source.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        assertThat(trimmed).isEqualTo("\nconst a = 1; // kept\n\n\n\nif (a) {\ncall('//x');\n}\n");
        assertThat(trimmed.lines().count()).isEqualTo(source.lines().count());
    }

    @Test
    void theApiIsUnchangedUnderTheApp() throws Exception {
        HttpResponse<byte[]> me = get("/me", "Accept", "text/html");
        assertThat(me.statusCode()).isEqualTo(401);
        assertThat(header(me, "Content-Type")).startsWith("application/json");
        assertThat(header(me, "Content-Security-Policy")).isNull();
        assertThat(server.routeList()).as("the API's routes, as ContractTest holds them against openapi.yaml")
                .noneMatch(r -> r.contains(" /app") || r.endsWith(" /"));
    }
}
