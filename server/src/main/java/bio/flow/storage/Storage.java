package bio.flow.storage;

/** Where Flow keeps file contents. Local disk now; S3 later, behind the same interface. */
public interface Storage {
    /** Whether files can be written, and how much room is left. */
    Health health();

    record Health(boolean writable, long availableBytes) {}
}
