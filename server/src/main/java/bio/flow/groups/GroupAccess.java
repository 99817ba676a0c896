package bio.flow.groups;

import bio.flow.http.ApiException;
import bio.flow.http.Caller;

/**
 * Who may see a group and who may run it: the only place these rules live. Every check takes the caller's
 * role in the group as read from {@code group_members} (null when they have no row there), so that a
 * transaction can check against the rows it has just locked.
 *
 * <ul>
 *   <li>A group is visible to everyone with a row in it (invited users too, so they can see what they
 *       were invited to) and to site admins. Anyone else gets 404: a group's existence is not revealed.</li>
 *   <li>A group is administered by its admins (role 3) and by site admins. Someone who can see the group
 *       but not administer it gets 403.</li>
 *   <li>Membership, the thing that grants access to what is shared with a group, is role 2 or 3; an
 *       invitation (role 1) grants nothing.</li>
 * </ul>
 */
public final class GroupAccess {
    public static final int INVITED = 1;
    public static final int MEMBER = 2;
    public static final int ADMIN = 3;

    private GroupAccess() {}

    public static boolean canSee(Caller caller, Integer role) {
        return role != null || caller.isAdmin();
    }

    /**
     * SQL condition saying {@link #canSee} for the group row {@code g}, for reading many groups at once (the group
     * search): a row of :caller in it, or :admin (bound with {@link bio.flow.access.AccessPolicy#bindCaller}).
     */
    public static String canSeeSql(String g) {
        return "(:admin OR EXISTS (SELECT 1 FROM group_members vm WHERE vm.group_id = " + g + ".id AND vm.user_id = :caller))";
    }

    public static boolean canAdminister(Caller caller, Integer role) {
        return caller.isAdmin() || isAdmin(role);
    }

    public static boolean isMember(Integer role) {
        return role != null && role >= MEMBER;
    }

    public static boolean isAdmin(Integer role) {
        return role != null && role == ADMIN;
    }

    /** 404 unless the caller may see the group. */
    public static void requireSee(Caller caller, Integer role, String slug) {
        if (!canSee(caller, role)) throw notFound(slug);
    }

    /** 404 unless the caller may see the group, then 403 unless they may administer it. */
    public static void requireAdminister(Caller caller, Integer role, String slug) {
        requireSee(caller, role, slug);
        if (!canAdminister(caller, role)) throw ApiException.forbidden("only the admins of group " + slug + " may do this");
    }

    /** The one answer for a group that does not exist or that the caller may not see. */
    public static ApiException notFound(String slug) {
        return ApiException.notFound("group " + slug);
    }
}
