package bio.flow.storage;

import java.io.IOException;

/**
 * The storage has no room left (disk or quota full). The write that met it has left nothing behind; the caller
 * answers 507.
 */
public final class StorageFullException extends IOException {
    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
