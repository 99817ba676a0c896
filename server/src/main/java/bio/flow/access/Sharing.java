package bio.flow.access;

import bio.flow.analytics.Activity;
import bio.flow.groups.GroupAccess;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Sharing and transferring, the same for every kind of resource: {@code POST /<kind>/<id>/share} and
 * {@code /transfer}, served by {@link SharedResourceRoutes}. Rules: a caller with share level may grant others up to
 * their own level (share is the highest grant, so any level); permission 0 withdraws a grant; only the owner (or an
 * admin) transfers, and the old owner keeps share-level access.
 *
 * <p>Groups: a caller names a group by its slug only when they may see the group ({@link GroupAccess#canSee}: anyone
 * in it, invited too, and site admins), or when the group already holds a grant on this resource (so that a sharer
 * can change or withdraw every grant the answer lists). Any other slug gets exactly the 400 of a slug that does not
 * exist. The answer lists every group holding a grant, since a sharer must know who can read the resource, but
 * names (the {@code name} field) only the groups the caller may see: for others it is null.
 */
public final class Sharing {
    private final AccessPolicy policy;

    public Sharing(AccessPolicy policy) {
        this.policy = policy;
    }

    /** {@code {"users": [...], "groups": [...], "permission": N}} */
    public record ShareRequest(List<String> users, List<String> groups, Integer permission) {}

    /** Who holds grants on the resource after the change. */
    public record Grants(List<UserGrant> users, List<GroupGrant> groups) {}

    public record UserGrant(long id, String username, int permission) {}

    /** name: null when the caller may not see the group. */
    public record GroupGrant(long id, String slug, String name, int permission) {}

    public record TransferRequest(String user) {}

    Grants share(Handle h, Resource resource, long id, Caller caller, ShareRequest r) {
        // Sharing takes share level, the highest a grant can give: whoever may share may grant any level.
        policy.require(h, resource, id, Optional.of(caller), Level.SHARE);
        Integer permission = r.permission();
        if (permission == null) throw ApiException.invalid("permission", "is required (0 withdraws, 1 read, 2 edit, 3 share)");
        if (permission < 0 || permission > Level.SHARE) throw ApiException.invalid("permission", "must be 0, 1, 2 or 3");
        List<String> usernames = r.users() == null ? List.of() : r.users();
        List<String> slugs = r.groups() == null ? List.of() : r.groups();
        if (usernames.isEmpty() && slugs.isEmpty()) throw ApiException.invalid("users", "name at least one user or group");
        if (usernames.size() + slugs.size() > 1000) throw ApiException.invalid("users", "at most 1000 users and groups at once");

        long owner = h.createQuery("SELECT owner_id FROM " + resource.table + " WHERE id = :id FOR UPDATE")
                .bind("id", id).mapTo(Long.class).one();
        Map<String, Long> userIds = resolve("users", usernames, usersNamed(h, lowered("users", usernames)));
        Map<String, Long> groupIds = resolve("groups", slugs, groupsNamed(h, resource, id, caller, lowered("groups", slugs)));
        for (Map.Entry<String, Long> u : userIds.entrySet()) {
            if (u.getValue() == owner) throw ApiException.invalid("users", u.getKey() + " owns this " + resource.noun);
            if (u.getValue() == caller.id()) throw ApiException.invalid("users", "you cannot change your own access");
        }
        for (long userId : new LinkedHashSet<>(userIds.values())) {
            setGrant(h, resource, "user_id", userId, id, permission);
            if (permission > 0) sharedWith(h, resource, id, caller, "user_id", userId);
        }
        for (long groupId : new LinkedHashSet<>(groupIds.values())) {
            setGrant(h, resource, "group_id", groupId, id, permission);
            if (permission > 0) sharedWith(h, resource, id, caller, "group_id", groupId);
        }
        return grants(h, resource, id, caller);
    }

    /** A grant given (not withdrawn) is recorded in the activity log for its holder. */
    private static void sharedWith(Handle h, Resource resource, long id, Caller caller, String holderColumn, long holder) {
        String name = h.createQuery("SELECT " + resource.nameColumn + " FROM " + resource.table + " WHERE id = :id")
                .bind("id", id).mapTo(String.class).one();
        Activity.shared(h, caller.id(), resource, id, holderColumn, holder, caller.username() + " shared " + resource.noun + " '" + name + "' with you");
    }

    private static void setGrant(Handle h, Resource resource, String holderColumn, long holder, long id, int permission) {
        String t = resource.grantTable;
        String c = resource.grantColumn;
        if (permission == 0) {
            h.createUpdate("DELETE FROM " + t + " WHERE " + holderColumn + " = :holder AND " + c + " = :id")
                    .bind("holder", holder).bind("id", id).execute();
        } else {
            h.createUpdate("INSERT INTO " + t + " (" + c + ", " + holderColumn + ", permission) VALUES (:id, :holder, :p) "
                            + "ON CONFLICT (" + holderColumn + ", " + c + ") WHERE " + holderColumn + " IS NOT NULL DO UPDATE SET permission = :p")
                    .bind("holder", holder).bind("id", id).bind("p", permission).execute();
        }
    }

    /** The grants on the resource, for those who may change them (share level): who else may read it is theirs to know. */
    Grants current(Handle h, Resource resource, long id, Caller caller) {
        policy.require(h, resource, id, Optional.of(caller), Level.SHARE);
        return grants(h, resource, id, caller);
    }

    /** Everyone holding a grant on the resource; a group's name only when the caller may see the group. */
    private static Grants grants(Handle h, Resource resource, long id, Caller caller) {
        String t = resource.grantTable;
        String c = resource.grantColumn;
        List<UserGrant> users = h.createQuery("SELECT u.id, u.username, g.permission FROM " + t + " g JOIN users u ON u.id = g.user_id "
                        + "WHERE g." + c + " = :id ORDER BY lower(u.username)")
                .bind("id", id).map((rs, ctx) -> new UserGrant(rs.getLong(1), rs.getString(2), rs.getInt(3))).list();
        List<GroupGrant> groups = h.createQuery("SELECT gr.id, gr.slug, gr.name, g.permission, m.role FROM " + t + " g "
                        + "JOIN groups gr ON gr.id = g.group_id "
                        + "LEFT JOIN group_members m ON m.group_id = gr.id AND m.user_id = :caller "
                        + "WHERE g." + c + " = :id ORDER BY gr.slug")
                .bind("id", id).bind("caller", caller.id())
                .map((rs, ctx) -> new GroupGrant(rs.getLong(1), rs.getString(2),
                        GroupAccess.canSee(caller, (Integer) rs.getObject(5)) ? rs.getString(3) : null, rs.getInt(4)))
                .list();
        return new Grants(users, groups);
    }

    /**
     * Makes {@code request.user} the owner. The old owner keeps share-level access; a grant the new owner
     * held becomes pointless and is removed. Returns the new owner's id and the old one's.
     */
    Transfer transfer(Handle h, Resource resource, long id, Caller caller, TransferRequest request) {
        policy.require(h, resource, id, Optional.of(caller), Level.OWNER);
        String username = request.user();
        if (username == null || username.isBlank()) throw ApiException.invalid("user", "name the user who is to own it");
        long newOwner = h.createQuery("SELECT id FROM users WHERE lower(username) = lower(:u)").bind("u", username.strip())
                .mapTo(Long.class).findOne().orElseThrow(() -> ApiException.invalid("user", "no user is called " + username));
        long oldOwner = h.createQuery("SELECT owner_id FROM " + resource.table + " WHERE id = :id FOR UPDATE")
                .bind("id", id).mapTo(Long.class).one();
        if (newOwner == oldOwner) throw ApiException.invalid("user", username + " already owns this " + resource.noun);
        h.createUpdate("UPDATE " + resource.table + " SET owner_id = :o WHERE id = :id").bind("o", newOwner).bind("id", id).execute();
        setGrant(h, resource, "user_id", newOwner, id, 0);
        setGrant(h, resource, "user_id", oldOwner, id, Level.SHARE);
        return new Transfer(oldOwner, newOwner);
    }

    public record Transfer(long oldOwner, long newOwner) {}

    /**
     * The groups among {@code slugs} (lowercase) that the caller may name: those they may see, and those already
     * holding a grant on this resource. Others are left out, so that they answer exactly like unknown slugs.
     */
    private static Map<String, Long> groupsNamed(Handle h, Resource resource, long id, Caller caller, List<String> slugs) {
        Map<String, Long> found = new HashMap<>();
        if (slugs.isEmpty()) return found;
        h.createQuery("SELECT lower(g.slug), g.id, m.role, EXISTS (SELECT 1 FROM " + resource.grantTable + " x "
                        + "WHERE x.group_id = g.id AND x." + resource.grantColumn + " = :id) AS holds "
                        + "FROM groups g LEFT JOIN group_members m ON m.group_id = g.id AND m.user_id = :caller "
                        + "WHERE lower(g.slug) = ANY(:names)")
                .bind("id", id).bind("caller", caller.id()).bindArray("names", String.class, slugs)
                .map((rs, ctx) -> GroupAccess.canSee(caller, (Integer) rs.getObject(3)) || rs.getBoolean(4)
                        ? Map.entry(rs.getString(1), rs.getLong(2)) : null)
                .forEach(e -> { if (e != null) found.put(e.getKey(), e.getValue()); });
        return found;
    }

    private static Map<String, Long> usersNamed(Handle h, List<String> usernames) {
        Map<String, Long> found = new HashMap<>();
        if (usernames.isEmpty()) return found;
        h.createQuery("SELECT lower(username), id FROM users WHERE lower(username) = ANY(:names)")
                .bindArray("names", String.class, usernames)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> found.put(e.getKey(), e.getValue()));
        return found;
    }

    /** The names, each checked not blank, stripped and lowercase. */
    private static List<String> lowered(String field, List<String> names) {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (name == null || name.isBlank()) throw ApiException.invalid(field, "names must not be empty");
            out.add(name.strip().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** Maps each name to the id {@code found} has for it (keys lowercase); every name missing is reported in one 400. */
    private static Map<String, Long> resolve(String field, List<String> names, Map<String, Long> found) {
        List<String> unknown = names.stream().filter(n -> !found.containsKey(n.strip().toLowerCase(Locale.ROOT))).toList();
        if (!unknown.isEmpty()) {
            throw ApiException.invalid(field + ": no such " + field + ": " + String.join(", ", unknown),
                    Map.of("field", field, "unknown", unknown));
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (String n : names) out.put(n, found.get(n.strip().toLowerCase(Locale.ROOT)));
        return out;
    }
}
