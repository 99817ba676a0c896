package bio.flow.downloads;

import bio.flow.auth.Authenticator;
import bio.flow.data.DataContents;
import bio.flow.data.DataContents.StoredFile;
import bio.flow.http.ApiException;
import bio.flow.http.FileResponses;
import bio.flow.http.Json;
import bio.flow.http.PathIds;
import bio.flow.uploads.FileNames;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * {@code GET /downloads/{data_id}/{filename}} (one data file, with ranges and conditional requests, or
 * (de)compressed on the fly), and the bulk archives: {@code POST /downloads}, {@code GET /downloads/status} and
 * {@code GET /downloads/{job_id}}.
 */
public final class DownloadRoutes {
    /** The values of {@code format}. */
    static final List<String> FORMATS = List.of("gz", "raw");

    private final Authenticator authenticator;
    private final DataContents contents;
    private final Archives archives;

    public DownloadRoutes(Authenticator authenticator, DataContents contents, Archives archives) {
        this.authenticator = authenticator;
        this.contents = contents;
        this.archives = archives;
    }

    /**
     * The file of a data record, for whoever may read it. Its stored bytes are sent by the storage itself when it can
     * ({@link FileResponses#redirected}, after the same permission check); content made on the fly always by Flow.
     * The filename in the path is the client's choice and is not checked (the saved name is the record's): clients
     * build these URLs from names they may have shortened or encoded differently, and the id alone names the file.
     */
    public void data(Context ctx) throws IOException {
        String format = ctx.queryParam("format");
        if (format != null && !FORMATS.contains(format)) {
            throw ApiException.invalid("format: must be one of " + String.join(", ", FORMATS) + " (or left out for the file as stored)",
                    Map.of("field", "format", "supported", FORMATS));
        }
        StoredFile f = contents.file(authenticator.optional(ctx), PathIds.of(ctx, "data_id", "data"));
        boolean compressed = !f.compression().equals("none");
        if (format == null || format.equals("gz") == compressed) {
            if (!FileResponses.redirected(ctx, contents.link(f))) FileResponses.withRanges(ctx, contents.body(f));
        } else if (format.equals("gz")) {
            try (InputStream in = contents.open(f)) {
                FileResponses.streamed(ctx, "application/gzip", f.filename() + ".gz", out -> {
                    GZIPOutputStream gz = new GZIPOutputStream(out, 256 * 1024) {
                        {
                            def.setLevel(Deflater.BEST_SPEED);
                        }
                    };
                    in.transferTo(gz);
                    gz.finish();
                });
            }
        } else {
            try (InputStream in = gunzip(f)) {
                FileResponses.streamed(ctx, "application/octet-stream", FileNames.withoutGzipSuffix(f.filename()), in::transferTo);
            }
        }
    }

    /** The decompressed content; a stored file that does not even start as gzip is a 409 before anything is sent. */
    private InputStream gunzip(StoredFile f) throws IOException {
        InputStream stored = contents.open(f);
        try {
            return new GZIPInputStream(stored, 256 * 1024);
        } catch (ZipException | java.io.EOFException e) {
            stored.close();
            throw ApiException.conflict("the stored " + f.compression() + " content of data " + f.id() + " is corrupt: " + e.getMessage(),
                    Map.of("compression", f.compression()));
        }
    }

    public void create(Context ctx) {
        var caller = authenticator.require(ctx);
        ctx.status(202).json(archives.create(caller, Json.body(ctx, Archives.ArchiveRequest.class)));
    }

    /** The caller's jobs ({@code {"jobs": [...]}}), or with {@code id} that one job. */
    public void status(Context ctx) {
        var caller = authenticator.require(ctx);
        String raw = ctx.queryParam("id");
        if (raw == null) {
            ctx.json(Map.of("jobs", archives.jobs(caller)));
            return;
        }
        if (!raw.matches("\\d{1,18}") || Long.parseLong(raw) < 1) throw ApiException.invalid("id", "must be a download job's id (a whole number)");
        ctx.json(archives.job(caller, Long.parseLong(raw)));
    }

    public void archive(Context ctx) throws IOException {
        var caller = authenticator.require(ctx);
        FileResponses.withRanges(ctx, archives.archive(caller, PathIds.of(ctx, "job_id", "download job")));
    }
}
