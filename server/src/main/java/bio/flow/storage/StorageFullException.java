package bio.flow.storage;

import java.io.IOException;

/**
 * The storage has no room left (disk or quota full); the caller answers 507. A {@code write} that met it has left
 * nothing behind; a {@code writeAt} may have left some of its bytes in the part, which no record counts and
 * which go when the upload is retried or removed.
 */
public final class StorageFullException extends IOException {
    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
