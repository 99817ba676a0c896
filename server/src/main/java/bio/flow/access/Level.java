package bio.flow.access;

/**
 * What a caller may do with a shared resource. Grants hold levels 1 to 3; {@link #OWNER} is what the
 * owner has (and a site admin): everything, including delete and transfer.
 */
public final class Level {
    public static final int NONE = 0;
    public static final int READ = 1;
    public static final int EDIT = 2;
    public static final int SHARE = 3;
    public static final int OWNER = 4;

    private Level() {}

    /** The {@code permissions} object of detail responses. */
    public record Permissions(boolean can_edit, boolean can_share, boolean can_delete) {
        public static Permissions of(int level) {
            return new Permissions(level >= EDIT, level >= SHARE, level >= OWNER);
        }
    }
}
