package bio.flow.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Files under {@code <data dir>/files}, a folder only Flow's OS user may enter (folders 0700, files 0600).
 *
 * <p>Layout: a record's bytes are in {@code <kind>/<shard>/<id>} (e.g. {@code data/3f/a2/123}), the keys under a
 * record in {@code <kind>/<shard>/<id>.d/<name>} (e.g. {@code uploads/9c/04/<uuid>.d/part}); the shard is two
 * levels of 256 folders ({@link StorageKey#shard()}). Writes go to a file in {@code .tmp/} (the same file
 * system), are fsynced, then renamed into place and the folder fsynced, so that a reader or a crash sees all
 * or nothing. {@code .tmp/} never holds anything a key names; what a crash leaves there is removed by
 * {@link #removeAbandonedWrites}.
 */
public final class LocalStorage implements Storage {
    /** The folder of a record's children: a suffix no segment can have (segments hold no dot). */
    private static final String CHILDREN = ".d";
    private static final String TEMPORARY = ".tmp";
    private static final int BUFFER = 1 << 20;
    /** Below this many free bytes a failed write is taken as a full disk, whatever the system said. */
    private static final long FULL_BELOW = 1 << 20;

    private final Path root;
    private final Path temporary;

    public LocalStorage(Path root) {
        this.root = root;
        this.temporary = root.resolve(TEMPORARY);
        try {
            PrivateFiles.folder(root);
            PrivateFiles.folder(temporary);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create storage folder " + root, e);
        }
    }

    @Override
    public Health health() {
        try {
            Path probe = Files.createTempFile(temporary, "health-", ".tmp", PrivateFiles.attributes(PrivateFiles.FILE));
            Files.delete(probe);
            return new Health(true, freeBytes());
        } catch (IOException e) {
            return new Health(false, OptionalLong.of(root.toFile().getUsableSpace()));
        }
    }

    @Override
    public Stored write(StorageKey key, InputStream in, long maxBytes) throws IOException {
        Path target = path(key);
        Path tmp = temporary.resolve(UUID.randomUUID() + ".tmp");
        try {
            Stored stored;
            try (FileChannel out = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PrivateFiles.attributes(PrivateFiles.FILE))) {
                MessageDigest md5 = md5();
                stored = new Stored(copy(in, out, 0, maxBytes, md5), HexFormat.of().formatHex(md5.digest()));
                out.force(true);
            }
            folder(target.getParent());
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            syncFolder(target.getParent());
            return stored;
        } catch (IOException e) {
            throw whenFull(e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public long writeAt(StorageKey part, long offset, InputStream in, long maxBytes) throws IOException {
        if (offset < 0) throw new IllegalArgumentException("negative offset " + offset);
        Path file = path(part);
        try {
            folder(file.getParent());
            boolean creates = !Files.exists(file);
            long size;
            try (FileChannel out = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PrivateFiles.attributes(PrivateFiles.FILE))) {
                size = copy(in, out, offset, maxBytes, null);
                out.force(true);
            }
            if (creates) syncFolder(file.getParent()); // the part's own entry (two first writes at once both sync it)
            return size;
        } catch (IOException e) {
            throw whenFull(e);
        }
    }

    @Override
    public void truncate(StorageKey part, long size) throws IOException {
        try (FileChannel out = FileChannel.open(file(part), StandardOpenOption.WRITE)) {
            out.truncate(size);
            out.force(true);
        }
    }

    @Override
    public void move(StorageKey from, StorageKey to) throws IOException {
        Path source = path(from);
        Path target = path(to);
        if (!Files.isRegularFile(source)) throw new NoSuchFileException(from.toString());
        folder(target.getParent());
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        syncFolder(target.getParent());
        if (!source.getParent().equals(target.getParent())) syncFolder(source.getParent());
    }

    @Override
    public InputStream read(StorageKey key, long offset, long length) throws IOException {
        return range(file(key), offset, length);
    }

    /**
     * {@code length} bytes of a file from {@code offset} (fewer when it ends sooner), read as the stream is read: also
     * for files Flow serves that are not stored records (a run's Nextflow log, which may grow while it is read).
     */
    public static InputStream range(Path file, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("negative offset or length");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (offset > size) throw new IllegalArgumentException("offset " + offset + " is past the end (" + size + ")");
            return new RangeStream(channel, offset, Math.min(length, size - offset));
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public Optional<Path> localPath(StorageKey key) {
        Path file = path(key);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** None: a local file has no address of its own, so Flow serves it. */
    @Override
    public Optional<URI> downloadLink(StorageKey key, String contentType, String contentDisposition) {
        return Optional.empty();
    }

    /**
     * A hard link to the file (its target, when it is a symbolic link) when both are on this storage's file system:
     * the bytes are shared, none copied, and the file stays where it is; else a copy. The link is made under
     * {@code .tmp/}, synced, then renamed into place, as {@link #write} does. Its md5 is read back once.
     */
    @Override
    public Stored store(StorageKey key, Path file) throws IOException {
        Path target = path(key);
        Path tmp = temporary.resolve(UUID.randomUUID() + ".tmp");
        try {
            Files.createLink(tmp, file.toRealPath());
        } catch (FileSystemException | UnsupportedOperationException e) {
            return Storage.super.store(key, file); // another file system (EXDEV), or no hard links there
        }
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            PrivateFiles.restrict(tmp, PrivateFiles.FILE);
            // A link keeps the file's own time, maybe hours old: the orphan sweep would take it for bytes left long ago
            // by a crash while its record is still being committed.
            Files.setLastModifiedTime(tmp, FileTime.from(Instant.now()));
            folder(target.getParent());
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            syncFolder(target.getParent());
        } finally {
            Files.deleteIfExists(tmp);
        }
        return digest(key);
    }

    @Override
    public Stored digest(StorageKey key) throws IOException {
        MessageDigest md5 = md5();
        long size = 0;
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = read(key)) {
            for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0; ) {
                md5.update(buffer, 0, n);
                size += n;
            }
        }
        return new Stored(size, HexFormat.of().formatHex(md5.digest()));
    }

    @Override
    public long size(StorageKey key) throws IOException {
        return Files.readAttributes(file(key), BasicFileAttributes.class).size();
    }

    @Override
    public boolean exists(StorageKey key) {
        return Files.isRegularFile(path(key));
    }

    @Override
    public boolean delete(StorageKey key) throws IOException {
        Path file = path(key);
        boolean removed = Files.deleteIfExists(file);
        if (key.name().isEmpty()) {
            Path children = file.resolveSibling(key.id() + CHILDREN);
            if (Files.isDirectory(children)) {
                try (Stream<Path> names = Files.list(children)) {
                    for (Path child : (Iterable<Path>) names::iterator) removed |= Files.deleteIfExists(child);
                }
                Files.deleteIfExists(children);
            }
        }
        return removed;
    }

    @Override
    public Stream<Entry> list(String kind) throws IOException {
        if (!StorageKey.isSegment(kind)) throw new IllegalArgumentException("not a storage kind: " + kind);
        Path folder = root.resolve(kind);
        if (!Files.isDirectory(folder)) return Stream.empty();
        // <kind>/<aa>/<bb>/<id> (depth 3) and <kind>/<aa>/<bb>/<id>.d/<name> (depth 4)
        return Files.find(folder, 4, (p, attributes) -> attributes.isRegularFile())
                .map(p -> entry(kind, folder.relativize(p), p))
                .filter(Objects::nonNull);
    }

    /**
     * The entry a file under a kind's folder stands for; null for a file this class did not write (a stranger
     * in the folder) or one deleted since it was found.
     */
    private static Entry entry(String kind, Path relative, Path file) {
        int n = relative.getNameCount();
        if (n != 3 && n != 4) return null;
        String id = relative.getName(2).toString();
        String name = null;
        if (n == 4) {
            if (!id.endsWith(CHILDREN)) return null;
            id = id.substring(0, id.length() - CHILDREN.length());
            name = relative.getName(3).toString();
        }
        if (!StorageKey.isSegment(id) || (name != null && !StorageKey.isSegment(name))) return null;
        StorageKey key = StorageKey.of(kind, id, name);
        if (!key.shard().equals(relative.getName(0) + "/" + relative.getName(1))) return null;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Entry(key, attributes.size(), attributes.lastModifiedTime().toInstant());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The usable space of the file system the files are on: always known. */
    @Override
    public OptionalLong freeBytes() throws IOException {
        return OptionalLong.of(Files.getFileStore(root).getUsableSpace());
    }

    @Override
    public int removeAbandonedWrites(Duration age) throws IOException {
        Instant before = Instant.now().minus(age);
        int removed = 0;
        try (Stream<Path> files = Files.list(temporary)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.getLastModifiedTime(file).toInstant().isBefore(before) && Files.deleteIfExists(file)) removed++;
            }
        }
        return removed;
    }

    /** Where a key's bytes are. Keys cannot hold separators or dots, so this is always inside the root. */
    private Path path(StorageKey key) {
        Path record = root.resolve(key.kind()).resolve(key.shard()).resolve(key.id());
        return key.name().isEmpty() ? record : record.resolveSibling(key.id() + CHILDREN).resolve(key.name().get());
    }

    /** A key's file, or NoSuchFileException naming the key (a folder is not a key's bytes). */
    private Path file(StorageKey key) throws NoSuchFileException {
        Path file = path(key);
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(key.toString());
        return file;
    }

    /** Streams into the channel from a position, hashing as the bytes pass when given an md5; stops past maxBytes. */
    private static long copy(InputStream in, FileChannel out, long position, long maxBytes, MessageDigest md5) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long size = 0;
        for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0; ) {
            size += n;
            if (size > maxBytes) throw new TooLargeException(maxBytes);
            if (md5 != null) md5.update(buffer, 0, n);
            ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
            while (bytes.hasRemaining()) position += out.write(bytes, position);
        }
        return size;
    }

    /**
     * Creates a folder and its missing parents owner-only, fsyncing each new entry's folder so that a crash
     * cannot lose a folder holding fsynced files. Tolerates another writer making the same folder at once.
     */
    private void folder(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        folder(dir.getParent());
        try {
            Files.createDirectory(dir, PrivateFiles.attributes(PrivateFiles.FOLDER));
        } catch (FileAlreadyExistsException e) {
            return;
        }
        syncFolder(dir.getParent());
    }

    /** Makes the entries of a folder (a rename into it, a new file) durable. */
    private static void syncFolder(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** The system's "no space" (ENOSPC) and "quota exceeded" (EDQUOT), or a failure with almost no room left. */
    private IOException whenFull(IOException e) {
        if (e instanceof TooLargeException) return e;
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        boolean full = message.contains("no space left") || message.contains("quota exceeded");
        if (!full) {
            try {
                full = freeBytes().getAsLong() < FULL_BELOW;
            } catch (IOException ignored) {
                // the original failure is the one to report
            }
        }
        return full ? new StorageFullException("storage is full: " + e.getMessage(), e) : e;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has MD5", e);
        }
    }

    /** A range of an open file, read with positional reads; closing it closes the file. */
    private static final class RangeStream extends InputStream {
        private final FileChannel channel;
        private long position;
        private long remaining;

        RangeStream(FileChannel channel, long position, long length) {
            this.channel = channel;
            this.position = position;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) return 0;
            if (remaining == 0) return -1;
            int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, remaining)), position);
            if (n < 0) { // the file was cut short under us: end here rather than block
                remaining = 0;
                return -1;
            }
            position += n;
            remaining -= n;
            return n;
        }

        @Override
        public long skip(long n) {
            long skipped = Math.max(0, Math.min(n, remaining));
            position += skipped;
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() {
            return (int) Math.min(remaining, Integer.MAX_VALUE);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
