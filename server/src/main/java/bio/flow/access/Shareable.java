package bio.flow.access;

import bio.flow.http.Caller;
import java.util.Collection;
import org.jdbi.v3.core.Handle;

/**
 * What one shareable kind adds to the share, transfer and delete routes that {@link SharedResourceRoutes}
 * serves alike for every kind: the answer of a transfer, what else changes hands with it, and what a delete's
 * answer says went with the resource (the database's cascades remove it).
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
     * Called once the transaction that deleted the resources has committed: removes what they had outside the
     * database (data: its stored bytes). Nothing, unless the kind says so. A crash before it leaves at most
     * files no record names, never a record without its files.
     */
    default void deleted(Collection<Long> ids) {}
}
