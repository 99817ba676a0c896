package bio.flow.pipelines;

import bio.flow.http.ApiException;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.util.PSQLException;

/**
 * The pipeline registry: categories, pipelines and their versions, as admins register them through the API and
 * as Flow registers the pipelines it ships. Callers check who may do what; requests arrive here checked for
 * form ({@link VersionSpec}), and this checks them against the database and the pipeline's files.
 *
 * <p>A version is pinned to one directory: an absolute directory on the server as given, or Flow's checkout of a
 * git source under {@code <pipelines dir>/git/<version id>/} (FLOW_PIPELINES_DIR) at the commit the revision named. The first
 * version of a pipeline is its latest; a later one becomes latest unless registered with {@code is_latest: false}.
 * Only one version is latest at a time, and a retired version (which cannot be run) is never latest.
 */
public final class PipelineRegistry {
    private final Jdbi jdbi;
    private final Path pipelinesDir;
    private final GitSources git;

    public PipelineRegistry(Jdbi jdbi, Path pipelinesDir, GitSources git) {
        this.jdbi = jdbi;
        this.pipelinesDir = pipelinesDir;
        this.git = git;
    }

    // ---- what the API shows ---------------------------------------------------------------------------------

    public record Listing(List<CategoryItem> categories) {}

    public record CategoryItem(long id, String name, List<PipelineItem> pipelines) {}

    public record PipelineItem(long id, String name, String description, List<VersionItem> versions) {}

    public record VersionItem(long id, String version, boolean is_latest, boolean retired, Instant created) {}

    public record Category(long id, String name, Instant created) {}

    public record PipelineRef(long id, String name) {}

    public record PipelineDetail(long id, String name, String description, String category, long category_id,
                                 List<PipelineRef> upstream_pipelines, Instant created, List<VersionDetail> versions) {}

    /** {@code source} and {@code config} are shown to admins only: a source may be a server path or carry a token. */
    public record VersionDetail(long id, long pipeline_id, String pipeline, String version, boolean is_latest, boolean retired,
                                Instant created, @JsonInclude(JsonInclude.Include.NON_NULL) String source, String revision,
                                String main_script, String input_style, String input_param, String outdir_param,
                                List<String> profiles, @JsonInclude(JsonInclude.Include.NON_NULL) String config,
                                ArrayNode parameters) {}

    /** A version to register, checked for form: trimmed, lengths and patterns checked, defaults applied. */
    public record VersionSpec(String version, String source, String revision, String mainScript, String inputStyle,
                              String inputParam, String outdirParam, List<String> profiles, String config,
                              List<Object> upstream, boolean isLatest) {}

    public Listing listing() {
        record Version(long pipelineId, VersionItem item) {}
        record Pipeline(long categoryId, PipelineItem item) {}
        return jdbi.withHandle(h -> {
            Map<Long, List<VersionItem>> versions = h.createQuery("SELECT id, pipeline_id, version, is_latest, retired, created "
                            + "FROM pipeline_versions ORDER BY created DESC, id DESC")
                    .map((rs, ctx) -> new Version(rs.getLong("pipeline_id"), new VersionItem(rs.getLong("id"), rs.getString("version"),
                            rs.getBoolean("is_latest"), rs.getBoolean("retired"), instant(rs.getObject("created", OffsetDateTime.class)))))
                    .stream().collect(Collectors.groupingBy(Version::pipelineId, Collectors.mapping(Version::item, Collectors.toList())));
            Map<Long, List<PipelineItem>> pipelines = h.createQuery("SELECT id, category_id, name, description FROM pipelines ORDER BY lower(name), id")
                    .map((rs, ctx) -> new Pipeline(rs.getLong("category_id"), new PipelineItem(rs.getLong("id"), rs.getString("name"),
                            rs.getString("description"), versions.getOrDefault(rs.getLong("id"), List.of()))))
                    .stream().collect(Collectors.groupingBy(Pipeline::categoryId, Collectors.mapping(Pipeline::item, Collectors.toList())));
            return new Listing(h.createQuery("SELECT id, name FROM pipeline_categories ORDER BY lower(name), id")
                    .map((rs, ctx) -> new CategoryItem(rs.getLong("id"), rs.getString("name"), pipelines.getOrDefault(rs.getLong("id"), List.of())))
                    .list());
        });
    }

    public PipelineDetail pipeline(long id, boolean admin) {
        return jdbi.withHandle(h -> pipeline(h, id, admin));
    }

    private PipelineDetail pipeline(Handle h, long id, boolean admin) {
        record Row(long id, String name, String description, String category, long categoryId, Instant created) {}
        Row row = h.createQuery("SELECT p.id, p.name, p.description, c.name AS category, c.id AS category_id, p.created "
                        + "FROM pipelines p JOIN pipeline_categories c ON c.id = p.category_id WHERE p.id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new Row(rs.getLong("id"), rs.getString("name"), rs.getString("description"),
                        rs.getString("category"), rs.getLong("category_id"), instant(rs.getObject("created", OffsetDateTime.class))))
                .findOne().orElseThrow(() -> ApiException.notFound("pipeline " + id));
        List<PipelineRef> upstream = h.createQuery("SELECT p.id, p.name FROM pipeline_upstream u JOIN pipelines p ON p.id = u.upstream_id "
                        + "WHERE u.pipeline_id = :id ORDER BY lower(p.name), p.id")
                .bind("id", id).map((rs, ctx) -> new PipelineRef(rs.getLong("id"), rs.getString("name"))).list();
        List<VersionDetail> versions = versions(h, "v.pipeline_id = :id ORDER BY v.created DESC, v.id DESC", id, admin);
        return new PipelineDetail(row.id, row.name, row.description, row.category, row.categoryId, upstream, row.created, versions);
    }

    public VersionDetail version(long id, boolean admin) {
        return jdbi.withHandle(h -> version(h, id, admin));
    }

    private VersionDetail version(Handle h, long id, boolean admin) {
        return versions(h, "v.id = :id", id, admin).stream().findFirst().orElseThrow(() -> ApiException.notFound("pipeline version " + id));
    }

    private static List<VersionDetail> versions(Handle h, String condition, long id, boolean admin) {
        return h.createQuery("SELECT v.*, v.parameters::text AS parameters_json, p.name AS pipeline FROM pipeline_versions v "
                        + "JOIN pipelines p ON p.id = v.pipeline_id WHERE " + condition)
                .bind("id", id)
                .map((rs, ctx) -> new VersionDetail(rs.getLong("id"), rs.getLong("pipeline_id"), rs.getString("pipeline"),
                        rs.getString("version"), rs.getBoolean("is_latest"), rs.getBoolean("retired"),
                        instant(rs.getObject("created", OffsetDateTime.class)), admin ? rs.getString("source") : null,
                        rs.getString("revision"), rs.getString("main_script"), rs.getString("input_style"), rs.getString("input_param"),
                        rs.getString("outdir_param"), List.of((String[]) rs.getArray("profiles").getArray()),
                        admin ? rs.getString("config") : null,
                        PipelineVersions.parametersToJson(PipelineVersions.parametersFromJson(rs.getString("parameters_json")))))
                .list();
    }

    // ---- changes (admins) -----------------------------------------------------------------------------------

    public Category createCategory(String name) {
        return jdbi.inTransaction(h -> {
            requireCategoryNameFree(h, name);
            try {
                return h.createQuery("INSERT INTO pipeline_categories (name) VALUES (:name) RETURNING id, name, created")
                        .bind("name", name)
                        .map((rs, ctx) -> new Category(rs.getLong("id"), rs.getString("name"), instant(rs.getObject("created", OffsetDateTime.class))))
                        .one();
            } catch (UnableToExecuteStatementException e) {
                throw isUniqueViolation(e) ? categoryNameTaken(name) : e;
            }
        });
    }

    /** The category's id, named by id or by name (any case), created when {@code create} and there is none. */
    long categoryId(Handle h, Object category, boolean create) {
        if (category instanceof Long id) {
            return h.createQuery("SELECT id FROM pipeline_categories WHERE id = :id").bind("id", id).mapTo(Long.class).findOne()
                    .orElseThrow(() -> ApiException.notFound("pipeline category " + id));
        }
        String name = (String) category;
        Optional<Long> found = h.createQuery("SELECT id FROM pipeline_categories WHERE lower(name) = lower(:name)")
                .bind("name", name).mapTo(Long.class).findOne();
        if (found.isPresent()) return found.get();
        if (!create) throw ApiException.notFound("pipeline category '" + name + "'");
        return h.createQuery("INSERT INTO pipeline_categories (name) VALUES (:name) RETURNING id").bind("name", name).mapTo(Long.class).one();
    }

    /** {@code category}: a Long id or a String name. */
    public PipelineDetail createPipeline(String name, String description, Object category) {
        return jdbi.inTransaction(h -> {
            long categoryId = categoryId(h, category, false);
            requirePipelineNameFree(h, name, null);
            long id;
            try {
                id = h.createQuery("INSERT INTO pipelines (name, description, category_id) VALUES (:name, :description, :category) RETURNING id")
                        .bind("name", name).bind("description", description).bind("category", categoryId).mapTo(Long.class).one();
            } catch (UnableToExecuteStatementException e) {
                throw isUniqueViolation(e) ? pipelineNameTaken(name) : e;
            }
            return pipeline(h, id, true);
        });
    }

    /** The id of the pipeline called {@code name} (any case), created with its category when there is none. */
    long ensurePipeline(String name, String description, String category) {
        return jdbi.inTransaction(h -> {
            h.execute("SELECT pg_advisory_xact_lock(hashtext('flow.pipeline_registry'))");
            Optional<Long> found = h.createQuery("SELECT id FROM pipelines WHERE lower(name) = lower(:name)").bind("name", name)
                    .mapTo(Long.class).findOne();
            if (found.isPresent()) return found.get();
            return h.createQuery("INSERT INTO pipelines (name, description, category_id) VALUES (:name, :description, :category) RETURNING id")
                    .bind("name", name).bind("description", description).bind("category", categoryId(h, category, true)).mapTo(Long.class).one();
        });
    }

    /** Whether the pipeline has this version already. */
    boolean hasVersion(long pipelineId, String version) {
        return jdbi.withHandle(h -> h.createQuery("SELECT EXISTS (SELECT 1 FROM pipeline_versions WHERE pipeline_id = :p AND version = :v)")
                .bind("p", pipelineId).bind("v", version).mapTo(Boolean.class).one());
    }

    /** Changes what is given (null: kept). */
    public PipelineDetail editPipeline(long id, String name, String description, Object category) {
        return jdbi.inTransaction(h -> {
            lockPipeline(h, id);
            Long categoryId = category == null ? null : categoryId(h, category, false);
            if (name != null) requirePipelineNameFree(h, name, id);
            try {
                h.createUpdate("UPDATE pipelines SET name = coalesce(:name, name), description = coalesce(:description, description), "
                                + "category_id = coalesce(:category, category_id) WHERE id = :id")
                        .bind("name", name).bind("description", description).bind("category", categoryId).bind("id", id).execute();
            } catch (UnableToExecuteStatementException e) {
                throw isUniqueViolation(e) ? pipelineNameTaken(name) : e;
            }
            return pipeline(h, id, true);
        });
    }

    /**
     * Registers a version of the pipeline: checks that the pipeline exists, the version is new and the upstream
     * pipelines exist, then fetches a git source, checks the pipeline's files and reads its parameters, all before
     * anything is written; a failure leaves neither a row nor a checkout behind.
     */
    public VersionDetail addVersion(long pipelineId, VersionSpec spec) {
        List<Long> upstream = jdbi.withHandle(h -> {
            requirePipeline(h, pipelineId);
            requireVersionFree(h, pipelineId, spec.version());
            return spec.upstream() == null ? null : upstreamIds(h, pipelineId, spec.upstream());
        });
        boolean fromGit = GitSources.isGitUrl(spec.source());
        Path directory;
        String revision = null;
        if (fromGit) {
            Path incoming = PipelineFiles.gitRoot(pipelinesDir).resolve(".incoming-" + UUID.randomUUID());
            createParent(incoming);
            revision = git.checkout(spec.source(), spec.revision(), incoming);
            directory = incoming;
        } else {
            if (spec.revision() != null) throw ApiException.invalid("revision", "is only for git sources; a directory is used as it is");
            directory = Path.of(spec.source()).normalize();
            if (!Files.isDirectory(directory) || !Files.isReadable(directory) || !Files.isExecutable(directory)) {
                throw ApiException.invalid("source", spec.source() + " is not a directory the server can read");
            }
        }
        Path finalDirectory = directory;
        // Where the checkout of a git source is: it takes the version's id as its name inside the transaction.
        AtomicReference<Path> checkout = new AtomicReference<>(directory);
        boolean kept = false;
        try {
            Path main = directory.resolve(spec.mainScript());
            if (!Files.isRegularFile(main) || !Files.isReadable(main)) {
                throw ApiException.invalid("main_script", fromGit ? spec.mainScript() + " is not in the repository at commit " + revision
                        : spec.mainScript() + " is not a readable file in " + spec.source());
            }
            List<Parameter> parameters = NextflowSchema.read(directory, Set.of(spec.inputParam(), spec.outdirParam()));
            String pinned = revision;
            VersionDetail added = jdbi.inTransaction(h -> {
                lockPipeline(h, pipelineId);
                requireVersionFree(h, pipelineId, spec.version());
                boolean first = !h.createQuery("SELECT EXISTS (SELECT 1 FROM pipeline_versions WHERE pipeline_id = :p)")
                        .bind("p", pipelineId).mapTo(Boolean.class).one();
                boolean latest = spec.isLatest() || first;
                if (latest) h.createUpdate("UPDATE pipeline_versions SET is_latest = FALSE WHERE pipeline_id = :p AND is_latest").bind("p", pipelineId).execute();
                long id = h.createQuery("INSERT INTO pipeline_versions (pipeline_id, version, source, revision, directory, main_script, input_style, "
                                + "input_param, outdir_param, profiles, config, parameters, is_latest) VALUES (:p, :version, :source, :revision, :directory, "
                                + ":main, :style, :input, :outdir, :profiles, :config, CAST(:parameters AS jsonb), :latest) RETURNING id")
                        .bind("p", pipelineId).bind("version", spec.version()).bind("source", spec.source()).bind("revision", pinned)
                        .bind("directory", finalDirectory.toString()).bind("main", spec.mainScript()).bind("style", spec.inputStyle())
                        .bind("input", spec.inputParam()).bind("outdir", spec.outdirParam()).bind("profiles", spec.profiles().toArray(new String[0]))
                        .bind("config", spec.config()).bind("parameters", PipelineVersions.parametersToJson(parameters).toString())
                        .bind("latest", latest).mapTo(Long.class).one();
                if (upstream != null) replaceUpstream(h, pipelineId, upstream);
                if (fromGit) {
                    Path pinnedDir = PipelineFiles.gitRoot(pipelinesDir).resolve(Long.toString(id));
                    move(finalDirectory, pinnedDir);
                    checkout.set(pinnedDir);
                    h.createUpdate("UPDATE pipeline_versions SET directory = :d WHERE id = :id").bind("d", pinnedDir.toString()).bind("id", id).execute();
                }
                return version(h, id, true);
            });
            kept = true;
            return added;
        } finally {
            if (fromGit && !kept) PipelineFiles.deleteTree(checkout.get());
        }
    }

    /** Makes the version latest or not, retired or not (null: kept). A retired version is never latest. */
    public VersionDetail editVersion(long id, Boolean isLatest, Boolean retired) {
        return jdbi.inTransaction(h -> {
            long pipelineId = h.createQuery("SELECT pipeline_id FROM pipeline_versions WHERE id = :id").bind("id", id).mapTo(Long.class)
                    .findOne().orElseThrow(() -> ApiException.notFound("pipeline version " + id));
            lockPipeline(h, pipelineId);
            boolean nowRetired = retired != null ? retired
                    : h.createQuery("SELECT retired FROM pipeline_versions WHERE id = :id").bind("id", id).mapTo(Boolean.class).one();
            if (Boolean.TRUE.equals(isLatest) && nowRetired) {
                throw ApiException.invalid("is_latest", "a retired version cannot be the latest; un-retire it too (\"retired\": false)");
            }
            if (Boolean.TRUE.equals(isLatest)) {
                h.createUpdate("UPDATE pipeline_versions SET is_latest = FALSE WHERE pipeline_id = :p AND is_latest AND id <> :id")
                        .bind("p", pipelineId).bind("id", id).execute();
            }
            h.createUpdate("UPDATE pipeline_versions SET retired = :retired, "
                            + "is_latest = CASE WHEN :retired THEN FALSE ELSE coalesce(:latest, is_latest) END WHERE id = :id")
                    .bind("retired", nowRetired).bind("latest", isLatest).bind("id", id).execute();
            return version(h, id, true);
        });
    }

    /** Declares the pipelines upstream of this one (by id or name), in place of those declared before. */
    void setUpstream(long pipelineId, List<Object> upstream) {
        jdbi.useTransaction(h -> {
            lockPipeline(h, pipelineId);
            replaceUpstream(h, pipelineId, upstreamIds(h, pipelineId, upstream));
        });
    }

    private static void replaceUpstream(Handle h, long pipelineId, List<Long> upstream) {
        h.createUpdate("DELETE FROM pipeline_upstream WHERE pipeline_id = :p").bind("p", pipelineId).execute();
        for (long u : upstream) {
            h.createUpdate("INSERT INTO pipeline_upstream (pipeline_id, upstream_id) VALUES (:p, :u)").bind("p", pipelineId).bind("u", u).execute();
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static void requirePipeline(Handle h, long id) {
        h.createQuery("SELECT id FROM pipelines WHERE id = :id").bind("id", id).mapTo(Long.class).findOne()
                .orElseThrow(() -> ApiException.notFound("pipeline " + id));
    }

    private static void lockPipeline(Handle h, long id) {
        h.createQuery("SELECT id FROM pipelines WHERE id = :id FOR UPDATE").bind("id", id).mapTo(Long.class).findOne()
                .orElseThrow(() -> ApiException.notFound("pipeline " + id));
    }

    /** The ids of the upstream pipelines, named by id (Long) or name (String); 404 naming one that does not exist. */
    private static List<Long> upstreamIds(Handle h, long pipelineId, List<Object> upstream) {
        Set<Long> ids = new LinkedHashSet<>();
        for (Object u : upstream) {
            Optional<Long> id = u instanceof Long l
                    ? h.createQuery("SELECT id FROM pipelines WHERE id = :id").bind("id", l).mapTo(Long.class).findOne()
                    : h.createQuery("SELECT id FROM pipelines WHERE lower(name) = lower(:name)").bind("name", (String) u).mapTo(Long.class).findOne();
            long found = id.orElseThrow(() -> ApiException.notFound("upstream pipeline " + (u instanceof Long ? u : "'" + u + "'")));
            if (found == pipelineId) throw ApiException.invalid("upstream", "a pipeline cannot be upstream of itself");
            ids.add(found);
        }
        return List.copyOf(ids);
    }

    private static void requireVersionFree(Handle h, long pipelineId, String version) {
        boolean taken = h.createQuery("SELECT EXISTS (SELECT 1 FROM pipeline_versions WHERE pipeline_id = :p AND version = :v)")
                .bind("p", pipelineId).bind("v", version).mapTo(Boolean.class).one();
        if (taken) throw ApiException.conflict("version", "the pipeline already has a version " + version);
    }

    private static void requireCategoryNameFree(Handle h, String name) {
        boolean taken = h.createQuery("SELECT EXISTS (SELECT 1 FROM pipeline_categories WHERE lower(name) = lower(:name))")
                .bind("name", name).mapTo(Boolean.class).one();
        if (taken) throw categoryNameTaken(name);
    }

    private static void requirePipelineNameFree(Handle h, String name, Long except) {
        boolean taken = h.createQuery("SELECT EXISTS (SELECT 1 FROM pipelines WHERE lower(name) = lower(:name) AND id IS DISTINCT FROM :except)")
                .bind("name", name).bind("except", except).mapTo(Boolean.class).one();
        if (taken) throw pipelineNameTaken(name);
    }

    private static ApiException categoryNameTaken(String name) {
        return ApiException.conflict("name", "there is already a pipeline category called '" + name + "' (names are compared ignoring case)");
    }

    private static ApiException pipelineNameTaken(String name) {
        return ApiException.conflict("name", "there is already a pipeline called '" + name + "' (names are compared ignoring case)");
    }

    private static boolean isUniqueViolation(UnableToExecuteStatementException e) {
        return e.getCause() instanceof PSQLException p && "23505".equals(p.getSQLState());
    }

    private static void createParent(Path dir) {
        try {
            Files.createDirectories(dir.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir.getParent(), e);
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the checkout to " + to, e);
        }
    }

    private static Instant instant(OffsetDateTime t) {
        return t.toInstant();
    }
}
