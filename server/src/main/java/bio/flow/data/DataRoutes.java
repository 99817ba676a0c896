package bio.flow.data;

import bio.flow.auth.Authenticator;
import bio.flow.data.DataListing.Scope;
import bio.flow.http.ApiException;
import bio.flow.http.FileResponses;
import bio.flow.http.Filters;
import bio.flow.http.Json;
import bio.flow.http.Paging;
import bio.flow.http.PathIds;
import bio.flow.search.Trigrams;
import io.javalin.http.Context;
import java.io.IOException;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /data/owned}, {@code /data/shared}, {@code /data/{id}}, its {@code /contents} and {@code /downstream},
 * and {@code POST /data/import}.
 */
public final class DataRoutes {
    private final Authenticator authenticator;
    private final Jdbi jdbi;
    private final DataFiles data;
    private final DataContents contents;
    private final Imports imports;
    private final Trigrams trigrams;

    public DataRoutes(Authenticator authenticator, Jdbi jdbi, DataFiles data, DataContents contents, Imports imports, Trigrams trigrams) {
        this.authenticator = authenticator;
        this.jdbi = jdbi;
        this.data = data;
        this.contents = contents;
        this.imports = imports;
        this.trigrams = trigrams;
    }

    /** 202: the import runs in the background; the record answered is {@code importing}. */
    public void importData(Context ctx) {
        var caller = authenticator.require(ctx);
        ctx.status(202).json(imports.start(caller, Json.body(ctx, Imports.ImportRequest.class)));
    }

    public void owned(Context ctx) {
        list(ctx, Scope.OWNED);
    }

    public void shared(Context ctx) {
        list(ctx, Scope.SHARED);
    }

    private void list(Context ctx, Scope scope) {
        var caller = authenticator.require(ctx);
        Paging paging = Paging.from(ctx);
        var text = Filters.text(ctx);
        ctx.json(jdbi.withHandle(h -> DataListing.ofCaller(h, caller, scope, paging, text, trigrams)));
    }

    public void get(Context ctx) {
        ctx.json(data.get(authenticator.optional(ctx), id(ctx)));
    }

    /**
     * A text preview ({@code lines}), or with {@code download=true} the stored bytes as an attachment (or a redirect to
     * the storage that serves them, {@link FileResponses#redirected}).
     */
    public void contents(Context ctx) throws IOException {
        var caller = authenticator.optional(ctx);
        long id = id(ctx);
        int lines = lines(ctx);
        boolean download = download(ctx);
        DataContents.StoredFile file = contents.file(caller, id);
        if (!download) {
            ctx.contentType("text/plain; charset=utf-8").result(contents.preview(file, lines));
            return;
        }
        if (!FileResponses.redirected(ctx, contents.link(file))) FileResponses.whole(ctx, contents.body(file));
    }

    public void downstream(Context ctx) {
        ctx.json(contents.downstream(authenticator.optional(ctx), id(ctx)));
    }

    private static long id(Context ctx) {
        return PathIds.of(ctx, "id", "data");
    }

    private static int lines(Context ctx) {
        String raw = ctx.queryParam("lines");
        if (raw == null) return DataContents.DEFAULT_LINES;
        if (raw.matches("\\d{1,5}")) {
            int n = Integer.parseInt(raw);
            if (n >= 1 && n <= DataContents.MAX_LINES) return n;
        }
        throw ApiException.invalid("lines", "must be a whole number between 1 and " + DataContents.MAX_LINES);
    }

    private static boolean download(Context ctx) {
        String raw = ctx.queryParam("download");
        if (raw == null || raw.equals("false")) return false;
        if (raw.equals("true")) return true;
        throw ApiException.invalid("download", "must be true or false");
    }
}
