package bio.flow.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * GET /openapi.yaml serves the contract (the repository's openapi.yaml, packed into the jar), and GET /docs
 * a Swagger UI page over it. The page's scripts come from the swagger-ui webjar, served at /docs/assets.
 */
public final class ApiDocs {
    public static final String ASSETS_PATH = "/docs/assets";

    private final byte[] spec;
    private final String page;

    public ApiDocs() {
        try (InputStream in = ApiDocs.class.getResourceAsStream("/openapi.yaml")) {
            if (in == null) throw new IllegalStateException("openapi.yaml is missing from the classpath");
            this.spec = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.page = """
                <!doctype html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <title>Flow API</title>
                  <link rel="stylesheet" href="%1$s/swagger-ui.css">
                </head>
                <body>
                  <div id="docs"></div>
                  <script src="%1$s/swagger-ui-bundle.js"></script>
                  <script>SwaggerUIBundle({url: "/openapi.yaml", dom_id: "#docs", deepLinking: true});</script>
                </body>
                </html>
                """.formatted(ASSETS_PATH);
    }

    /** Where the swagger-ui webjar keeps its files on the classpath. */
    public static String assetsClasspathFolder() {
        try (InputStream in = ApiDocs.class.getResourceAsStream("/flow-docs.properties")) {
            Properties p = new Properties();
            p.load(in);
            return "/META-INF/resources/webjars/swagger-ui/" + p.getProperty("swagger_ui");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("flow-docs.properties is missing from the classpath", e);
        }
    }

    public void spec(Context ctx) {
        ctx.contentType("application/yaml").result(spec);
    }

    public void page(Context ctx) {
        ctx.html(page);
    }
}
