package bio.flow.dialect;

import bio.flow.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.ee10.servlet.FilterHolder;

/**
 * The {@code /api} dialect: the whole API once more under the prefix {@code /api}, as the official flow.bio Python
 * client ({@code flowbio} 0.9.0) and its CLI expect it (their base URL is {@code https://<server>/api}).
 *
 * <p>How: {@link PrefixFilter}, a servlet filter on {@code /api/*}, hands the request to Javalin without the prefix
 * (so the same route, handler, permission check and limits serve it: there is no second implementation of anything)
 * and marks it as the dialect's; an after-handler then rewrites the answers of marked requests. Only JSON answers are
 * rewritten, and only once they are whole (they are small: listings are paged); files and other streamed answers go
 * to the client as the main API sends them, untouched and unbuffered. Errors Jetty raises before any route (a
 * malformed request line or header) keep the main API's format.
 *
 * <p><b>Every difference from the main API</b>, in the order they are applied (this table and the code below are the
 * only place they are decided):
 * <table>
 * <caption>what the dialect changes</caption>
 * <tr><th>what</th><th>main API</th><th>{@code /api} dialect</th></tr>
 * <tr><td>path</td><td>{@code /projects/owned}</td><td>{@code /api/projects/owned}, same handler</td></tr>
 * <tr><td>ids in requests (top-level keys {@code id}, {@code *_id}, {@code ids}, {@code project}, {@code data},
 *     {@code samples}, {@code projects}, {@code executions}, {@code filesets} of a JSON body)</td>
 *     <td>JSON numbers</td><td>numbers, or strings of digits ({@code "42"}), which are read as numbers</td></tr>
 * <tr><td>ids in answers (keys {@code id}, {@code *_id}, {@code ids}, {@code *_ids}, at any depth)</td>
 *     <td>JSON numbers</td><td>JSON strings ({@code "42"})</td></tr>
 * <tr><td>sign-in answers ({@code POST /login}, {@code /signup}, {@code /oidc-login}, {@code GET /token})</td>
 *     <td>{@code access_token}</td><td>{@code access_token} and the same value as {@code token}</td></tr>
 * <tr><td>{@code GET /samples/types}</td><td>{@code {"sample_types": [{id, name, description}]}}</td>
 *     <td>bare array of {@code {identifier, name, description}}; {@code identifier} is the name, which is what
 *     {@code sample_type} takes everywhere</td></tr>
 * <tr><td>{@code GET /organisms}</td><td>{@code {"organisms": [{id, name}]}}</td>
 *     <td>bare array of {@code {id, name, latin_name}}; Flow keeps one name per organism, its scientific name, given
 *     as both</td></tr>
 * <tr><td>{@code GET /samples/metadata}</td><td>{@code {"attributes": [...]}}</td><td>bare array of the attributes</td></tr>
 * <tr><td>error bodies</td><td>{@code {"error": {"code", "message", "details"}}}</td>
 *     <td>{@code {"error": "<message>", "code", "details"}}: the client prints {@code error} as it is</td></tr>
 * <tr><td>a sheet's problems and warnings ({@code POST /upload/annotation})</td>
 *     <td>{@code {"error": {"code", "message", "details": {"validation" | "warnings": [{row, column, message}]}}}}</td>
 *     <td>{@code {"validation": [...], "code", "message", "details"}} or {@code {"warnings": [...], ...}}, without
 *     {@code error}: the client looks for them at the top level, and a string {@code error} would hide them (with
 *     {@code warnings} it then sends the sheet again with {@code ignore_warnings=true})</td></tr>
 * </table>
 * No endpoint of the main API answers a request of the client with an empty 2xx body (the client parses every one
 * as JSON), so none needs one here; the dialect's tests check every answer they get for it.
 * Pagination needs no difference: every listing also takes the client's {@code page} and {@code count} (see
 * {@link bio.flow.http.Paging}), answers the true total in {@code count}, and a page past the end is an empty list.
 */
public final class Dialect {
    public static final String PREFIX = "/api";
    /** The request attribute that marks a request made under {@link #PREFIX}. */
    static final String MARK = "flow.dialect";

    /** Keys of a JSON request body that name records, and so may be sent as strings of digits. */
    private static final Set<String> REQUEST_ID_KEYS = Set.of("id", "ids", "project", "data", "samples", "projects", "executions", "filesets");
    /** The keys of a sheet's issues that the client reads at the top level of an error body, in the order it checks them. */
    private static final List<String> SHEET_ISSUES = List.of("validation", "warnings");
    private static final Set<String> SIGN_IN_PATHS = Set.of("/login", "/signup", "/oidc-login", "/token");
    /** Listings the client reads as bare arrays: the main API's key of each, by path. */
    private static final Map<String, String> BARE_ARRAYS = Map.of("/samples/types", "sample_types", "/organisms", "organisms",
            "/samples/metadata", "attributes");

    private Dialect() {}

    /** Serves the dialect on this server: the filter on {@code /api/*} and the rewriting of its answers. */
    public static void install(JavalinConfig cfg, int maxBodyBytes) {
        cfg.jetty.modifyServletContextHandler(context -> context.addFilter(new FilterHolder(new PrefixFilter(maxBodyBytes)), PREFIX + "/*",
                EnumSet.of(DispatcherType.REQUEST)));
        cfg.routes.after(Dialect::answer);
    }

    /** Whether this request came under {@link #PREFIX}. */
    public static boolean isDialect(Context ctx) {
        return Boolean.TRUE.equals(ctx.req().getAttribute(MARK));
    }

    /** The after-handler: rewrites the JSON answer of a dialect request. */
    private static void answer(Context ctx) throws IOException {
        if (!isDialect(ctx) || ctx.method() == HandlerType.HEAD) return;
        InputStream result = ctx.resultInputStream();
        String type = ctx.res().getContentType();
        if (result == null || type == null || !type.startsWith("application/json")) return;
        byte[] bytes = result.readAllBytes();
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            ctx.result(bytes); // not JSON after all: as it was
            return;
        }
        ctx.result(Json.MAPPER.writeValueAsBytes(answer(ctx.path(), ctx.status().getCode(), tree)));
    }

    /** The dialect's answer made of the main API's answer {@code tree} to a request of {@code path}. */
    static JsonNode answer(String path, int status, JsonNode tree) {
        if (status >= 400) return error(tree);
        JsonNode out = stringIds(tree);
        if (SIGN_IN_PATHS.contains(path) && out instanceof ObjectNode o && o.has("access_token")) o.set("token", o.get("access_token"));
        String listKey = BARE_ARRAYS.get(path);
        if (listKey != null && out.path(listKey).isArray()) {
            ArrayNode items = (ArrayNode) out.get(listKey);
            if (path.equals("/samples/types")) rewriteEach(items, Dialect::sampleType);
            if (path.equals("/organisms")) rewriteEach(items, Dialect::organism);
            return items;
        }
        return out;
    }

    /**
     * {@code {"error": {"code", "message", "details"}}} as {@code {"error": "<message>", "code", "details"}}; a sheet's
     * problems or warnings as {@code {"validation" | "warnings": [...], "code", "message"}}.
     */
    private static JsonNode error(JsonNode tree) {
        JsonNode e = tree.path("error");
        if (!e.isObject()) return tree;
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (String key : SHEET_ISSUES) {
            if (e.path("details").path(key).isArray()) {
                ObjectNode details = ((ObjectNode) e.path("details")).deepCopy();
                out.set(key, stringIds(details.remove(key)));
                out.set("code", e.path("code"));
                out.set("message", e.path("message"));
                out.set("details", stringIds(details));
                return out;
            }
        }
        out.set("error", e.path("message"));
        out.set("code", e.path("code"));
        out.set("details", stringIds(e.path("details")));
        return out;
    }

    /** A sample type as the client reads it: its name is the identifier {@code sample_type} takes. */
    private static JsonNode sampleType(ObjectNode t) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("identifier", t.path("name"));
        out.set("name", t.path("name"));
        out.set("description", t.path("description"));
        return out;
    }

    /** An organism as the client reads it: its id (what {@code organism} takes), its name and its Latin name. */
    private static JsonNode organism(ObjectNode o) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("id", o.path("id"));
        out.set("name", o.path("name"));
        out.set("latin_name", o.path("name"));
        return out;
    }

    private static void rewriteEach(ArrayNode items, java.util.function.Function<ObjectNode, JsonNode> rewrite) {
        List<JsonNode> rewritten = new ArrayList<>();
        for (JsonNode item : items) rewritten.add(item instanceof ObjectNode o ? rewrite.apply(o) : item);
        items.removeAll();
        items.addAll(rewritten);
    }

    /** The tree with every number under an id key ({@code id}, {@code *_id}, {@code ids}, {@code *_ids}) as a string, at any depth. */
    static JsonNode stringIds(JsonNode node) {
        if (node instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                boolean idKey = isIdKey(e.getKey());
                if (idKey && e.getValue().isIntegralNumber()) e.setValue(TextNode.valueOf(e.getValue().asText()));
                else if (idKey && e.getValue() instanceof ArrayNode a) rewriteNumbers(a, n -> n.isIntegralNumber() ? TextNode.valueOf(n.asText()) : n);
                else stringIds(e.getValue());
            }
        } else if (node instanceof ArrayNode a) {
            for (JsonNode item : a) stringIds(item);
        }
        return node;
    }

    private static boolean isIdKey(String key) {
        return key.equals("id") || key.equals("ids") || key.endsWith("_id") || key.endsWith("_ids");
    }

    /**
     * A JSON request body with the ids of its top-level id keys as numbers: {@code "42"} is read as 42, so that the
     * main API's strict reading (which refuses a string where a number belongs) takes the client's string ids. Any
     * other string stays a string, for the main API to refuse with its own message.
     */
    static JsonNode numberIds(JsonNode body) {
        if (!(body instanceof ObjectNode o)) return body;
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (!REQUEST_ID_KEYS.contains(key) && !key.endsWith("_id") && !key.endsWith("_ids")) continue;
            if (e.getValue() instanceof ArrayNode a) rewriteNumbers(a, Dialect::number);
            else e.setValue(number(e.getValue()));
        }
        return o;
    }

    private static JsonNode number(JsonNode n) {
        if (!n.isTextual() || !n.textValue().matches("-?[0-9]{1,18}")) return n;
        return JsonNodeFactory.instance.numberNode(Long.parseLong(n.textValue()));
    }

    private static void rewriteNumbers(ArrayNode a, UnaryOperator<JsonNode> rewrite) {
        for (int i = 0; i < a.size(); i++) a.set(i, rewrite.apply(a.get(i)));
    }
}
