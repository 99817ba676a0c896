package bio.flow.groups;

import bio.flow.auth.Authenticator;
import bio.flow.groups.GroupService.Detail;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.Check;
import bio.flow.http.Json;
import bio.flow.http.Paging;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/**
 * POST /groups/new, GET /groups, GET /groups/{slug}, and the membership actions under /groups/{slug}:
 * invite, accept, decline, leave, members/{username}/role, members/{username}/remove, delete.
 */
public final class GroupRoutes {
    private final Authenticator authenticator;
    private final GroupService groups;

    public GroupRoutes(Authenticator authenticator, GroupService groups) {
        this.authenticator = authenticator;
        this.groups = groups;
    }

    record CreateRequest(String name, String slug, String description) {}

    record InviteRequest(String username) {}

    record RoleRequest(Integer role) {}

    record MemberResponse(long id, String username, String first_name, String last_name, int role) {}

    /** role: the caller's role in the group, null for a site admin who is not in it. */
    record GroupResponse(long id, String name, String slug, String description, Instant created, Integer role,
                         long member_count, List<MemberResponse> members) {}

    record GroupSummary(long id, String name, String slug, String description, Instant created, int role, long member_count) {}

    record GroupListResponse(long count, List<GroupSummary> groups) {}

    record SuccessResponse(boolean success, String message) {}

    public void create(Context ctx) {
        Caller caller = authenticator.require(ctx);
        CreateRequest r = Json.body(ctx, CreateRequest.class);
        String name = Check.text("name", r.name(), 1, 100);
        String slug = r.slug() == null ? null : GroupSlugs.check("slug", r.slug());
        String description = Check.optionalText("description", r.description(), 2000);
        ctx.status(201).json(response(groups.create(caller, name, slug, description == null ? "" : description)));
    }

    public void list(Context ctx) {
        Caller caller = authenticator.require(ctx);
        GroupService.Listing listing = groups.list(caller, Paging.from(ctx));
        ctx.json(new GroupListResponse(listing.total(), listing.groups().stream()
                .map(g -> new GroupSummary(g.id(), g.name(), g.slug(), g.description(), g.created(), g.role(), g.memberCount()))
                .toList()));
    }

    public void get(Context ctx) {
        Caller caller = authenticator.require(ctx);
        ctx.json(response(groups.get(caller, slug(ctx))));
    }

    public void invite(Context ctx) {
        Caller caller = authenticator.require(ctx);
        InviteRequest r = Json.body(ctx, InviteRequest.class);
        String username = Check.text("username", r.username(), 1, 150);
        ctx.json(response(groups.invite(caller, slug(ctx), username)));
    }

    public void accept(Context ctx) {
        Caller caller = authenticator.require(ctx);
        ctx.json(response(groups.accept(caller, slug(ctx))));
    }

    public void decline(Context ctx) {
        Caller caller = authenticator.require(ctx);
        String slug = slug(ctx);
        groups.decline(caller, slug);
        ctx.json(new SuccessResponse(true, "you declined the invitation to " + slug));
    }

    public void leave(Context ctx) {
        Caller caller = authenticator.require(ctx);
        String slug = slug(ctx);
        groups.leave(caller, slug);
        ctx.json(new SuccessResponse(true, "you left " + slug));
    }

    public void setRole(Context ctx) {
        Caller caller = authenticator.require(ctx);
        RoleRequest r = Json.body(ctx, RoleRequest.class);
        int role = Check.required("role", r.role());
        if (role != GroupAccess.MEMBER && role != GroupAccess.ADMIN) {
            throw ApiException.invalid("role", "must be 2 (member) or 3 (admin); invite users to give them role 1");
        }
        ctx.json(response(groups.setRole(caller, slug(ctx), ctx.pathParam("username"), role)));
    }

    public void remove(Context ctx) {
        Caller caller = authenticator.require(ctx);
        ctx.json(response(groups.remove(caller, slug(ctx), ctx.pathParam("username"))));
    }

    public void delete(Context ctx) {
        Caller caller = authenticator.require(ctx);
        String slug = slug(ctx);
        groups.delete(caller, slug);
        ctx.json(new SuccessResponse(true, "group " + slug + " deleted"));
    }

    /** Slugs are lowercase; a URL typed with capitals still finds its group. */
    private static String slug(Context ctx) {
        return ctx.pathParam("slug").toLowerCase(java.util.Locale.ROOT);
    }

    private static GroupResponse response(Detail d) {
        var g = d.group();
        return new GroupResponse(g.id(), g.name(), g.slug(), g.description(), g.created(), d.role(), d.memberCount(),
                d.members().stream()
                        .map(m -> new MemberResponse(m.id(), m.username(), m.firstName(), m.lastName(), m.role()))
                        .toList());
    }
}
