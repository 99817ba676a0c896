package bio.flow.http;

import io.javalin.http.Context;

/** Ids in paths: a path id that is not a whole number names nothing, so it is a 404 like any unknown id. */
public final class PathIds {
    private PathIds() {}

    public static long of(Context ctx, String param, String noun) {
        String raw = ctx.pathParam(param);
        try {
            long id = Long.parseLong(raw);
            if (id > 0) return id;
        } catch (NumberFormatException ignored) {
            // falls through to 404
        }
        throw ApiException.notFound(noun + " " + raw);
    }
}
