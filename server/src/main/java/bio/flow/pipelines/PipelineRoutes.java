package bio.flow.pipelines;

import bio.flow.auth.Authenticator;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.Check;
import bio.flow.http.Json;
import bio.flow.http.PathIds;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The routes of the pipeline registry. Reading it is public (anyone may see which pipelines Flow offers, as on
 * the hosted service); changing it is for site administrators (401 anonymous, 403 other users).
 */
public final class PipelineRoutes {
    static final int MAX_NAME = 200;
    static final int MAX_DESCRIPTION = 5000;
    static final int MAX_VERSION = 100;
    static final int MAX_SOURCE = 2000;
    static final int MAX_CONFIG = 100_000;
    static final int MAX_PROFILES = 20;
    static final int MAX_UPSTREAM = 50;
    /** A Nextflow parameter name as Flow sets it ({@code params.<name>}). */
    static final Pattern PARAM = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]{0,99}$");
    static final Pattern PROFILE = Pattern.compile("^[A-Za-z0-9_.-]{1,100}$");
    /** A relative path inside the pipeline without . or .. parts. */
    static final Pattern SCRIPT = Pattern.compile("^(?!.*(^|/)\\.\\.?(/|$))[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$");
    static final int MAX_SCRIPT = 500;

    private final Authenticator authenticator;
    private final PipelineRegistry registry;

    public PipelineRoutes(Authenticator authenticator, PipelineRegistry registry) {
        this.authenticator = authenticator;
        this.registry = registry;
    }

    record CategoryRequest(String name) {}

    record PipelineRequest(String name, String description, JsonNode category) {}

    record InputRequest(String style, String param) {}

    record VersionRequest(String version, String source, String revision, String main_script, InputRequest input, String outdir_param,
                          List<String> profiles, String config, List<JsonNode> upstream, Boolean is_latest) {}

    record VersionEditRequest(Boolean is_latest, Boolean retired) {}

    public void list(Context ctx) {
        authenticator.optional(ctx);
        ctx.json(registry.listing());
    }

    public void get(Context ctx) {
        ctx.json(registry.pipeline(PathIds.of(ctx, "id", "pipeline"), isAdmin(ctx)));
    }

    public void version(Context ctx) {
        ctx.json(registry.version(PathIds.of(ctx, "id", "pipeline version"), isAdmin(ctx)));
    }

    public void createCategory(Context ctx) {
        requireAdmin(ctx);
        String name = Check.text("name", Json.body(ctx, CategoryRequest.class).name(), 1, MAX_NAME);
        ctx.status(201).json(registry.createCategory(name));
    }

    public void create(Context ctx) {
        requireAdmin(ctx);
        PipelineRequest r = Json.body(ctx, PipelineRequest.class);
        String name = Check.text("name", r.name(), 1, MAX_NAME);
        String description = Check.optionalText("description", r.description(), MAX_DESCRIPTION);
        Object category = reference("category", Check.required("category", nullIfNull(r.category())));
        ctx.status(201).json(registry.createPipeline(name, description == null ? "" : description, category));
    }

    public void edit(Context ctx) {
        requireAdmin(ctx);
        long id = PathIds.of(ctx, "id", "pipeline");
        PipelineRequest r = Json.body(ctx, PipelineRequest.class);
        String name = r.name() == null ? null : Check.text("name", r.name(), 1, MAX_NAME);
        String description = Check.optionalText("description", r.description(), MAX_DESCRIPTION);
        JsonNode c = nullIfNull(r.category());
        ctx.json(registry.editPipeline(id, name, description, c == null ? null : reference("category", c)));
    }

    public void addVersion(Context ctx) {
        requireAdmin(ctx);
        long id = PathIds.of(ctx, "id", "pipeline");
        ctx.status(201).json(registry.addVersion(id, spec(Json.body(ctx, VersionRequest.class))));
    }

    /** The request checked for form (400 naming the field), trimmed, with the defaults filled in. */
    static PipelineRegistry.VersionSpec spec(VersionRequest r) {
        String version = Check.text("version", r.version(), 1, MAX_VERSION);
        String source = Check.text("source", r.source(), 1, MAX_SOURCE);
        if (!source.startsWith("/") && !GitSources.isGitUrl(source)) {
            throw ApiException.invalid("source", "must be an absolute directory on the server or a git URL (https://, ssh://, file:// or user@host:path)");
        }
        String revision = r.revision() == null ? null : Check.matches("revision", Check.text("revision", r.revision(), 1, 200), GitSources.REVISION,
                "must be a commit or tag name (letters, digits and . _ / + -, starting with a letter or digit)");
        String mainScript = r.main_script() == null ? "main.nf" : Check.matches("main_script", Check.text("main_script", r.main_script(), 1, MAX_SCRIPT), SCRIPT,
                "must be a path inside the pipeline (letters, digits, _ . - and /, no . or .. parts)");
        InputRequest input = Check.required("input", r.input());
        String style = Check.required("input.style", input.style());
        String defaultParam = switch (style) {
            case "samplesheet" -> "input";
            case "reads_glob" -> "reads";
            default -> throw ApiException.invalid("input.style", "must be samplesheet or reads_glob, not '" + style + "'");
        };
        String inputParam = input.param() == null ? defaultParam : Check.matches("input.param", input.param(), PARAM, "must be a Nextflow parameter name");
        String outdirParam = r.outdir_param() == null ? "outdir" : Check.matches("outdir_param", r.outdir_param(), PARAM, "must be a Nextflow parameter name");
        if (inputParam.equals(outdirParam)) throw ApiException.invalid("outdir_param", "must differ from the input parameter");
        List<String> profiles = r.profiles() == null ? List.of() : r.profiles();
        if (profiles.size() > MAX_PROFILES) throw ApiException.invalid("profiles", "must be at most " + MAX_PROFILES + " profiles");
        for (int i = 0; i < profiles.size(); i++) {
            Check.matches("profiles." + i, Check.required("profiles." + i, profiles.get(i)), PROFILE, "must be a profile name (letters, digits, _ . -)");
        }
        String config = r.config() == null ? "" : r.config();
        if (config.length() > MAX_CONFIG) throw ApiException.invalid("config", "must be at most " + MAX_CONFIG + " characters");
        List<Object> upstream = null;
        if (r.upstream() != null) {
            if (r.upstream().size() > MAX_UPSTREAM) throw ApiException.invalid("upstream", "must name at most " + MAX_UPSTREAM + " pipelines");
            upstream = new ArrayList<>();
            for (int i = 0; i < r.upstream().size(); i++) {
                upstream.add(reference("upstream." + i, Check.required("upstream." + i, nullIfNull(r.upstream().get(i)))));
            }
        }
        boolean latest = r.is_latest() == null || r.is_latest();
        return new PipelineRegistry.VersionSpec(version, source, revision, mainScript, style, inputParam, outdirParam, profiles, config,
                upstream, latest);
    }

    public void editVersion(Context ctx) {
        requireAdmin(ctx);
        long id = PathIds.of(ctx, "id", "pipeline version");
        VersionEditRequest r = Json.body(ctx, VersionEditRequest.class);
        ctx.json(registry.editVersion(id, r.is_latest(), r.retired()));
    }

    /** A pipeline or category named by id (a Long) or by name (a trimmed String); 400 for anything else. */
    private static Object reference(String field, JsonNode value) {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            if (value.asLong() < 1) throw ApiException.invalid(field, "must be an id (1 or more) or a name");
            return value.asLong();
        }
        if (value.isTextual()) return Check.text(field, value.asText(), 1, MAX_NAME);
        throw ApiException.invalid(field, "must be an id or a name");
    }

    static JsonNode nullIfNull(JsonNode value) {
        return value == null || value.isNull() ? null : value;
    }

    private boolean isAdmin(Context ctx) {
        return authenticator.optional(ctx).map(Caller::isAdmin).orElse(false);
    }

    private void requireAdmin(Context ctx) {
        if (!authenticator.require(ctx).isAdmin()) throw ApiException.forbidden("only administrators may change the pipeline registry");
    }
}
