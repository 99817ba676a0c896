package bio.flow.storage;

import java.io.IOException;

/**
 * A stream passed the most bytes its write allowed. The write was stopped there and has left nothing behind;
 * the caller answers 413.
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
