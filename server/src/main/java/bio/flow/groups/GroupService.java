package bio.flow.groups;

import bio.flow.groups.GroupStore.Group;
import bio.flow.groups.GroupStore.Listed;
import bio.flow.groups.GroupStore.Member;
import bio.flow.groups.GroupStore.Roster;
import bio.flow.groups.GroupStore.UserRef;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.Paging;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Groups and their memberships. Who may do what is decided by {@link GroupAccess}; this class runs each
 * action in one transaction, checking access against rows it has locked, so that the rule "a group always
 * keeps at least one admin" holds however many requests race.
 */
public final class GroupService {
    private final Jdbi jdbi;
    private final GroupStore store;

    public GroupService(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.store = new GroupStore(jdbi);
    }

    /** A group with everyone in it, as {@code caller} sees it ({@code role}: theirs, null if they have none). */
    public record Detail(Group group, Integer role, List<Member> members) {
        public long memberCount() {
            return members.stream().filter(m -> GroupAccess.isMember(m.role())).count();
        }
    }

    public record Listing(long total, List<Listed> groups) {}

    /** Creates a group; its creator becomes its admin. {@code slug} null: made from the name. */
    public Detail create(Caller caller, String name, String slug, String description) {
        String s = slug != null ? slug : GroupSlugs.fromName(name);
        return jdbi.inTransaction(h -> {
            Group g = store.create(h, name, s, description, caller.id());
            return detail(h, caller, g);
        });
    }

    /** The caller's groups and invitations, by name. */
    public Listing list(Caller caller, Paging paging) {
        return jdbi.inTransaction(h -> new Listing(store.countFor(h, caller.id()), store.listFor(h, caller.id(), paging)));
    }

    public Detail get(Caller caller, String slug) {
        return jdbi.withHandle(h -> {
            Group g = store.find(h, slug).orElseThrow(() -> GroupAccess.notFound(slug));
            Detail d = detail(h, caller, g);
            GroupAccess.requireSee(caller, d.role(), slug);
            return d;
        });
    }

    /** Invites a user (role 1); only group admins and site admins may. */
    public Detail invite(Caller caller, String slug, String username) {
        return jdbi.inTransaction(h -> {
            Group g = store.findForChange(h, slug).orElseThrow(() -> GroupAccess.notFound(slug));
            Roster roster = store.lockRoster(h, g.id());
            GroupAccess.requireAdminister(caller, roster.roleOf(caller.id()), slug);
            UserRef target = store.userByName(h, username)
                    .orElseThrow(() -> ApiException.invalid("username", "there is no user called " + username));
            Integer existing = roster.roleOf(target.id());
            if (existing != null || !store.invite(h, g.id(), target.id())) {
                throw ApiException.conflict("username", existing != null && existing == GroupAccess.INVITED
                        ? target.username() + " has already been invited to " + slug
                        : target.username() + " is already in " + slug);
            }
            return detail(h, caller, g);
        });
    }

    /** Turns the caller's invitation into membership. */
    public Detail accept(Caller caller, String slug) {
        return jdbi.inTransaction(h -> {
            Group g = store.findForChange(h, slug).orElseThrow(() -> GroupAccess.notFound(slug));
            requireInvitation(caller, slug, store.lockRole(h, g.id(), caller.id()).orElse(null));
            store.setRole(h, g.id(), caller.id(), GroupAccess.MEMBER);
            return detail(h, caller, g);
        });
    }

    /** Refuses the caller's invitation; their row goes. */
    public void decline(Caller caller, String slug) {
        jdbi.useTransaction(h -> {
            Group g = store.findForChange(h, slug).orElseThrow(() -> GroupAccess.notFound(slug));
            requireInvitation(caller, slug, store.lockRole(h, g.id(), caller.id()).orElse(null));
            store.removeMember(h, g.id(), caller.id());
        });
    }

    private static void requireInvitation(Caller caller, String slug, Integer role) {
        GroupAccess.requireSee(caller, role, slug);
        if (role == null) throw ApiException.notFound("invitation to group " + slug);
        if (role != GroupAccess.INVITED) throw ApiException.conflict("you are already a member of " + slug, Map.of());
    }

    /** The caller leaves the group, unless they are its last admin. */
    public void leave(Caller caller, String slug) {
        jdbi.useTransaction(h -> {
            Group g = store.findForChange(h, slug).orElseThrow(() -> GroupAccess.notFound(slug));
            Roster roster = store.lockRoster(h, g.id());
            Integer role = roster.roleOf(caller.id());
            GroupAccess.requireSee(caller, role, slug);
            if (role == null) throw ApiException.notFound("your membership of group " + slug);
            if (role == GroupAccess.INVITED) {
                throw ApiException.conflict("you are only invited to " + slug + "; decline the invitation instead", Map.of());
            }
            if (role == GroupAccess.ADMIN && roster.admins() == 1) {
                throw ApiException.conflict("you are the last admin of " + slug
                        + "; make another member an admin first, or delete the group", Map.of());
            }
            store.removeMember(h, g.id(), caller.id());
        });
    }

    /** Makes a member an admin (3) or an admin a plain member (2). */
    public Detail setRole(Caller caller, String slug, String username, int role) {
        return jdbi.inTransaction(h -> {
            Group g = store.findForChange(h, slug).orElseThrow(() -> GroupAccess.notFound(slug));
            Roster roster = store.lockRoster(h, g.id());
            GroupAccess.requireAdminister(caller, roster.roleOf(caller.id()), slug);
            UserRef target = targetIn(h, roster, slug, username);
            int current = roster.roleOf(target.id());
            if (current == GroupAccess.INVITED) {
                throw ApiException.conflict(target.username() + " has not accepted the invitation to " + slug + " yet",
                        Map.of("field", "username"));
            }
            if (current == GroupAccess.ADMIN && role != GroupAccess.ADMIN && roster.admins() == 1) {
                throw ApiException.conflict(target.username() + " is the last admin of " + slug
                        + "; make another member an admin first", Map.of("field", "role"));
            }
            store.setRole(h, g.id(), target.id(), role);
            return detail(h, caller, g);
        });
    }

    /** Removes a member or withdraws an invitation. The last admin cannot be removed. */
    public Detail remove(Caller caller, String slug, String username) {
        return jdbi.inTransaction(h -> {
            Group g = store.findForChange(h, slug).orElseThrow(() -> GroupAccess.notFound(slug));
            Roster roster = store.lockRoster(h, g.id());
            GroupAccess.requireAdminister(caller, roster.roleOf(caller.id()), slug);
            UserRef target = targetIn(h, roster, slug, username);
            if (roster.roleOf(target.id()) == GroupAccess.ADMIN && roster.admins() == 1) {
                throw ApiException.conflict(target.username() + " is the last admin of " + slug
                        + "; make another member an admin first, or delete the group", Map.of("field", "username"));
            }
            store.removeMember(h, g.id(), target.id());
            return detail(h, caller, g);
        });
    }

    /** Deletes the group and every membership of it. */
    public void delete(Caller caller, String slug) {
        jdbi.useTransaction(h -> {
            Group g = store.findForDelete(h, slug).orElseThrow(() -> GroupAccess.notFound(slug));
            Roster roster = store.lockRoster(h, g.id());
            GroupAccess.requireAdminister(caller, roster.roleOf(caller.id()), slug);
            store.delete(h, g.id());
        });
    }

    /** The user named in the path, who must have a row in the group: else 404. */
    private UserRef targetIn(Handle h, Roster roster, String slug, String username) {
        return store.userByName(h, username)
                .filter(u -> roster.roleOf(u.id()) != null)
                .orElseThrow(() -> ApiException.notFound("member " + username + " of group " + slug));
    }

    private Detail detail(Handle h, Caller caller, Group g) {
        List<Member> members = store.members(h, g.id());
        Integer role = members.stream().filter(m -> m.id() == caller.id()).map(Member::role).findFirst().orElse(null);
        return new Detail(g, role, members);
    }
}
