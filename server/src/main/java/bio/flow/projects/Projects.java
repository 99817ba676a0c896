package bio.flow.projects;

import bio.flow.analytics.Activity;
import bio.flow.access.AccessPolicy;
import bio.flow.access.Level;
import bio.flow.access.Resource;
import bio.flow.access.Shareable;
import bio.flow.access.Sharing;
import bio.flow.data.DataFiles;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.Filters;
import bio.flow.http.Listing;
import bio.flow.http.Paging;
import bio.flow.search.SearchKey;
import bio.flow.search.Trigrams;
import bio.flow.users.UserRef;
import bio.flow.samples.Metadata;
import bio.flow.vocabularies.Vocabularies;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Projects: creating, reading, listing and editing them, and their sample metadata; what is particular to projects
 * when they are shared, transferred and deleted ({@link Shareable}).
 */
public final class Projects implements Shareable<Projects.ProjectDetail> {
    private static final String COLUMNS = "p.id, p.name, p.description, p.organism_id, p.is_public, p.created, "
            + "u.id AS owner_id, u.username AS owner_username, "
            + "(SELECT count(*) FROM samples s WHERE s.project_id = p.id) AS sample_count";

    private final Jdbi jdbi;
    private final Trigrams trigrams;
    private final AccessPolicy policy;
    private final Vocabularies vocabularies;
    private final DataFiles dataFiles;

    public Projects(Jdbi jdbi, AccessPolicy policy, Vocabularies vocabularies, DataFiles dataFiles, Trigrams trigrams) {
        this.jdbi = jdbi;
        this.trigrams = trigrams;
        this.policy = policy;
        this.vocabularies = vocabularies;
        this.dataFiles = dataFiles;
    }

    /** A project as listings show it. */
    public record ProjectItem(long id, String name, String description, String organism, boolean is_public, Instant created,
                              long sample_count, UserRef owner) {}

    /** A project as GET /projects/{id} shows it: the item plus the caller's rights. */
    public record ProjectDetail(long id, String name, String description, String organism, boolean is_public, Instant created,
                                long sample_count, UserRef owner, Level.Permissions permissions) {
        static ProjectDetail of(ProjectItem p, int level) {
            return new ProjectDetail(p.id(), p.name(), p.description(), p.organism(), p.is_public(), p.created(),
                    p.sample_count(), p.owner(), Level.Permissions.of(level));
        }
    }

    public record ProjectList(long count, int page, List<ProjectItem> projects) {}

    /** The fields a project is created or edited with; null means "not given". */
    public record ProjectFields(String name, String description, String organism, Boolean is_public) {}

    /** What a listing shows: which projects, and the optional filters. */
    public enum Scope { READABLE, OWNED, SHARED, PUBLIC }

    public ProjectList list(Optional<Caller> caller, Scope scope, Paging paging, Optional<String> text, Optional<String> organism) {
        List<String> where = new ArrayList<>();
        where.add(switch (scope) {
            case READABLE -> AccessPolicy.projectReadable("p");
            case OWNED -> "p.owner_id = :caller";
            case SHARED -> AccessPolicy.projectSharedWithCaller("p");
            case PUBLIC -> "p.is_public";
        });
        text.ifPresent(t -> where.add(Filters.textMatches(trigrams, t, SearchKey.PROJECT_NAME.of("p"), SearchKey.PROJECT_DESCRIPTION.of("p"))));
        organism.ifPresent(o -> where.add("p.organism_id = :organism"));
        String condition = String.join(" AND ", where);
        // sample_count is computed for the page's rows only: in the outer query, after LIMIT/OFFSET (in the same
        // SELECT as OFFSET it would be computed for the skipped rows too).
        return jdbi.withHandle(h -> Listing.read(h, paging, "SELECT count(*) FROM projects p WHERE " + condition,
                items("SELECT p.* FROM projects p WHERE " + condition + " ORDER BY p.created DESC, p.id DESC " + paging.sql()),
                q -> bind(q, caller, text, organism), ITEM, ProjectList::new));
    }

    /**
     * SQL: the listing items of the projects that {@code pageSql} selects (all their columns, in order, one page), with
     * their owner and sample_count (for the page's rows only); for the listings and searches.
     */
    public static String items(String pageSql) {
        return "SELECT " + COLUMNS + " FROM (" + pageSql + ") p JOIN users u ON u.id = p.owner_id ORDER BY p.created DESC, p.id DESC";
    }

    /** Reads a row of {@link #items}. */
    public static final org.jdbi.v3.core.mapper.RowMapper<ProjectItem> ITEM = (rs, ctx) -> item(rs);

    private static Query bind(Query q, Optional<Caller> caller, Optional<String> text, Optional<String> organism) {
        AccessPolicy.bindCaller(q, caller);
        text.ifPresent(t -> q.bind("text", t));
        organism.ifPresent(o -> q.bind("organism", o));
        return q;
    }

    public ProjectDetail get(Optional<Caller> caller, long id) {
        return jdbi.withHandle(h -> detail(h, id, policy.require(h, Resource.PROJECT, id, caller, Level.READ)));
    }

    private ProjectDetail detail(Handle h, long id, int level) {
        ProjectItem p = h.createQuery("SELECT " + COLUMNS + " FROM projects p JOIN users u ON u.id = p.owner_id WHERE p.id = :id")
                .bind("id", id).map((rs, ctx) -> item(rs)).one();
        return ProjectDetail.of(p, level);
    }

    public ProjectDetail create(Caller caller, ProjectFields f) {
        String name = checkName(f.name());
        String description = f.description() == null ? "" : checkDescription(f.description());
        return jdbi.inTransaction(h -> {
            String organism = f.organism() == null || f.organism().isEmpty() ? null : vocabularies.organismId(h, f.organism());
            long id = h.createQuery("INSERT INTO projects (name, description, organism_id, is_public, owner_id) "
                            + "VALUES (:name, :description, :organism, :public, :owner) RETURNING id")
                    .bind("name", name).bind("description", description).bind("organism", organism)
                    .bind("public", Boolean.TRUE.equals(f.is_public())).bind("owner", caller.id())
                    .mapTo(Long.class).one();
            Activity.record(h, caller.id(), Activity.Action.PROJECT_CREATED, Resource.PROJECT, id, "Project " + name + " created");
            return detail(h, id, Level.OWNER);
        });
    }

    /** Changes the fields given; making a project public or private takes share level, the rest edit level. */
    public ProjectDetail edit(Caller caller, long id, ProjectFields f) {
        return jdbi.inTransaction(h -> {
            int level = policy.require(h, Resource.PROJECT, id, Optional.of(caller), Level.EDIT);
            if (f.is_public() != null && level < Level.SHARE) {
                throw ApiException.forbidden("changing who may read a project takes share level");
            }
            String name = f.name() == null ? null : checkName(f.name());
            String description = f.description() == null ? null : checkDescription(f.description());
            String organism = f.organism() == null ? null : f.organism().isEmpty() ? "" : vocabularies.organismId(h, f.organism());
            h.createUpdate("UPDATE projects SET name = coalesce(:name, name), description = coalesce(:description, description), "
                            + "organism_id = CASE WHEN :organism IS NULL THEN organism_id ELSE nullif(:organism, '') END, "
                            + "is_public = coalesce(:public, is_public) WHERE id = :id")
                    .bind("name", name).bind("description", description).bind("organism", organism)
                    .bind("public", f.is_public()).bind("id", id).execute();
            return detail(h, id, level);
        });
    }

    @Override
    public ProjectDetail detail(Handle h, long id, Caller caller, int level) {
        return detail(h, id, level);
    }

    /**
     * A project is handed over with the samples in it that the old owner owned: the project is what was given
     * away. The old owner keeps share-level access to the project, which covers its samples.
     */
    @Override
    public void transferred(Handle h, long id, Sharing.Transfer t) {
        h.createUpdate("UPDATE samples SET owner_id = :new WHERE project_id = :id AND owner_id = :old")
                .bind("new", t.newOwner()).bind("old", t.oldOwner()).bind("id", id).execute();
    }

    /** Deleting a project deletes, through the database's cascades, its samples, their grants, filesets and data. */
    @Override
    public String deletedMessage(long id) {
        return "project " + id + " and its samples were deleted";
    }

    /** The stored bytes of the data that the delete takes with it go once it has committed. */
    @Override
    public Runnable deleting(Handle h, Collection<Long> ids) {
        return dataFiles.bytesGoingWith(h, Resource.PROJECT, ids);
    }

    /** One sample's new metadata in POST /projects/{id}/metadata. */
    public record SampleMetadata(Long id, Map<String, String> metadata) {}

    /**
     * Updates the metadata of many samples of the project in one transaction: all or none. Keys given are
     * set; a key given as null is removed; the keys of defined attributes follow their rules, as in a sample edit.
     */
    public int updateMetadata(Caller caller, long id, List<SampleMetadata> samples) {
        if (samples == null || samples.isEmpty()) throw ApiException.invalid("samples", "list at least one sample");
        if (samples.size() > 10_000) throw ApiException.invalid("samples", "at most 10000 samples at once");
        Set<Long> ids = new LinkedHashSet<>();
        for (int i = 0; i < samples.size(); i++) {
            SampleMetadata s = samples.get(i);
            if (s == null || s.id() == null) throw ApiException.invalid("samples." + i + ".id", "is required");
            if (s.metadata() == null) throw ApiException.invalid("samples." + i + ".metadata", "is required");
            Metadata.check("samples." + i + ".metadata", s.metadata());
            if (!ids.add(s.id())) throw ApiException.invalid("samples." + i + ".id", "sample " + s.id() + " is listed twice");
        }
        return jdbi.inTransaction(h -> {
            policy.require(h, Resource.PROJECT, id, Optional.of(caller), Level.EDIT);
            Set<Long> inProject = h.createQuery("SELECT id FROM samples WHERE project_id = :p AND id = ANY(:ids) FOR UPDATE")
                    .bind("p", id).bindArray("ids", Long.class, ids).mapTo(Long.class).set();
            List<Long> outside = ids.stream().filter(i -> !inProject.contains(i)).toList();
            if (!outside.isEmpty()) {
                throw ApiException.invalid("samples: not samples of project " + id + ": " + outside,
                        Map.of("field", "samples", "ids", outside));
            }
            Map<Long, Map<String, String>> changes = new java.util.LinkedHashMap<>();
            samples.forEach(s -> changes.put(s.id(), s.metadata()));
            Metadata.applyChecked(h, "samples", changes);
            return samples.size();
        });
    }

    public bio.flow.data.DataListing.DataList data(Optional<Caller> caller, long id, Paging paging) {
        return jdbi.withHandle(h -> {
            policy.require(h, Resource.PROJECT, id, caller, Level.READ);
            return bio.flow.data.DataListing.ofProject(h, id, paging);
        });
    }

    public bio.flow.executions.ExecutionListing.ExecutionList executions(Optional<Caller> caller, long id, Paging paging) {
        return jdbi.withHandle(h -> {
            policy.require(h, Resource.PROJECT, id, caller, Level.READ);
            return bio.flow.executions.ExecutionListing.ofProject(h, caller, id, paging);
        });
    }

    private static String checkName(String name) {
        return bio.flow.http.Check.text("name", name, 1, 200);
    }

    private static String checkDescription(String description) {
        return bio.flow.http.Check.optionalText("description", description, 10_000);
    }

    private static ProjectItem item(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new ProjectItem(rs.getLong("id"), rs.getString("name"), rs.getString("description"), rs.getString("organism_id"),
                rs.getBoolean("is_public"), rs.getObject("created", java.time.OffsetDateTime.class).toInstant(),
                rs.getLong("sample_count"), new UserRef(rs.getLong("owner_id"), rs.getString("owner_username")));
    }
}
