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
import bio.flow.search.SearchKey;
import bio.flow.search.Trigrams;
import bio.flow.users.UserRef;
import bio.flow.vocabularies.Vocabularies;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
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
    private final Trigrams trigrams;
    private final AccessPolicy policy;
    private final Vocabularies vocabularies;
    private final DataFiles dataFiles;

    public Samples(Jdbi jdbi, AccessPolicy policy, Vocabularies vocabularies, DataFiles dataFiles, Trigrams trigrams) {
        this.jdbi = jdbi;
        this.trigrams = trigrams;
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
        text.ifPresent(t -> where.add(Filters.textMatches(trigrams, t, SearchKey.SAMPLE_NAME.of("f"))));
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
        text.ifPresent(t -> where.add(Filters.textMatches(trigrams, t, SearchKey.SAMPLE_NAME.of("s"))));
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
        return jdbi.inTransaction(h -> detail(h, create(h, caller, List.of(f)).get(0), Optional.of(caller), Level.OWNER));
    }

    /**
     * Creates samples on the caller's handle, in their transaction (an annotation import makes thousands in one), each
     * under the rules of one created alone, in a few statements whatever their number. Returns their ids, in order.
     */
    public List<Long> create(Handle h, Caller caller, List<SampleFields> fields) {
        if (fields.isEmpty()) return List.of();
        List<String> names = new ArrayList<>();
        for (SampleFields f : fields) {
            names.add(Check.text("name", f.name(), 1, 200));
            if (f.metadata() != null) Metadata.check("metadata", f.metadata());
        }
        requireProjectsForSamples(h, caller, fields.stream().map(SampleFields::project).filter(Objects::nonNull).distinct().toList());
        Lookups lookups = new Lookups(h);
        List<Map<String, Object>> columns = fields.stream().map(lookups::columns).toList();
        MetadataValues rules = MetadataValues.load(h);
        List<Map<String, String>> values = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            values.add(rules.forNew(names.get(i), (Long) columns.get(i).get("sample_type_id"), fields.get(i).metadata()));
        }
        // the ids first, so that the insert's rows can be matched with their fields without relying on its order
        List<Long> ids = h.createQuery("SELECT nextval(pg_get_serial_sequence('samples', 'id')) FROM generate_series(1, :n)")
                .bind("n", fields.size()).mapTo(Long.class).list();
        Map<Long, Map<String, Object>> set = new LinkedHashMap<>();
        Map<Long, Map<String, String>> metadata = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            set.put(ids.get(i), columns.get(i));
            if (!values.get(i).isEmpty()) metadata.put(ids.get(i), values.get(i));
        }
        h.createUpdate("INSERT INTO samples (id, name, project_id, owner_id) OVERRIDING SYSTEM VALUE "
                        + "SELECT x.id, x.name, x.project, :owner FROM unnest(:ids, :names, :projects) AS x(id, name, project) ORDER BY x.id")
                .bindArray("ids", Long.class, ids).bindArray("names", String.class, names)
                .bindArray("projects", Long.class, fields.stream().map(SampleFields::project).toList())
                .bind("owner", caller.id()).execute();
        setColumns(h, set);
        Activity.recordAll(h, caller.id(), Activity.Action.SAMPLE_CREATED, Resource.SAMPLE, ids,
                names.stream().map(name -> "Sample " + name + " created").toList());
        Metadata.apply(h, "metadata", metadata);
        return ids;
    }

    /**
     * Changes the fields given (edit level). Moving a sample to another project changes who can see it, so it
     * takes ownership of the sample and edit level on the project it goes to; {@code project: 0} takes it out.
     */
    public SampleDetail edit(Caller caller, long id, SampleFields f) {
        return jdbi.inTransaction(h -> {
            edit(h, caller, Map.of(id, f));
            return detail(h, id, Optional.of(caller), policy.require(h, Resource.SAMPLE, id, Optional.of(caller), Level.READ));
        });
    }

    /**
     * Changes the fields given of each sample on the caller's handle, in their transaction, each under the rules of
     * {@link #edit(Caller, long, SampleFields)}, in a few statements whatever their number.
     */
    public void edit(Handle h, Caller caller, Map<Long, SampleFields> changes) {
        if (changes.isEmpty()) return;
        changes.values().forEach(f -> {
            if (f.name() != null) Check.text("name", f.name(), 1, 200);
            if (f.metadata() != null) Metadata.check("metadata", f.metadata());
        });
        Map<Long, Integer> levels = policy.requireAll(h, Resource.SAMPLE, changes.keySet(), Optional.of(caller), Level.EDIT);
        List<Long> projects = new ArrayList<>();
        changes.forEach((id, f) -> {
            if (f.project() == null) return;
            if (levels.get(id) < Level.OWNER) throw ApiException.forbidden("only the sample's owner may move it to another project");
            if (f.project() != 0) projects.add(f.project());
        });
        requireProjectsForSamples(h, caller, projects.stream().distinct().toList());
        Lookups lookups = new Lookups(h);
        MetadataValues rules = MetadataValues.load(h);
        Map<Long, MetadataValues.Current> current = MetadataValues.current(h, changes.keySet());
        Map<Long, Map<String, Object>> set = new LinkedHashMap<>();
        Map<Long, Map<String, String>> metadata = new LinkedHashMap<>();
        changes.forEach((id, f) -> {
            Map<String, Object> columns = lookups.columns(f);
            MetadataValues.Current now = current.get(id);
            Long typeAfter = columns.containsKey("sample_type_id") ? (Long) columns.get("sample_type_id") : now.sampleTypeId();
            Map<String, String> change = rules.forEdit(now, typeAfter, f.metadata());
            if (f.project() != null) columns.put("project_id", f.project() == 0 ? null : f.project());
            if (f.name() != null) columns.put("name", f.name().strip());
            set.put(id, columns);
            if (change != null) metadata.put(id, change);
        });
        setColumns(h, set);
        Metadata.apply(h, "metadata", metadata);
    }

    /**
     * Sets the columns of each sample that its map holds (a column it does not hold keeps its value), in one
     * statement: the samples' changes travel as one JSON array.
     */
    private static void setColumns(Handle h, Map<Long, Map<String, Object>> set) {
        List<Map<String, Object>> rows = new ArrayList<>();
        set.forEach((id, columns) -> {
            if (columns.isEmpty()) return;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", id);
            row.put("set", columns);
            rows.add(row);
        });
        if (rows.isEmpty()) return;
        h.createUpdate("UPDATE samples s SET " + COLUMNS.entrySet().stream()
                        .map(c -> c.getKey() + " = CASE WHEN x.set -> '" + c.getKey() + "' IS NULL THEN s." + c.getKey()
                                + " ELSE CAST(x.set ->> '" + c.getKey() + "' AS " + c.getValue() + ") END")
                        .collect(Collectors.joining(", "))
                        + " FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS x(id bigint, set jsonb) WHERE s.id = x.id")
                .bind("rows", json(rows)).execute();
    }

    /** The columns a sample is created and edited with, and their SQL types. */
    private static final Map<String, String> COLUMNS = columns();

    private static Map<String, String> columns() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("name", "text");
        c.put("project_id", "bigint");
        c.put("organism_id", "text");
        c.put("sample_type_id", "bigint");
        c.put("source_id", "bigint");
        c.put("purification_target_id", "bigint");
        c.put("condition", "text");
        c.put("replicate_group", "text");
        return c;
    }

    /**
     * The projects among {@code projectIds} that the caller may not add samples to, each with the reason (one query):
     * the rule of creating a sample in a project or moving one there, and of an annotation import's rows.
     */
    public Map<Long, String> projectsRefused(Handle h, Caller caller, Collection<Long> projectIds) {
        Map<Long, Integer> levels = policy.levels(h, Resource.PROJECT, projectIds, Optional.of(caller));
        Map<Long, String> refused = new LinkedHashMap<>();
        for (long p : projectIds) {
            int level = levels.getOrDefault(p, Level.NONE);
            if (level < Level.EDIT) {
                refused.put(p, level < Level.READ ? "no project " + p + " that you can see" : "you may not add samples to project " + p);
            }
        }
        return refused;
    }

    /** The caller may add samples to each of these projects; else a 400 on the field {@code project} for the first that fails. */
    private void requireProjectsForSamples(Handle h, Caller caller, List<Long> projectIds) {
        // The body named the project: that makes it a bad field, whichever of 404 or 403 it would be.
        projectsRefused(h, caller, projectIds).values().stream().findFirst().ifPresent(reason -> {
            throw ApiException.invalid("project", reason);
        });
    }

    /** The vocabulary lookups of a batch of samples, each distinct value looked up once. */
    private final class Lookups {
        private final Handle h;
        private final Map<List<String>, Object> known = new HashMap<>();

        Lookups(Handle h) {
            this.h = h;
        }

        /** The descriptive fields that were given, as the values of their columns; an empty string clears one. */
        Map<String, Object> columns(SampleFields f) {
            Map<String, Object> set = new LinkedHashMap<>();
            if (f.organism() != null) set.put("organism_id", f.organism().isEmpty() ? null : id("organism", f.organism(), vocabularies::organismId));
            if (f.sample_type() != null) {
                set.put("sample_type_id", f.sample_type().isEmpty() ? null : id("sample_type", f.sample_type(), vocabularies::sampleTypeId));
            }
            if (f.source() != null) set.put("source_id", f.source().isEmpty() ? null : id("source", f.source(), vocabularies::sourceId));
            if (f.purification_target() != null) {
                set.put("purification_target_id", f.purification_target().isEmpty() ? null
                        : id("purification_target", f.purification_target(), vocabularies::purificationTargetId));
            }
            if (f.condition() != null) set.put("condition", Check.optionalText("condition", f.condition(), 200));
            if (f.replicate_group() != null) set.put("replicate_group", Check.optionalText("replicate_group", f.replicate_group(), 200));
            return set;
        }

        private Object id(String field, String value, BiFunction<Handle, String, ?> lookup) {
            List<String> key = List.of(field, value);
            Object id = known.get(key);
            if (id == null) {
                id = lookup.apply(h, value);
                known.put(key, id);
            }
            return id;
        }
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

    static Map<String, String> readMetadata(String json) {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
        } catch (java.io.IOException e) {
            throw new IllegalStateException("sample metadata is not a JSON object of strings", e);
        }
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
