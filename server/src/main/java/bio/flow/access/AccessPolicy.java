package bio.flow.access;

import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Flow's one permission policy. Every feature asks it what a caller may do, and every listing filters
 * with its SQL, so that the rules live here and nowhere else:
 * <ul>
 *   <li>The owner of a thing, and a site admin, have {@link Level#OWNER}: everything, delete and transfer too.</li>
 *   <li>Grants give levels 1 read, 2 edit, 3 share, to a user or to a group; members and admins of a group
 *       (role 2 or 3) get its grants, invited users (role 1) do not. The highest grant wins.</li>
 *   <li>Containment: a project's grants cover the samples in it, and its owner has share level on samples
 *       that others own in it (deleting the project deletes them, but only their owner deletes, moves or
 *       transfers one sample).</li>
 *   <li>Data is in a sample, or attached to a project without one, or in neither. It has its own grants, and it
 *       is covered by its container as a sample is by its project: whatever level a caller has on the sample
 *       (or the project) they have on its data, up to share level, so that whoever may read a sample reads its
 *       reads, whoever may edit it edits them, and the owner of a sample has share level on data others
 *       uploaded into it. Deleting and transferring one data file is for its owner (and admins).</li>
 *   <li>An execution has its own grants and is covered by the project it is attached to, up to share level; the
 *       data it made are covered by it in the same way, so whoever may read a run reads its results.</li>
 *   <li>A public project, its samples, their data and its executions are readable by everyone, signed in or not;
 *       publicity never gives more than read.</li>
 * </ul>
 * Anonymous callers are bound as user 0, which no account has.
 */
public final class AccessPolicy {
    /** SQL: the groups whose grants :caller gets. V44's functions (CALLER_SETS) say the same: keep them in step. */
    public static final String CALLER_GROUPS = "SELECT group_id FROM group_members WHERE user_id = :caller AND role >= 2";

    /** SQL condition on a grant row {@code g}: it is held by :caller, directly or through a group. */
    // = ANY (ARRAY(...)) rather than IN (...): the caller's groups become one InitPlan, and the OR of two indexable
    // conditions lets PostgreSQL use the partial indexes *_grants_user and *_grants_group (BitmapOr) instead of
    // reading every grant with a hashed subplan.
    private static final String GRANT_HELD = "(g.user_id = :caller OR g.group_id = ANY (ARRAY(" + CALLER_GROUPS + ")))";

    /** SQL: the ids of the projects :caller owns or holds a grant on (to them or their groups); not the public ones. */
    public static final String CALLER_PROJECTS = "SELECT id FROM projects WHERE owner_id = :caller UNION SELECT g.project_id FROM project_grants g WHERE "
            + GRANT_HELD;

    private final Jdbi jdbi;

    public AccessPolicy(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** SQL expression: :caller's level on the project row aliased {@code p}. */
    private static String projectLevel(String p) {
        return "CASE WHEN :admin OR " + p + ".owner_id = :caller THEN 4 ELSE GREATEST("
                + "(SELECT coalesce(max(g.permission), 0) FROM project_grants g WHERE g.project_id = " + p + ".id AND " + GRANT_HELD + "), "
                + "CASE WHEN " + p + ".is_public THEN 1 ELSE 0 END) END";
    }

    /**
     * SQL expression: :caller's level on the sample row {@code s}, whose project row is {@code p} (joined with
     * LEFT JOIN, as a sample need not be in a project).
     */
    private static String sampleLevel(String s, String p) {
        return "CASE WHEN :admin OR " + s + ".owner_id = :caller THEN 4 ELSE GREATEST("
                + "CASE WHEN " + p + ".owner_id = :caller THEN 3 ELSE 0 END, "
                + "(SELECT coalesce(max(g.permission), 0) FROM sample_grants g WHERE g.sample_id = " + s + ".id AND " + GRANT_HELD + "), "
                + "(SELECT coalesce(max(g.permission), 0) FROM project_grants g WHERE g.project_id = " + s + ".project_id AND " + GRANT_HELD + "), "
                + "CASE WHEN " + p + ".is_public THEN 1 ELSE 0 END) END";
    }

    /**
     * SQL expression: :caller's level on the execution row {@code e}, whose project {@code p} is LEFT JOINed: its
     * own grants, and the level on the project it is attached to up to share (a public project makes it readable).
     */
    private static String executionLevel(String e, String p) {
        return "CASE WHEN :admin OR " + e + ".owner_id = :caller THEN 4 ELSE GREATEST("
                + "(SELECT coalesce(max(g.permission), 0) FROM execution_grants g WHERE g.execution_id = " + e + ".id AND " + GRANT_HELD + "), "
                + "CASE WHEN " + p + ".id IS NULL THEN 0 ELSE LEAST(3, " + projectLevel(p) + ") END) END";
    }

    /**
     * SQL expression: :caller's level on the data row {@code d}, whose sample {@code s} (and its project {@code sp}),
     * project {@code dp}, and the execution {@code de} that made it (and its project {@code dep}) are LEFT JOINed:
     * its own grants, and its container's or its execution's level up to share.
     */
    private static String dataLevel(String d, String s, String sp, String dp, String de, String dep) {
        return "CASE WHEN :admin OR " + d + ".owner_id = :caller THEN 4 ELSE GREATEST("
                + "(SELECT coalesce(max(g.permission), 0) FROM data_grants g WHERE g.data_id = " + d + ".id AND " + GRANT_HELD + "), "
                + "CASE WHEN " + s + ".id IS NULL THEN 0 ELSE LEAST(3, " + sampleLevel(s, sp) + ") END, "
                + "CASE WHEN " + dp + ".id IS NULL THEN 0 ELSE LEAST(3, " + projectLevel(dp) + ") END, "
                + "CASE WHEN " + de + ".id IS NULL THEN 0 ELSE LEAST(3, " + executionLevel(de, dep) + ") END) END";
    }

    /** SQL condition: the project {@code p} is shared with :caller (a grant to them or their groups), not owned. */
    public static String projectSharedWithCaller(String p) {
        return p + ".owner_id <> :caller AND " + p + ".id = ANY (ARRAY(SELECT g.project_id FROM project_grants g WHERE " + GRANT_HELD + "))";
    }

    /** SQL condition: the project {@code p} is readable by :caller (owned, shared or public). */
    public static String projectReadable(String p) {
        return "(:admin OR " + p + ".is_public OR " + p + ".owner_id = :caller OR " + p + ".id IN (SELECT g.project_id FROM project_grants g WHERE " + GRANT_HELD + "))";
    }

    /**
     * SQL condition: the project {@code p} is one :caller fills with samples themselves: they own it, or hold edit
     * or more on it through a grant (to them or their groups). A site admin may add samples to any project, but
     * their own projects are these too, not every project of the site.
     */
    public static String projectCallerEdits(String p) {
        return "(" + p + ".owner_id = :caller OR " + p + ".id = ANY (ARRAY(SELECT g.project_id FROM project_grants g WHERE "
                + GRANT_HELD + " AND g.permission >= " + Level.EDIT + ")))";
    }

    /**
     * SQL: (id, created) of the samples shared with :caller: not theirs, but readable through a grant (to them or
     * their groups, on the sample or on its project) or through owning its project. Written as a
     * UNION whose arms are index-only scans: samples (project_id, created DESC, id DESC) INCLUDE (owner_id) for the
     * samples of the caller's own and granted projects, the primary key for samples granted one by one.
     */
    public static final String SHARED_SAMPLE_KEYS =
            "SELECT s.id, s.created FROM samples s WHERE s.owner_id <> :caller AND s.project_id = ANY (ARRAY("
            + CALLER_PROJECTS + "))"
            + " UNION SELECT s.id, s.created FROM samples s WHERE s.owner_id <> :caller AND s.id = ANY (ARRAY("
            + "SELECT g.sample_id FROM sample_grants g WHERE " + GRANT_HELD + "))";

    /**
     * SQL: (id, created) of the executions shared with :caller: not theirs, but readable through a grant on the run
     * (to them or their groups) or through the project it is attached to (owned by them or granted). As for
     * samples, a public project alone does not make its executions "shared". A UNION whose arms use the grants'
     * user/group indexes and then executions' primary key and executions_project.
     */
    public static final String SHARED_EXECUTION_KEYS =
            "SELECT e.id, e.created FROM executions e WHERE e.owner_id <> :caller AND e.id = ANY (ARRAY("
            + "SELECT g.execution_id FROM execution_grants g WHERE " + GRANT_HELD + "))"
            + " UNION SELECT e.id, e.created FROM executions e WHERE e.owner_id <> :caller AND e.project_id = ANY (ARRAY("
            + CALLER_PROJECTS + "))";

    /**
     * SQL: (id, created) of the ready data shared with :caller: not theirs, but readable through a grant on the file
     * (to them or their groups), through its sample (owned by them, or one of {@link #SHARED_SAMPLE_KEYS}), or
     * through the project it is attached to (owned by them or granted), or through the execution that made it (owned
     * by them, or one of {@link #SHARED_EXECUTION_KEYS}). As for samples, a public project alone does not make its
     * data "shared". A UNION whose arms use the grants' user/group indexes and then data's primary key,
     * data_sample and data_project (each (container, created DESC, id DESC)), and data_execution.
     */
    public static final String SHARED_DATA_KEYS =
            "SELECT d.id, d.created FROM data d WHERE d.status = 'ready' AND d.owner_id <> :caller AND d.id = ANY (ARRAY("
            + "SELECT g.data_id FROM data_grants g WHERE " + GRANT_HELD + "))"
            + " UNION SELECT d.id, d.created FROM data d WHERE d.status = 'ready' AND d.owner_id <> :caller AND d.sample_id = ANY (ARRAY("
            + "SELECT id FROM samples WHERE owner_id = :caller UNION SELECT k.id FROM (" + SHARED_SAMPLE_KEYS + ") k))"
            + " UNION SELECT d.id, d.created FROM data d WHERE d.status = 'ready' AND d.owner_id <> :caller AND d.project_id = ANY (ARRAY("
            + CALLER_PROJECTS + "))"
            + " UNION SELECT d.id, d.created FROM data d WHERE d.status = 'ready' AND d.owner_id <> :caller AND d.execution_id = ANY (ARRAY("
            + "SELECT id FROM executions WHERE owner_id = :caller UNION SELECT k.id FROM (" + SHARED_EXECUTION_KEYS + ") k))";

    /**
     * SQL condition: the sample row {@code s} (whose project {@code p} is LEFT JOINed) is readable by :caller; false
     * when {@code s} is null (a LEFT JOIN that found no sample).
     */
    public static String sampleReadable(String s, String p) {
        return "(" + sampleLevel(s, p) + ") >= 1";
    }

    /**
     * SQL condition: the execution row {@code e} (whose project {@code p} is LEFT JOINed) is readable by :caller: what
     * every listing of executions under another resource filters with, so that a run the caller may not read is not
     * listed even under a sample or project they may read.
     */
    public static String executionReadable(String e, String p) {
        return "(" + executionLevel(e, p) + ") >= 1";
    }

    /**
     * SQL: the WITH clause that every statement using the conditions below ({@code *Visible}) starts with: the sets
     * they test rows against, each made once per statement. They are PL/pgSQL functions (V44) saying what this class
     * says of projects and grants: written out as subqueries, they were planned anew in every statement, a dozen times
     * in some (2-11 ms of planning a statement on the bench data), and made again by every part that tests a row (up
     * to nine times in a quick search statement, 1-2 ms each). A function is planned once per database session, and a
     * materialised CTE is made once, when a part first reads it; PostgreSQL skips the ones a statement does not name.
     * Each reads its function in FROM, not as a set-returning function in the select list (a ProjectSet node): 0.1 to
     * 1 ms less a set on the bench data.
     */
    public static final String CALLER_SETS = "WITH readable_projects AS MATERIALIZED (" + callerSet("caller_readable_projects") + "), "
            + "granted_projects AS MATERIALIZED (" + callerSet("caller_granted_projects") + "), "
            + "granted_samples AS MATERIALIZED (" + callerSet("caller_granted_samples") + "), "
            + "granted_executions AS MATERIALIZED (" + callerSet("caller_granted_executions") + "), "
            + "granted_data AS MATERIALIZED (" + callerSet("caller_granted_data") + ") ";

    private static String callerSet(String function) {
        return "SELECT id FROM " + function + "(:caller) AS f(id)";
    }

    /** SQL: the ids of the projects :caller may read without being an admin: public, their own, granted to them. */
    private static final String READABLE_PROJECT_IDS = "SELECT id FROM readable_projects";

    /** SQL: the ids of the {@code kind}s (samples, executions, data, projects) granted to :caller or its groups. */
    private static String grantedIds(String kind) {
        return "SELECT id FROM granted_" + kind;
    }

    /*
     * The conditions below say the same as sampleReadable and executionReadable (and as the data level being at least
     * read), written for searches, which test many rows: the readable projects and the caller's grants (CALLER_SETS,
     * which a statement using them starts with) are each read once per query into a hashed set (an uncorrelated IN)
     * and probed for every row, where the level expressions run subqueries per row. SearchVisibilityTest checks that
     * both forms agree for every kind of caller.
     */

    /** SQL condition for searches: the sample row {@code s} is readable by :caller ({@link #sampleReadable}). */
    public static String sampleVisible(String s) {
        return "(:admin OR " + s + ".owner_id = :caller OR " + s + ".project_id IN (" + READABLE_PROJECT_IDS + ") OR "
                + s + ".id IN (" + grantedIds("samples") + "))";
    }

    /** SQL condition for searches: the execution row {@code e} is readable by :caller ({@link #executionReadable}). */
    public static String executionVisible(String e) {
        return "(:admin OR " + e + ".owner_id = :caller OR " + e + ".project_id IN (" + READABLE_PROJECT_IDS + ") OR "
                + e + ".id IN (" + grantedIds("executions") + "))";
    }

    /**
     * SQL condition for searches: the data row {@code d} is readable by :caller: its own grants, its project, its
     * sample (as {@link #sampleVisible}, on the copy of the sample's project and owner that the row keeps, V46), and
     * the execution that made it (looked up by primary key, only for the rows the other tests left).
     */
    // OFFSET 0 keeps the EXISTS a lookup by primary key for the rows that reach it: without it PostgreSQL may plan it
    // as a hashed subplan instead, which reads every execution the caller may read once per statement
    // (bench/search: 40-50 ms for every data search, whatever its page or filters).
    public static String dataVisible(String d) {
        return "(:admin OR " + d + ".owner_id = :caller OR " + d + ".project_id IN (" + READABLE_PROJECT_IDS + ") OR "
                + d + ".id IN (" + grantedIds("data") + ") OR "
                + d + ".sample_owner_id = :caller OR " + d + ".sample_project_id IN (" + READABLE_PROJECT_IDS + ") OR "
                + d + ".sample_id IN (" + grantedIds("samples") + ") OR "
                + "EXISTS (SELECT 1 FROM executions ve WHERE ve.id = " + d + ".execution_id AND " + executionVisible("ve") + " OFFSET 0))";
    }

    /**
     * SQL condition for searches: the sample whose id is in {@code sampleId} (a column of the row searched) is readable
     * by :caller, looked up by primary key for each row that reaches it (OFFSET 0, as in {@link #dataVisible}). A
     * join to the samples instead lets PostgreSQL hash every sample the caller may read before the first row: 240 ms
     * for the owner of 100,000 samples (bench/search, filesets).
     */
    public static String sampleOfRowVisible(String sampleId) {
        return "EXISTS (SELECT 1 FROM samples vs WHERE vs.id = " + sampleId + " AND " + sampleVisible("vs") + " OFFSET 0)";
    }

    /*
     * Filters that name one project or sample, for searches. What they let through is readable (a sample's level is
     * at least its project's, a data file's at least its project's and its sample's), so a search with one of them
     * tests the named project or sample once instead of each row (which builds the caller's readable projects: 1-2 ms
     * a search on the bench data). One the caller may not read finds nothing, as one that does not exist.
     * SearchVisibilityTest checks each against the level rule.
     */

    /** SQL condition: the sample row {@code s} is in the project {@code project}, which :caller may read. */
    public static String sampleInVisibleProject(String s, String project) {
        return "(" + s + ".project_id = " + project + " AND EXISTS (SELECT 1 FROM projects vp WHERE vp.id = " + project + " AND "
                + projectVisible("vp") + "))";
    }

    /**
     * SQL condition: the data row {@code d} is attached to the project {@code project} or is of one of its samples
     * (as {@code GET /projects/{id}/data} lists them), and :caller may read the project.
     */
    // = ANY (ARRAY(...)): the project's samples are read once (samples_project), and both arms are then conditions on
    // data_project and data_sample (a BitmapOr), where IN (...) would filter every row of a scan
    public static String dataInVisibleProject(String d, String project) {
        String visible = visibleProjectId(project);
        return "(" + d + ".project_id = " + visible + " OR " + d + ".sample_id = ANY (ARRAY(SELECT ps.id FROM samples ps WHERE ps.project_id = "
                + visible + ")))";
    }

    /** SQL condition: the data row {@code d} is of the sample {@code sample}, which :caller may read. */
    public static String dataOfVisibleSample(String d, String sample) {
        return "(" + d + ".sample_id = " + visibleSampleId(sample) + ")";
    }

    /** SQL: {@code project} if :caller may read that project, else NULL (a scalar subquery, run once a statement). */
    private static String visibleProjectId(String project) {
        return "(SELECT vp.id FROM projects vp WHERE vp.id = " + project + " AND " + projectVisible("vp") + ")";
    }

    /** SQL: {@code sample} if :caller may read that sample, else NULL (a scalar subquery, run once a statement). */
    public static String visibleSampleId(String sample) {
        return "(SELECT vs.id FROM samples vs WHERE vs.id = " + sample + " AND " + sampleVisible("vs") + ")";
    }

    /** SQL condition for searches: the project row {@code p} is readable by :caller ({@link #projectReadable}). */
    public static String projectVisible(String p) {
        return "(:admin OR " + p + ".is_public OR " + p + ".owner_id = :caller OR " + p + ".id IN (" + grantedIds("projects") + "))";
    }

    /** Binds :caller and :admin for the SQL above. */
    public static <S extends SqlStatement<S>> S bindCaller(S statement, Optional<Caller> caller) {
        return statement.bind("caller", caller.map(Caller::id).orElse(0L))
                .bind("admin", caller.map(Caller::isAdmin).orElse(false));
    }

    /**
     * SQL: the rows of the resource, aliased {@code r}, as {@code id} and :caller's {@code level} on each: the one
     * place that says which level rule each kind follows.
     */
    private static String withLevel(Resource resource) {
        return switch (resource) {
            case PROJECT -> "SELECT r.id, " + projectLevel("r") + " AS level FROM projects r";
            case SAMPLE -> "SELECT r.id, " + sampleLevel("r", "p") + " AS level FROM samples r LEFT JOIN projects p ON p.id = r.project_id";
            case DATA -> "SELECT r.id, " + dataLevel("r", "s", "sp", "dp", "de", "dep") + " AS level FROM data r "
                    + "LEFT JOIN samples s ON s.id = r.sample_id LEFT JOIN projects sp ON sp.id = s.project_id "
                    + "LEFT JOIN projects dp ON dp.id = r.project_id "
                    + "LEFT JOIN executions de ON de.id = r.execution_id LEFT JOIN projects dep ON dep.id = de.project_id";
            case EXECUTION -> "SELECT r.id, " + executionLevel("r", "p") + " AS level FROM executions r LEFT JOIN projects p ON p.id = r.project_id";
        };
    }

    /** The caller's level on one resource; empty when it does not exist. */
    public Optional<Integer> level(Handle h, Resource resource, long id, Optional<Caller> caller) {
        return bindCaller(h.createQuery(withLevel(resource) + " WHERE r.id = :id"), caller)
                .bind("id", id).map((rs, ctx) -> rs.getInt("level")).findOne();
    }

    /** Whether the caller may read the resource (false when it does not exist). */
    public boolean readable(Handle h, Resource resource, long id, Optional<Caller> caller) {
        return level(h, resource, id, caller).orElse(Level.NONE) >= Level.READ;
    }

    /** Those of {@code ids} that exist and the caller may read, in one query. */
    public Set<Long> readable(Handle h, Resource resource, Collection<Long> ids, Optional<Caller> caller) {
        Set<Long> readable = new HashSet<>();
        levels(h, resource, ids, caller).forEach((id, level) -> {
            if (level >= Level.READ) readable.add(id);
        });
        return readable;
    }

    /**
     * The caller's level on each of the resources that exist among {@code ids}, whose rows stay locked until the
     * transaction ends (so that what was checked is what a delete then removes).
     */
    public Map<Long, Integer> levelsLocked(Handle h, Resource resource, Collection<Long> ids, Caller caller) {
        return levels(h, resource, ids, Optional.of(caller), " FOR UPDATE OF r");
    }

    /** The caller's level on each of the resources that exist among {@code ids}, in one query. */
    public Map<Long, Integer> levels(Handle h, Resource resource, Collection<Long> ids, Optional<Caller> caller) {
        return levels(h, resource, ids, caller, "");
    }

    private Map<Long, Integer> levels(Handle h, Resource resource, Collection<Long> ids, Optional<Caller> caller, String lock) {
        Map<Long, Integer> levels = new LinkedHashMap<>();
        if (ids.isEmpty()) return levels;
        bindCaller(h.createQuery(withLevel(resource) + " WHERE r.id = ANY(:ids)" + lock), caller)
                .bindArray("ids", Long.class, ids)
                .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getInt(2)))
                .forEach(e -> levels.put(e.getKey(), e.getValue()));
        return levels;
    }

    /**
     * The caller's level on the resource, which must be at least {@code needed}: something the caller may not
     * read is 404 (its existence is not revealed), something readable but not enough is 403.
     */
    public int require(Handle h, Resource resource, long id, Optional<Caller> caller, int needed) {
        int level = level(h, resource, id, caller).orElse(Level.NONE);
        check(resource, id, level, caller, needed);
        return level;
    }

    /** {@link #require} of each of {@code ids} (in their order: the first that fails throws), in one query; their levels. */
    public Map<Long, Integer> requireAll(Handle h, Resource resource, Collection<Long> ids, Optional<Caller> caller, int needed) {
        Map<Long, Integer> levels = levels(h, resource, ids, caller);
        for (long id : ids) check(resource, id, levels.getOrDefault(id, Level.NONE), caller, needed);
        return levels;
    }

    private static void check(Resource resource, long id, int level, Optional<Caller> caller, int needed) {
        if (level < Level.READ) throw ApiException.notFound(resource.noun + " " + id);
        if (level < needed) {
            if (caller.isEmpty()) throw ApiException.unauthorized("sign in to change this " + resource.noun);
            throw ApiException.forbidden("you may not " + verb(needed) + " this " + resource.noun);
        }
    }

    public int require(Resource resource, long id, Optional<Caller> caller, int needed) {
        return jdbi.withHandle(h -> require(h, resource, id, caller, needed));
    }

    private static String verb(int level) {
        return switch (level) {
            case Level.EDIT -> "change";
            case Level.SHARE -> "share";
            default -> "delete or transfer";
        };
    }
}
