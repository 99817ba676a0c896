package bio.flow.access;

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
 * {@code /transfer}. Rules: a caller with share level may grant others up to their own level (share is the
 * highest grant, so any level); permission 0 withdraws a grant; only the owner (or an admin) transfers, and the old owner keeps
 * share-level access.
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

    public record GroupGrant(long id, String slug, String name, int permission) {}

    public record TransferRequest(String user) {}

    public Grants share(Handle h, Resource resource, long id, Caller caller, ShareRequest r) {
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
        Map<String, Long> userIds = resolve(h, "users", "users", "username", usernames);
        Map<String, Long> groupIds = resolve(h, "groups", "groups", "slug", slugs);
        for (Map.Entry<String, Long> u : userIds.entrySet()) {
            if (u.getValue() == owner) throw ApiException.invalid("users", u.getKey() + " owns this " + resource.noun);
            if (u.getValue() == caller.id()) throw ApiException.invalid("users", "you cannot change your own access");
        }
        for (long userId : new LinkedHashSet<>(userIds.values())) {
            setGrant(h, resource, "user_id", userId, id, permission);
        }
        for (long groupId : new LinkedHashSet<>(groupIds.values())) {
            setGrant(h, resource, "group_id", groupId, id, permission);
        }
        return grants(h, resource, id);
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

    public Grants grants(Handle h, Resource resource, long id) {
        String t = resource.grantTable;
        String c = resource.grantColumn;
        List<UserGrant> users = h.createQuery("SELECT u.id, u.username, g.permission FROM " + t + " g JOIN users u ON u.id = g.user_id "
                        + "WHERE g." + c + " = :id ORDER BY lower(u.username)")
                .bind("id", id).map((rs, ctx) -> new UserGrant(rs.getLong(1), rs.getString(2), rs.getInt(3))).list();
        List<GroupGrant> groups = h.createQuery("SELECT gr.id, gr.slug, gr.name, g.permission FROM " + t + " g JOIN groups gr ON gr.id = g.group_id "
                        + "WHERE g." + c + " = :id ORDER BY gr.slug")
                .bind("id", id).map((rs, ctx) -> new GroupGrant(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4))).list();
        return new Grants(users, groups);
    }

    /**
     * Makes {@code request.user} the owner. The old owner keeps share-level access; a grant the new owner
     * held becomes pointless and is removed. Returns the new owner's id and the old one's.
     */
    public Transfer transfer(Handle h, Resource resource, long id, Caller caller, TransferRequest request) {
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

    /** Looks all names up in one query; every unknown name is reported in one 400. */
    private static Map<String, Long> resolve(Handle h, String field, String table, String nameColumn, List<String> names) {
        List<String> wanted = new ArrayList<>();
        for (String name : names) {
            if (name == null || name.isBlank()) throw ApiException.invalid(field, "names must not be empty");
            wanted.add(name.strip().toLowerCase(Locale.ROOT));
        }
        Map<String, Long> found = new HashMap<>();
        h.createQuery("SELECT lower(" + nameColumn + "), id FROM " + table + " WHERE lower(" + nameColumn + ") = ANY(:names)")
                .bindArray("names", String.class, wanted)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> found.put(e.getKey(), e.getValue()));
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
