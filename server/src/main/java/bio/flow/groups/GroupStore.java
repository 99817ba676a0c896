package bio.flow.groups;

import bio.flow.http.ApiException;
import bio.flow.http.Paging;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.util.PSQLException;

/**
 * SQL for {@code groups} and {@code group_members}. Every method runs on the caller's handle, so that the
 * service decides what happens in one transaction.
 *
 * <p>Lock order, the same everywhere so that transactions cannot deadlock: first the group's row
 * ({@link #findForChange} or {@link #findForDelete}), then its member rows in user id order ({@link #lockRoster}).
 */
final class GroupStore {
    record Group(long id, String name, String slug, String description, Instant created) {}

    record Member(long id, String username, String firstName, String lastName, int role) {}

    /** A group as it appears in someone's list: with their role and the number of members (roles 2 and 3). */
    record Listed(long id, String name, String slug, String description, Instant created, int role, long memberCount) {}

    record UserRef(long id, String username) {}

    /** The roles of a group's members, read under lock. */
    record Roster(Map<Long, Integer> roles) {
        Integer roleOf(long userId) {
            return roles.get(userId);
        }

        long admins() {
            return roles.values().stream().filter(GroupAccess::isAdmin).count();
        }
    }

    private static final String GROUP = "SELECT id, name, slug, description, created FROM groups WHERE slug = :slug";

    GroupStore(Jdbi jdbi) {
        jdbi.registerRowMapper(ConstructorMapper.factory(Group.class));
        jdbi.registerRowMapper(ConstructorMapper.factory(Member.class));
        jdbi.registerRowMapper(ConstructorMapper.factory(Listed.class));
        jdbi.registerRowMapper(ConstructorMapper.factory(UserRef.class));
    }

    /** Inserts the group and makes {@code adminId} its admin. A taken slug is a 409 on field slug. */
    Group create(Handle h, String name, String slug, String description, long adminId) {
        Group g;
        try {
            g = h.createQuery("INSERT INTO groups (name, slug, description) VALUES (:name, :slug, :description) "
                            + "RETURNING id, name, slug, description, created")
                    .bind("name", name).bind("slug", slug).bind("description", description)
                    .mapTo(Group.class).one();
        } catch (UnableToExecuteStatementException e) {
            if (e.getCause() instanceof PSQLException p && "23505".equals(p.getSQLState())) {
                throw ApiException.conflict("slug", "the slug '" + slug + "' is taken; choose another slug");
            }
            throw e;
        }
        h.createUpdate("INSERT INTO group_members (group_id, user_id, role) VALUES (:g, :u, :role)")
                .bind("g", g.id()).bind("u", adminId).bind("role", GroupAccess.ADMIN).execute();
        return g;
    }

    Optional<Group> find(Handle h, String slug) {
        return h.createQuery(GROUP).bind("slug", slug).mapTo(Group.class).findOne();
    }

    /**
     * The group, kept from being deleted until this transaction ends (FOR KEY SHARE does not block other
     * changes to members). If a deletion is under way it waits for it, then finds nothing.
     */
    Optional<Group> findForChange(Handle h, String slug) {
        return h.createQuery(GROUP + " FOR KEY SHARE").bind("slug", slug).mapTo(Group.class).findOne();
    }

    /** The group, locked against every other change until this transaction ends. */
    Optional<Group> findForDelete(Handle h, String slug) {
        return h.createQuery(GROUP + " FOR UPDATE").bind("slug", slug).mapTo(Group.class).findOne();
    }

    /**
     * Locks all member rows of the group and answers their roles. Two transactions that both change
     * memberships take these locks in the same order, so the second one waits for the first to commit and
     * then reads the roles as the first left them: admin counts checked after this cannot go stale.
     */
    Roster lockRoster(Handle h, long groupId) {
        Map<Long, Integer> roles = new HashMap<>();
        h.createQuery("SELECT user_id, role FROM group_members WHERE group_id = :g ORDER BY user_id FOR UPDATE")
                .bind("g", groupId)
                .map((rs, ctx) -> Map.entry(rs.getLong("user_id"), rs.getInt("role")))
                .forEach(e -> roles.put(e.getKey(), e.getValue()));
        return new Roster(roles);
    }

    /** The caller's own role, with their own row locked (for accepting or declining an invitation). */
    Optional<Integer> lockRole(Handle h, long groupId, long userId) {
        return h.createQuery("SELECT role FROM group_members WHERE group_id = :g AND user_id = :u FOR UPDATE")
                .bind("g", groupId).bind("u", userId).mapTo(Integer.class).findOne();
    }

    /**
     * Everyone with a row in the group, invited users included: admins first, then members, then invitations.
     * An invited user's real name is not shown (empty) until they accept: inviting someone by username must not
     * tell the group's admins who that person is.
     */
    List<Member> members(Handle h, long groupId) {
        return h.createQuery("SELECT u.id, u.username, "
                        + "CASE WHEN m.role = " + GroupAccess.INVITED + " THEN '' ELSE u.first_name END AS first_name, "
                        + "CASE WHEN m.role = " + GroupAccess.INVITED + " THEN '' ELSE u.last_name END AS last_name, m.role "
                        + "FROM group_members m JOIN users u ON u.id = m.user_id "
                        + "WHERE m.group_id = :g ORDER BY m.role DESC, lower(u.username)")
                .bind("g", groupId).mapTo(Member.class).list();
    }

    /** How many groups the user has a row in (invitations included): the total of {@link #listFor}. */
    long countFor(Handle h, long userId) {
        return h.createQuery("SELECT count(*) FROM group_members WHERE user_id = :u")
                .bind("u", userId).mapTo(Long.class).one();
    }

    /** One page of the user's groups and invitations, by name, each with its member count. */
    List<Listed> listFor(Handle h, long userId, Paging paging) {
        return h.createQuery("""
                        SELECT g.id, g.name, g.slug, g.description, g.created, m.role,
                               (SELECT count(*) FROM group_members c
                                 WHERE c.group_id = g.id AND c.role >= 2) AS member_count
                          FROM group_members m
                          JOIN groups g ON g.id = m.group_id
                         WHERE m.user_id = :u
                         ORDER BY lower(g.name), g.id
                         LIMIT :limit OFFSET :offset""")
                .bind("u", userId).bind("limit", paging.limit()).bind("offset", paging.offset())
                .mapTo(Listed.class).list();
    }

    Optional<UserRef> userByName(Handle h, String username) {
        return h.createQuery("SELECT id, username FROM users WHERE lower(username) = lower(:u)")
                .bind("u", username).mapTo(UserRef.class).findOne();
    }

    /** Adds an invitation; false when the user already has a row in the group. */
    boolean invite(Handle h, long groupId, long userId) {
        return h.createUpdate("INSERT INTO group_members (group_id, user_id, role) VALUES (:g, :u, :role) "
                        + "ON CONFLICT (group_id, user_id) DO NOTHING")
                .bind("g", groupId).bind("u", userId).bind("role", GroupAccess.INVITED).execute() == 1;
    }

    void setRole(Handle h, long groupId, long userId, int role) {
        h.createUpdate("UPDATE group_members SET role = :role WHERE group_id = :g AND user_id = :u")
                .bind("g", groupId).bind("u", userId).bind("role", role).execute();
    }

    void removeMember(Handle h, long groupId, long userId) {
        h.createUpdate("DELETE FROM group_members WHERE group_id = :g AND user_id = :u")
                .bind("g", groupId).bind("u", userId).execute();
    }

    /** Deletes the group; its memberships go with it (ON DELETE CASCADE). */
    void delete(Handle h, long groupId) {
        h.createUpdate("DELETE FROM groups WHERE id = :g").bind("g", groupId).execute();
    }
}
