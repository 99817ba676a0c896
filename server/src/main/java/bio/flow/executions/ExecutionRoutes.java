package bio.flow.executions;

import bio.flow.access.AccessPolicy;
import bio.flow.access.Level;
import bio.flow.access.Resource;
import bio.flow.auth.Authenticator;
import bio.flow.data.DataContents;
import bio.flow.data.DataContents.StoredFile;
import bio.flow.downloads.ArchiveLayout;
import bio.flow.downloads.Archives;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.FileResponses;
import bio.flow.http.Paging;
import bio.flow.http.PathIds;
import bio.flow.storage.LocalStorage;
import bio.flow.users.UserRef;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * {@code GET /executions/owned}, {@code /shared}, {@code /executions/{id}}, its {@code /log} and its results archive
 * {@code /executions/{id}/{name}.zip}, and {@code GET /queue}. Share, transfer and delete (one or many) are
 * {@link bio.flow.access.SharedResourceRoutes}, as for every shareable kind.
 */
public final class ExecutionRoutes {
    /** The most executions {@code GET /queue} lists (the first by position); its counts are always whole. */
    public static final int MAX_QUEUE = 1000;

    private final Authenticator authenticator;
    private final Jdbi jdbi;
    private final AccessPolicy policy;
    private final Executions executions;
    private final DataContents contents;

    public ExecutionRoutes(Authenticator authenticator, Jdbi jdbi, AccessPolicy policy, Executions executions, DataContents contents) {
        this.authenticator = authenticator;
        this.jdbi = jdbi;
        this.policy = policy;
        this.executions = executions;
        this.contents = contents;
    }

    public void owned(Context ctx) {
        list(ctx, ExecutionListing.Scope.OWNED);
    }

    public void shared(Context ctx) {
        list(ctx, ExecutionListing.Scope.SHARED);
    }

    private void list(Context ctx, ExecutionListing.Scope scope) {
        Caller caller = authenticator.require(ctx);
        Paging paging = Paging.from(ctx);
        ExecutionListing.Filters filters = ExecutionListing.Filters.from(ctx);
        ctx.json(jdbi.withHandle(h -> ExecutionListing.ofCaller(h, caller, scope, paging, filters)));
    }

    public void get(Context ctx) {
        ctx.json(executions.get(authenticator.optional(ctx), id(ctx)));
    }

    /**
     * Nextflow's whole log as text, with ranges (a client follows a running run's log by asking for the bytes past
     * what it has). Its validator is its last change: the file grows while the run goes. 404 before Nextflow started.
     */
    public void log(Context ctx) throws IOException {
        long id = id(ctx);
        Path file = executions.runDirectory(authenticator.optional(ctx), id).nextflowLog();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw ApiException.notFound("the log of execution " + id + " (Nextflow has not started it yet)");
        }
        FileResponses.withRanges(ctx, new FileResponses.StoredBody(attributes.size(), null, attributes.lastModifiedTime().toInstant(),
                "text/plain; charset=utf-8", "execution-" + id + ".nextflow.log",
                (offset, length) -> LocalStorage.range(file, offset, length)));
    }

    /**
     * The run's outputs as one ZIP (ZIP64 when it needs to be), made as it is sent: laid out by their filenames as
     * {@link ArchiveLayout} places files of no sample (made unique), with a {@code MANIFEST.tsv} (path, size, md5).
     * Only outputs whose bytes can be served ({@link DataContents#servable}) go in; the manifest lists those only.
     * The name asked for must end in {@code .zip} (else 404), and names the attachment.
     */
    public void results(Context ctx) throws IOException {
        String filename = ctx.pathParam("filename");
        if (!filename.toLowerCase(Locale.ROOT).endsWith(".zip")) throw ApiException.notFound("/executions/" + ctx.pathParam("id") + "/" + filename);
        long id = id(ctx);
        Optional<Caller> caller = authenticator.optional(ctx);
        List<StoredFile> outputs = jdbi.withHandle(h -> {
            policy.require(h, Resource.EXECUTION, id, caller, Level.READ);
            return h.createQuery("SELECT " + DataContents.COLUMNS + " FROM data d WHERE d.execution_id = :id ORDER BY d.id").bind("id", id)
                    .map((rs, c) -> DataContents.row(rs)).list();
        });
        List<StoredFile> servable = new ArrayList<>();
        for (StoredFile f : outputs) {
            try {
                servable.add(contents.servable(f));
            } catch (ApiException notServable) {
                // left out: missing, corrupt or not ready bytes are not sent (GET /data/{id} says why)
            }
        }
        Map<Long, StoredFile> byId = new HashMap<>();
        List<ArchiveLayout.Item> items = new ArrayList<>();
        for (StoredFile f : servable) {
            byId.put(f.id(), f);
            items.add(new ArchiveLayout.Item(f.id(), f.filename(), null, null, null, null));
        }
        Map<Long, String> paths = ArchiveLayout.paths(items);
        List<Archives.ZipPart> parts = paths.entrySet().stream()
                .map(e -> new Archives.ZipPart(e.getValue(), () -> byId.get(e.getKey()))).toList();
        FileResponses.streamed(ctx, "application/zip", filename, out -> Archives.writeZip(out, parts, contents, n -> {}));
    }

    public record QueueEntry(long id, String name, String status, int position, Instant submitted, String pipeline, UserRef owner) {}

    public record Queue(long pending, long running, long completed_today, long failed_today, List<QueueEntry> queue) {}

    /**
     * The site's queue: how many executions wait and run, and how many completed and failed since midnight UTC; then
     * the running executions (longest running first) and the pending ones in the order workers claim them (oldest
     * first), numbered in that order over the whole site. Signed-in callers only. The counts and positions are the
     * whole site's; the entries listed are the executions the caller may read (an admin: all), at most
     * {@link #MAX_QUEUE}, so a user sees where their runs stand without seeing others' runs.
     */
    public void queue(Context ctx) {
        Caller caller = authenticator.require(ctx);
        // one snapshot for the counts and the entries: read apart, a run ending between them made them disagree
        ctx.json(jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
            String today = "(date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')";
            Map<String, Object> counts = h.createQuery("SELECT count(*) FILTER (WHERE status = 'pending') AS pending, "
                            + "count(*) FILTER (WHERE status = 'running') AS running, "
                            + "count(*) FILTER (WHERE status = 'completed' AND finished >= " + today + ") AS completed_today, "
                            + "count(*) FILTER (WHERE status = 'failed' AND finished >= " + today + ") AS failed_today "
                            + "FROM executions WHERE status IN ('pending', 'running') OR finished >= " + today)
                    .mapToMap().one();
            List<QueueEntry> entries = AccessPolicy.bindCaller(h.createQuery("SELECT q.position, e.id, e.name, e.status, e.created, "
                            + "e.pipeline, e.owner_id, u.username FROM (SELECT id, row_number() OVER (ORDER BY "
                            + "CASE WHEN status = 'running' THEN 0 ELSE 1 END, CASE WHEN status = 'running' THEN started END, created, id) AS position "
                            + "FROM executions WHERE status IN ('pending', 'running')) q JOIN executions e ON e.id = q.id "
                            + "JOIN users u ON u.id = e.owner_id LEFT JOIN projects p ON p.id = e.project_id "
                            + "WHERE " + AccessPolicy.executionReadable("e", "p") + " ORDER BY q.position LIMIT " + MAX_QUEUE), Optional.of(caller))
                    .map((rs, c) -> new QueueEntry(rs.getLong("id"), rs.getString("name"), rs.getString("status"), rs.getInt("position"),
                            ExecutionListing.instant(rs, "created"), rs.getString("pipeline"),
                            new UserRef(rs.getLong("owner_id"), rs.getString("username"))))
                    .list();
            return new Queue(number(counts, "pending"), number(counts, "running"), number(counts, "completed_today"),
                    number(counts, "failed_today"), entries);
        }));
    }

    private static long number(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).longValue();
    }

    private static long id(Context ctx) {
        return PathIds.of(ctx, "id", "execution");
    }
}
