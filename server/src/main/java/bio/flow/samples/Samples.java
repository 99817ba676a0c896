package bio.flow.samples;

import bio.flow.analytics.Activity;
import bio.flow.access.AccessPolicy;
import bio.flow.access.Level;
import bio.flow.access.Resource;
import bio.flow.access.Shareable;
import bio.flow.data.DataFiles;
import bio.flow.data.DataListing;
import bio.flow.executions.ExecutionListing;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.Check;
import bio.flow.http.Filters;
import bio.flow.http.Json;
import bio.flow.http.Listing;
import bio.flow.http.Paging;
import bio.flow.users.UserRef;
import bio.flow.vocabularies.Vocabularies;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Samples: creating, reading, listing and editing them; what is particular to samples when they are shared,
 * transferred and deleted ({@link Shareable}).
 */
public final class Samples implements Shareable<Samples.SampleDetail> {
    private static final String FROM = "FROM samples s LEFT JOIN projects p ON p.id = s.project_id "
            + "LEFT JOIN sample_types st ON st.id = s.sample_type_id JOIN users u ON u.id = s.owner_id";
    /** A sample's project is named only to callers who may read that project: it may be private. */
    private static final String ITEM_COLUMNS = "s.id, s.name, s.organism_id, st.name AS sample_type, s.created, "
            + "CASE WHEN " + AccessPolicy.projectReadable("p") + " THEN p.id END AS project_id, p.name AS project_name, "
            + "u.id AS owner_id, u.username AS owner_username";

    private final Jdbi jdbi;
    private final AccessPolicy policy;
    private final Vocabularies vocabularies;
    private final DataFiles dataFiles;

    public Samples(Jdbi jdbi, AccessPolicy policy, Vocabularies vocabularies, DataFiles dataFiles) {
        this.jdbi = jdbi;
        this.policy = policy;
        this.vocabularies = vocabularies;
        this.dataFiles = dataFiles;
    }

    public record ProjectRef(long id, String name) {}

    public record SampleItem(long id, String name, String organism, String sample_type, Instant created, ProjectRef project, UserRef owner) {}

    public record SampleList(long count, int page, List<SampleItem> samples) {}

    public record SampleDetail(long id, String name, String organism, String sample_type, String source, String purification_target,
                               String condition, String replicate_group, ProjectRef project, UserRef owner,
                               Map<String, String> metadata, Instant created, Level.Permissions permissions) {}

    /** The fields a sample is created or edited with; null means "not given". */
    public record SampleFields(String name, Long project, String organism, String sample_type, String source,
                               String purification_target, String condition, String replicate_group, Map<String, String> metadata) {}

    public enum Scope { OWNED, SHARED }

    public SampleList list(Caller caller, Scope scope, Paging paging, Optional<String> text, Optional<String> organism) {
        String keys = scope == Scope.OWNED ? "SELECT s.id, s.created FROM samples s WHERE s.owner_id = :caller" : AccessPolicy.SHARED_SAMPLE_KEYS;
        return listKeys(Optional.of(caller), keys, paging, text, organism);
    }

    /**
     * Lists the samples whose (id, created) {@code keys} selects: counts and pages over the keys alone (index-only
     * scans), then reads the page's 20 rows and joins them with their project, type and owner.
     */
    private SampleList listKeys(Optional<Caller> caller, String keys, Paging paging, Optional<String> text, Optional<String> organism) {
        List<String> where = new ArrayList<>();
        text.ifPresent(t -> where.add(Filters.textMatches("f.name")));
        organism.ifPresent(o -> where.add("f.organism_id = :organism"));
        String from = "(" + keys + ") k" + (where.isEmpty() ? "" : " JOIN samples f ON f.id = k.id AND " + String.join(" AND ", where));
        return jdbi.withHandle(h -> Listing.read(h, paging, "SELECT count(*) FROM " + from,
                itemsWhere("s.id IN (SELECT k.id FROM " + from + " ORDER BY k.created DESC, k.id DESC " + paging.sql() + ")"),
                q -> bind(q, caller, Map.of(), text, organism), ITEM, SampleList::new));
    }

    /** The samples of a project the caller may read. */
    public SampleList ofProject(Optional<Caller> caller, long projectId, Paging paging, Optional<String> text, Optional<String> organism) {
        policy.require(Resource.PROJECT, projectId, caller, Level.READ);
        return list(caller, "s.project_id = :project", Map.of("project", projectId), paging, text, organism);
    }

    private SampleList list(Optional<Caller> caller, String scopeCondition, Map<String, Object> binds, Paging paging,
                            Optional<String> text, Optional<String> organism) {
        List<String> where = new ArrayList<>(List.of(scopeCondition));
        text.ifPresent(t -> where.add(Filters.textMatches("s.name")));
        organism.ifPresent(o -> where.add("s.organism_id = :organism"));
        String condition = String.join(" AND ", where);
        return jdbi.withHandle(h -> Listing.read(h, paging, "SELECT count(*) FROM samples s WHERE " + condition,
                itemsWhere(condition) + " " + paging.sql(),
                q -> bind(q, caller, binds, text, organism), ITEM, SampleList::new));
    }

    private static Query bind(Query q, Optional<Caller> caller, Map<String, Object> binds, Optional<String> text, Optional<String> organism) {
        AccessPolicy.bindCaller(q, caller);
        q.bindMap(binds);
        text.ifPresent(t -> q.bind("text", t));
        organism.ifPresent(o -> q.bind("organism", o));
        return q;
    }

    /**
     * SQL: the listing items of the samples (aliased {@code s}) that {@code condition} picks, newest first, with
     * :caller's view of their project; for the listings and searches, which pick the page's ids.
     */
    public static String itemsWhere(String condition) {
        return "SELECT " + ITEM_COLUMNS + " " + FROM + " WHERE " + condition + " ORDER BY s.created DESC, s.id DESC";
    }

    /** Reads a row of {@link #itemsWhere}. */
    public static final org.jdbi.v3.core.mapper.RowMapper<SampleItem> ITEM = (rs, ctx) -> item(rs);

    public SampleDetail get(Optional<Caller> caller, long id) {
        return jdbi.withHandle(h -> detail(h, id, caller, policy.require(h, Resource.SAMPLE, id, caller, Level.READ)));
    }

    private SampleDetail detail(Handle h, long id, Optional<Caller> caller, int level) {
        return AccessPolicy.bindCaller(h.createQuery("SELECT " + ITEM_COLUMNS + ", src.name AS source, pt.name AS purification_target, s.condition, "
                        + "s.replicate_group, s.metadata::text AS metadata " + FROM
                        + " LEFT JOIN sample_sources src ON src.id = s.source_id"
                        + " LEFT JOIN purification_targets pt ON pt.id = s.purification_target_id WHERE s.id = :id"), caller)
                .bind("id", id)
                .map((rs, ctx) -> {
                    SampleItem i = item(rs);
                    return new SampleDetail(i.id(), i.name(), i.organism(), i.sample_type(), rs.getString("source"),
                            rs.getString("purification_target"), rs.getString("condition"), rs.getString("replicate_group"),
                            i.project(), i.owner(), readMetadata(rs.getString("metadata")), i.created(), Level.Permissions.of(level));
                })
                .one();
    }

    /** Creates a sample, in a project the caller may edit when one is named. */
    public SampleDetail create(Caller caller, SampleFields f) {
        String name = Check.text("name", f.name(), 1, 200);
        Map<String, String> metadata = f.metadata() == null ? Map.of() : f.metadata();
        Metadata.check("metadata", metadata);
        return jdbi.inTransaction(h -> create(h, caller, name, f, metadata));
    }

    /** Creates a sample on the caller's handle, in their transaction (an annotation import makes many in one). */
    public long create(Handle h, Caller caller, SampleFields f) {
        String name = Check.text("name", f.name(), 1, 200);
        Map<String, String> metadata = f.metadata() == null ? Map.of() : f.metadata();
        Metadata.check("metadata", metadata);
        return create(h, caller, name, f, metadata).id();
    }

    private SampleDetail create(Handle h, Caller caller, String name, SampleFields f, Map<String, String> metadata) {
        if (f.project() != null) requireProjectForSamples(h, caller, f.project());
        long id = h.createQuery("INSERT INTO samples (name, project_id, owner_id) VALUES (:name, :project, :owner) RETURNING id")
                .bind("name", name).bind("project", f.project()).bind("owner", caller.id()).mapTo(Long.class).one();
        Activity.record(h, caller.id(), Activity.Action.SAMPLE_CREATED, Resource.SAMPLE, id, "Sample " + name + " created");
        setFields(h, id, f);
        Metadata.apply(h, "metadata", Map.of(id, withoutNulls(metadata)));
        return detail(h, id, Optional.of(caller), Level.OWNER);
    }

    /**
     * Changes the fields given (edit level). Moving a sample to another project changes who can see it, so it
     * takes ownership of the sample and edit level on the project it goes to; {@code project: 0} takes it out.
     */
    public SampleDetail edit(Caller caller, long id, SampleFields f) {
        if (f.name() != null) Check.text("name", f.name(), 1, 200);
        if (f.metadata() != null) Metadata.check("metadata", f.metadata());
        return jdbi.inTransaction(h -> edit(h, caller, id, f));
    }

    /** Changes the fields given on the caller's handle, in their transaction (as {@link #edit(Caller, long, SampleFields)}). */
    public SampleDetail edit(Handle h, Caller caller, long id, SampleFields f) {
        int level = policy.require(h, Resource.SAMPLE, id, Optional.of(caller), Level.EDIT);
        if (f.project() != null) {
            if (level < Level.OWNER) throw ApiException.forbidden("only the sample's owner may move it to another project");
            if (f.project() != 0) requireProjectForSamples(h, caller, f.project());
            h.createUpdate("UPDATE samples SET project_id = :p WHERE id = :id")
                    .bind("p", f.project() == 0 ? null : f.project()).bind("id", id).execute();
        }
        if (f.name() != null) {
            h.createUpdate("UPDATE samples SET name = :n WHERE id = :id").bind("n", f.name().strip()).bind("id", id).execute();
        }
        setFields(h, id, f);
        if (f.metadata() != null) Metadata.apply(h, "metadata", Map.of(id, f.metadata()));
        return detail(h, id, Optional.of(caller), policy.require(h, Resource.SAMPLE, id, Optional.of(caller), Level.READ));
    }

    private void requireProjectForSamples(Handle h, Caller caller, long projectId) {
        try {
            policy.require(h, Resource.PROJECT, projectId, Optional.of(caller), Level.EDIT);
        } catch (ApiException e) {
            // The body named the project: that makes it a bad field, whichever of 404 or 403 it would be.
            throw ApiException.invalid("project", e.status() == 404 ? "no project " + projectId + " that you can see"
                    : "you may not add samples to project " + projectId);
        }
    }

    /** Sets the descriptive fields that were given; an empty string clears one. */
    private void setFields(Handle h, long id, SampleFields f) {
        Map<String, Object> set = new LinkedHashMap<>();
        if (f.organism() != null) set.put("organism_id", f.organism().isEmpty() ? null : vocabularies.organismId(h, f.organism()));
        if (f.sample_type() != null) set.put("sample_type_id", f.sample_type().isEmpty() ? null : vocabularies.sampleTypeId(h, f.sample_type()));
        if (f.source() != null) set.put("source_id", f.source().isEmpty() ? null : vocabularies.sourceId(h, f.source()));
        if (f.purification_target() != null) {
            set.put("purification_target_id", f.purification_target().isEmpty() ? null : vocabularies.purificationTargetId(h, f.purification_target()));
        }
        if (f.condition() != null) set.put("condition", Check.optionalText("condition", f.condition(), 200));
        if (f.replicate_group() != null) set.put("replicate_group", Check.optionalText("replicate_group", f.replicate_group(), 200));
        if (set.isEmpty()) return;
        List<String> assignments = set.keySet().stream().map(c -> c + " = :" + c).toList();
        h.createUpdate("UPDATE samples SET " + String.join(", ", assignments) + " WHERE id = :id")
                .bindMap(set).bind("id", id).execute();
    }

    @Override
    public SampleDetail detail(Handle h, long id, Caller caller, int level) {
        return detail(h, id, Optional.of(caller), level);
    }

    /** Deleting a sample deletes its grants, filesets and data (cascades); executions that used it stay. */
    @Override
    public String deletedMessage(long id) {
        return "sample " + id + " was deleted";
    }

    /** The stored bytes of the data that the delete takes with it go once it has committed. */
    @Override
    public Runnable deleting(Handle h, Collection<Long> ids) {
        return dataFiles.bytesGoingWith(h, Resource.SAMPLE, ids);
    }

    public DataListing.DataList data(Optional<Caller> caller, long id, Paging paging) {
        return jdbi.withHandle(h -> {
            policy.require(h, Resource.SAMPLE, id, caller, Level.READ);
            return DataListing.ofSample(h, id, paging);
        });
    }

    public ExecutionListing.ExecutionList executions(Optional<Caller> caller, long id, Paging paging) {
        return jdbi.withHandle(h -> {
            policy.require(h, Resource.SAMPLE, id, caller, Level.READ);
            return ExecutionListing.ofSample(h, caller, id, paging);
        });
    }

    private static SampleItem item(ResultSet rs) throws SQLException {
        long projectId = rs.getLong("project_id");
        ProjectRef project = rs.wasNull() ? null : new ProjectRef(projectId, rs.getString("project_name"));
        return new SampleItem(rs.getLong("id"), rs.getString("name"), rs.getString("organism_id"), rs.getString("sample_type"),
                rs.getObject("created", OffsetDateTime.class).toInstant(), project,
                new UserRef(rs.getLong("owner_id"), rs.getString("owner_username")));
    }

    private static Map<String, String> readMetadata(String json) {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
        } catch (java.io.IOException e) {
            throw new IllegalStateException("sample metadata is not a JSON object of strings", e);
        }
    }

    private static Map<String, String> withoutNulls(Map<String, String> m) {
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> { if (v != null) out.put(k, v); });
        return out;
    }
}
