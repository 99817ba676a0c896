package bio.flow.storage;

import java.io.IOException;

/**
 * A stream passed the most bytes its write allowed; the caller answers 413. The write was stopped there; like
 * a full disk ({@link StorageFullException}), a {@code write} leaves nothing behind, a {@code writeAt} may leave
 * bytes no record counts.
 */
public final class TooLargeException extends IOException {
    private final long limit;

    public TooLargeException(long limit) {
        super("more than " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
