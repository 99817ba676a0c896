package bio.flow.access;

import bio.flow.http.Caller;
import java.util.Collection;
import org.jdbi.v3.core.Handle;

/**
 * What one shareable kind adds to the share, transfer and delete routes that {@link SharedResourceRoutes}
 * serves alike for every kind: the answer of a transfer, what else changes hands with it, what a delete's
 * answer says went with the resource (the database's cascades remove it), and what a delete removes outside the database.
 *
 * @param <D> the kind's detail, as {@code GET /<kind>/{id}} answers it
 */
public interface Shareable<D> {
    /** The resource as the caller, at {@code level}, sees it. */
    D detail(Handle h, long id, Caller caller, int level);

    /** Called in a transfer's transaction: what else the new owner gets. Nothing, unless the kind says so. */
    default void transferred(Handle h, long id, Sharing.Transfer transfer) {}

    /** The message of the answer to deleting the resource. */
    String deletedMessage(long id);

    /**
     * Called in the delete's transaction, before the rows go: what the resources, and what the database's cascades
     * remove with them, keep outside the database (the stored bytes of data), as the work that removes it once the
     * delete has committed. A crash in between leaves at most files no record names, never a record without its
     * files. Nothing, unless the kind says so.
     */
    default Runnable deleting(Handle h, Collection<Long> ids) {
        return () -> {};
    }
}
