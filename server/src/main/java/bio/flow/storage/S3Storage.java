package bio.flow.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Flow's files as objects of one S3 bucket (AWS, or any S3-compatible server), for servers and workers on several
 * machines that share no file system. Nothing is kept on local disk.
 *
 * <p>Layout: the same names as {@link LocalStorage}'s files, as object keys: a record's bytes are the object
 * {@code <kind>/<shard>/<id>}, a key under a record {@code <kind>/<shard>/<id>.d/<name>}. A single PutObject (up to
 * {@value #BUFFER_MiB} MiB) or a multipart upload (longer streams, in parts of at least that) is atomic: S3 shows the
 * object whole once it is complete, never part of it, so {@link #write} needs no temporary name. A multipart upload
 * that a crash interrupted is invisible and is aborted by {@link #removeAbandonedWrites}.
 *
 * <p><b>Parts (uploads in pieces).</b> S3 cannot write into an object at an offset, and a multipart upload's parts are
 * numbered and at least 5 MiB but the last, where Flow's pieces come in any order, at any offset and of any size
 * (the official client sends 1 MB). So each piece {@link #writeAt} receives is an object of its own,
 * {@code <part's object>.pieces/<offset, 19 digits>}: a retry of a piece replaces it whole (a PutObject never leaves half
 * a piece), and pieces written at once never touch one another. The part's bytes are its pieces in offset order;
 * the upload protocols never overlap them, and where pieces did overlap a piece would end where the next one starts.
 * A range never written reads as zeros; the part's size is where its last piece ends. {@link #move} composes the
 * part into its record's single object with one multipart upload: each run of pieces of at least the part size
 * ({@link #partSize}) is copied inside S3 (UploadPartCopy, no byte through Flow), and smaller pieces are read back and
 * sent again as one part, so that with the official client's 1 MB pieces the file crosses the network twice at the end,
 * while with pieces of 8 MiB or more it is only copied inside S3. {@link #truncate} deletes the pieces past the size and
 * shortens the one across it.
 */
public final class S3Storage implements Storage {
    /** S3's least size of a multipart upload's part (but the last one). */
    static final long MIN_PART = 5L << 20;
    /** The most one PutObject, part or part copy may hold. */
    static final long MAX_SINGLE = 5L << 30;
    private static final int MAX_PARTS = 10_000;
    private static final int BUFFER_MiB = 8;
    /** What a write or a piece holds in memory before it is sent: the part size of streams of unknown length. */
    private static final int BUFFER = BUFFER_MiB << 20;
    /** The longest part copy: S3 allows 5 GiB; smaller ones are retried faster. */
    private static final long COPY_PART = 1L << 30;
    private static final String CHILDREN = ".d/";
    private static final String PIECES = ".pieces/";
    private static final int OFFSET_DIGITS = 19;

    private final S3Client s3;
    private final String bucket;
    /** Null: no presigned URLs ({@link #downloadLink} answers none). */
    private final S3Presigner presigner;
    private final Duration presignFor;
    private volatile boolean batchDeletes = true;

    /**
     * Where the bucket is and who Flow is there; credentials null: the SDK's default chain (environment, profile, role).
     * {@code presigning} null: downloads are not handed to S3.
     */
    public record Settings(URI endpoint, String region, String bucket, String accessKeyId, String secretAccessKey, boolean pathStyle,
                           Presigning presigning) {}

    /**
     * Presigned download URLs: of {@code endpoint} (the address clients reach the bucket at, which may not be Flow's; null:
     * AWS's for the region), valid for {@code expiry}.
     */
    public record Presigning(URI endpoint, Duration expiry) {}

    private S3Storage(S3Client s3, String bucket, S3Presigner presigner, Duration presignFor) {
        this.s3 = Objects.requireNonNull(s3);
        this.bucket = Objects.requireNonNull(bucket);
        this.presigner = presigner;
        this.presignFor = presignFor;
    }

    /** A client for the settings (the small URLConnection HTTP client, as imports use), and the storage on it. */
    public static S3Storage connect(Settings settings) {
        AwsCredentialsProvider credentials = settings.accessKeyId() == null ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()));
        S3Presigner presigner = null;
        if (settings.presigning() != null) {
            var p = S3Presigner.builder().region(Region.of(settings.region())).credentialsProvider(credentials)
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
            if (settings.presigning().endpoint() != null) p.endpointOverride(settings.presigning().endpoint());
            presigner = p.build();
        }
        var builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(30)).socketTimeout(Duration.ofMinutes(5)).build())
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                // Not the SDK's default (checksum headers on every request): S3-compatible servers refuse them, and
                // Flow computes the md5 of what it stores itself.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // DeleteObjects requires a checksum: Content-MD5 as S3 always took it, rather than only the SDK's newer CRC32
                .addPlugin(LegacyMd5Plugin.create());
        if (settings.endpoint() != null) builder.endpointOverride(settings.endpoint());
        return new S3Storage(builder.build(), settings.bucket(), presigner, presigner == null ? null : settings.presigning().expiry());
    }

    /**
     * A presigned GetObject URL of the key's object (path-style when the storage is), valid for the configured time, whose
     * answers carry this content type and disposition (S3's {@code response-content-type} and
     * {@code response-content-disposition}); empty unless presigning is configured. Made here without asking S3: whether the
     * object is there is the caller's to know. S3 itself serves a Range on it. The key must be one written whole (a record's
     * bytes), not a part in pieces.
     */
    @Override
    public Optional<URI> downloadLink(StorageKey key, String contentType, String contentDisposition) {
        if (presigner == null) return Optional.empty();
        var presigned = presigner.presignGetObject(p -> p.signatureDuration(presignFor).getObjectRequest(g -> g.bucket(bucket).key(object(key))
                .responseContentType(contentType).responseContentDisposition(contentDisposition)));
        try {
            return Optional.of(presigned.url().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the SDK presigned a URL that is not a URI: " + presigned.url(), e);
        }
    }

    /**
     * Writable when the bucket answers (HeadBucket: one cheap request per call; credentials that may read but not write
     * show at the first write); no free space to report ({@link #freeBytes}).
     */
    @Override
    public Health health() {
        try {
            reachable();
            return new Health(true, OptionalLong.empty());
        } catch (IOException e) {
            return new Health(false, OptionalLong.empty());
        }
    }

    /** Whether the bucket answers (HeadBucket): a wrong endpoint, bucket or credentials fail here with S3's answer. */
    public void reachable() throws IOException {
        call(() -> s3.headBucket(b -> b.bucket(bucket)));
    }

    /**
     * None to tell: a bucket has no size, and S3 has no request for the room a provider's quota leaves. A write past such a
     * quota fails with a {@link StorageFullException} ({@link #failure}), as a full disk does.
     */
    @Override
    public OptionalLong freeBytes() {
        return OptionalLong.empty();
    }

    // ---- writing whole objects ----

    @Override
    public Stored write(StorageKey key, InputStream in, long maxBytes) throws IOException {
        return put(object(key), in, maxBytes);
    }

    /**
     * Stores a stream of unknown length as one object: one PutObject when it fits in one buffer, else a multipart
     * upload of buffers, aborted on any failure, so that nothing is kept.
     */
    private Stored put(String objectKey, InputStream in, long maxBytes) throws IOException {
        MessageDigest md5 = md5();
        // What a small write holds is read as it comes (readNBytes grows its buffer): no 8 MiB for a few bytes.
        byte[] first = in.readNBytes(maxBytes >= BUFFER ? BUFFER : (int) maxBytes + 1);
        long size = first.length;
        if (size > maxBytes) throw new TooLargeException(maxBytes);
        md5.update(first);
        if (first.length < BUFFER) {
            call(() -> s3.putObject(p -> p.bucket(bucket).key(objectKey), bytes(first, first.length)));
            return new Stored(size, HexFormat.of().formatHex(md5.digest()));
        }
        String uploadId = call(() -> s3.createMultipartUpload(c -> c.bucket(bucket).key(objectKey))).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buffer = first;
            for (int n = buffer.length; n > 0; ) {
                int number = parts.size() + 1;
                if (number > MAX_PARTS) throw new IOException("a stream of more than " + MAX_PARTS + " parts of " + BUFFER_MiB + " MiB");
                RequestBody part = bytes(buffer, n);
                String etag = call(() -> s3.uploadPart(u -> u.bucket(bucket).key(objectKey).uploadId(uploadId).partNumber(number), part)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                n = in.readNBytes(buffer, 0, buffer.length);
                size += n;
                if (size > maxBytes) throw new TooLargeException(maxBytes);
                md5.update(buffer, 0, n);
            }
            call(() -> s3.completeMultipartUpload(c -> c.bucket(bucket).key(objectKey).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())));
            return new Stored(size, HexFormat.of().formatHex(md5.digest()));
        } catch (IOException | RuntimeException e) {
            abort(objectKey, uploadId);
            throw e;
        }
    }

    /** The first {@code n} bytes of a buffer as a request's body, not copied (the SDK's fromBytes copies them). */
    private static RequestBody bytes(byte[] buffer, int n) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, n), n, "application/octet-stream");
    }

    private void abort(String objectKey, String uploadId) {
        try {
            s3.abortMultipartUpload(a -> a.bucket(bucket).key(objectKey).uploadId(uploadId));
        } catch (SdkException ignored) {
            // left for removeAbandonedWrites; the original failure is the one to report
        }
    }

    // ---- parts ----

    @Override
    public long writeAt(StorageKey part, long offset, InputStream in, long maxBytes) throws IOException {
        if (offset < 0) throw new IllegalArgumentException("negative offset " + offset);
        String objectKey = object(part);
        makePieced(objectKey);
        String piece = pieceKey(objectKey, offset);
        if (maxBytes <= BUFFER) { // learn the piece's size before sending it
            byte[] bytes = in.readNBytes((int) maxBytes + 1);
            if (bytes.length > maxBytes) throw new TooLargeException(maxBytes);
            call(() -> s3.putObject(p -> p.bucket(bucket).key(piece), bytes(bytes, bytes.length)));
            return bytes.length;
        }
        // A longer piece is sent as it arrives, with the length the caller expects (the request's).
        if (maxBytes > MAX_SINGLE) throw new IOException("a piece on S3 holds at most " + MAX_SINGLE + " bytes, not up to " + maxBytes);
        ExactStream exact = new ExactStream(in, maxBytes);
        call(() -> s3.putObject(p -> p.bucket(bucket).key(piece), RequestBody.fromInputStream(exact, maxBytes)));
        if (in.read() != -1) {
            call(() -> s3.deleteObject(d -> d.bucket(bucket).key(piece)));
            throw new TooLargeException(maxBytes);
        }
        return maxBytes;
    }

    /**
     * A key written whole (moved into a part, as an interrupted upload completion does) that is now written in pieces:
     * its object becomes its first piece.
     */
    private void makePieced(String objectKey) throws IOException {
        Long size = headSize(objectKey);
        if (size == null) return;
        compose(List.of(new Segment(objectKey, 0, size)), pieceKey(objectKey, 0));
        call(() -> s3.deleteObject(d -> d.bucket(bucket).key(objectKey)));
    }

    @Override
    public void truncate(StorageKey part, long size) throws IOException {
        String objectKey = object(part);
        makePieced(objectKey);
        List<Piece> pieces = pieces(objectKey);
        if (pieces.isEmpty()) throw new NoSuchFileException(part.toString());
        List<String> past = new ArrayList<>();
        for (Piece p : pieces) {
            if (p.offset() >= size && p.offset() > 0) past.add(p.objectKey());
            else if (p.end() > size) {
                long keep = size - p.offset();
                call(() -> s3.putObject(r -> r.bucket(bucket).key(p.objectKey()),
                        RequestBody.fromContentProvider(() -> open(List.of(new Segment(p.objectKey(), 0, keep))), keep, "application/octet-stream")));
            }
        }
        deleteAll(past);
    }

    // ---- moving ----

    @Override
    public void move(StorageKey from, StorageKey to) throws IOException {
        String source = object(from);
        String target = object(to);
        Long whole = headSize(source);
        List<Piece> sourcePieces = whole == null ? pieces(source) : List.of();
        if (whole == null && sourcePieces.isEmpty()) throw new NoSuchFileException(from.toString());
        compose(whole != null ? List.of(new Segment(source, 0, whole)) : segments(sourcePieces, 0, Long.MAX_VALUE), target);
        // The target is whole now (and read first); what it held in pieces, and the source, go.
        List<String> gone = new ArrayList<>();
        pieces(target).forEach(p -> gone.add(p.objectKey()));
        if (whole != null) gone.add(source);
        sourcePieces.forEach(p -> gone.add(p.objectKey()));
        deleteAll(gone);
    }

    /**
     * Makes one object of a sequence of ranges of objects (and zeros), atomically: a CopyObject for one whole object,
     * a PutObject when it is at most one part, else a multipart upload in which a range of one object of at least a
     * part is copied inside S3 and shorter ranges are read and sent again, gathered into parts.
     */
    private void compose(List<Segment> segments, String target) throws IOException {
        long total = segments.stream().mapToLong(Segment::length).sum();
        if (segments.size() == 1 && segments.get(0).source() != null && segments.get(0).offset() == 0 && total <= MAX_SINGLE
                && Objects.equals(headSize(segments.get(0).source()), total) && !segments.get(0).source().equals(target)) {
            String source = segments.get(0).source();
            call(() -> s3.copyObject(c -> c.sourceBucket(bucket).sourceKey(source).destinationBucket(bucket).destinationKey(target)));
            return;
        }
        long partSize = partSize(total);
        if (total <= partSize) {
            call(() -> s3.putObject(p -> p.bucket(bucket).key(target),
                    RequestBody.fromContentProvider(() -> open(segments), total, "application/octet-stream")));
            return;
        }
        String uploadId = call(() -> s3.createMultipartUpload(c -> c.bucket(bucket).key(target))).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            List<Segment> run = new ArrayList<>();
            long runBytes = 0;
            for (Segment s : segments) {
                long offset = s.offset();
                long left = s.length();
                while (left > 0) {
                    if (runBytes == 0 && s.source() != null && left >= partSize) {
                        long n = Math.min(left, COPY_PART);
                        copyPart(target, uploadId, parts, s.source(), offset, n);
                        offset += n;
                        left -= n;
                        continue;
                    }
                    long n = Math.min(left, partSize - runBytes);
                    run.add(new Segment(s.source(), offset, n));
                    runBytes += n;
                    offset += n;
                    left -= n;
                    if (runBytes == partSize) {
                        uploadPart(target, uploadId, parts, run, runBytes);
                        run = new ArrayList<>();
                        runBytes = 0;
                    }
                }
            }
            if (runBytes > 0) uploadPart(target, uploadId, parts, run, runBytes);
            call(() -> s3.completeMultipartUpload(c -> c.bucket(bucket).key(target).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())));
        } catch (IOException | RuntimeException e) {
            abort(target, uploadId);
            throw e;
        }
    }

    /** Parts of at least 8 MiB, and larger for a file that would need more than 9,000 of them (S3 allows 10,000). */
    static long partSize(long total) {
        return Math.max(BUFFER, (total + 8_999) / 9_000);
    }

    private void copyPart(String target, String uploadId, List<CompletedPart> parts, String source, long offset, long length) throws IOException {
        int number = parts.size() + 1;
        String etag = call(() -> s3.uploadPartCopy(u -> u.sourceBucket(bucket).sourceKey(source).destinationBucket(bucket).destinationKey(target)
                .uploadId(uploadId).partNumber(number).copySourceRange("bytes=" + offset + "-" + (offset + length - 1)))).copyPartResult().eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
    }

    private void uploadPart(String target, String uploadId, List<CompletedPart> parts, List<Segment> run, long length) throws IOException {
        int number = parts.size() + 1;
        List<Segment> segments = List.copyOf(run);
        String etag = call(() -> s3.uploadPart(u -> u.bucket(bucket).key(target).uploadId(uploadId).partNumber(number),
                RequestBody.fromContentProvider(() -> open(segments), length, "application/octet-stream"))).eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
    }

    // ---- reading ----

    @Override
    public InputStream read(StorageKey key, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("negative offset or length");
        String objectKey = object(key);
        if (length > 0) {
            long last = offset + length - 1 < offset ? Long.MAX_VALUE : offset + length - 1;
            try {
                return new Body(s3.getObject(g -> g.bucket(bucket).key(objectKey)
                        .range(last == Long.MAX_VALUE ? "bytes=" + offset + "-" : "bytes=" + offset + "-" + last)));
            } catch (NoSuchKeyException e) {
                return readPieces(key, objectKey, offset, length);
            } catch (S3Exception e) {
                if (e.statusCode() != 416) throw failure(e);
                // the range starts at or past the end: an empty stream at the end, else a mistake (below)
            } catch (SdkException e) {
                throw failure(e);
            }
        }
        Long size = headSize(objectKey);
        if (size == null) return readPieces(key, objectKey, offset, length);
        if (offset > size) throw new IllegalArgumentException("offset " + offset + " is past the end (" + size + ")");
        return InputStream.nullInputStream();
    }

    /** A range of a part's pieces; reading from a piece's offset lists only the pieces of the range. */
    private InputStream readPieces(StorageKey key, String objectKey, long offset, long length) throws IOException {
        long end = offset + length < offset ? Long.MAX_VALUE : offset + length;
        List<Piece> pieces = pieces(objectKey, offset, end);
        if (offset > 0 && (pieces.isEmpty() || pieces.get(0).offset() != offset || pieces.get(0).size() == 0)) {
            pieces = pieces(objectKey, 0, end); // a piece before the offset may run into the range
        }
        if (pieces.isEmpty()) throw new NoSuchFileException(key.toString());
        boolean more = pieces.get(pieces.size() - 1).offset() >= end;
        List<Piece> within = more ? pieces.subList(0, pieces.size() - 1) : pieces;
        long size = more ? end : size(pieces);
        if (offset > size) throw new IllegalArgumentException("offset " + offset + " is past the end (" + size + ")");
        return open(segments(within, offset, Math.min(end, size)));
    }

    @Override
    public Optional<Path> localPath(StorageKey key) {
        return Optional.empty();
    }

    @Override
    public Stored digest(StorageKey key) throws IOException {
        MessageDigest md5 = md5();
        long size = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = read(key)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                md5.update(buffer, 0, n);
                size += n;
            }
        }
        return new Stored(size, HexFormat.of().formatHex(md5.digest()));
    }

    @Override
    public long size(StorageKey key) throws IOException {
        String objectKey = object(key);
        Long size = headSize(objectKey);
        if (size != null) return size;
        List<Piece> pieces = pieces(objectKey);
        if (pieces.isEmpty()) throw new NoSuchFileException(key.toString());
        return size(pieces);
    }

    @Override
    public boolean exists(StorageKey key) throws IOException {
        String objectKey = object(key);
        return headSize(objectKey) != null
                || !call(() -> s3.listObjectsV2(l -> l.bucket(bucket).prefix(objectKey + PIECES).maxKeys(1))).contents().isEmpty();
    }

    // ---- deleting and listing ----

    @Override
    public boolean delete(StorageKey key) throws IOException {
        String objectKey = object(key);
        List<String> found = new ArrayList<>();
        for (S3Object o : listing(objectKey, null)) {
            String k = o.key();
            if (k.endsWith("/")) continue; // a folder of a store on a file system (s3proxy's), no object of Flow's
            if (k.equals(objectKey) || k.startsWith(objectKey + PIECES) || (key.name().isEmpty() && k.startsWith(objectKey + CHILDREN))) {
                found.add(k);
            }
        }
        deleteAll(found);
        return !found.isEmpty();
    }

    /**
     * Deletes objects 1,000 at a time (DeleteObjects), or one by one on a server that does not take DeleteObjects'
     * checksum headers (s3proxy answers 501 Not Implemented).
     */
    private void deleteAll(List<String> keys) throws IOException {
        for (int from = 0; from < keys.size(); from += 1000) {
            List<String> batch = keys.subList(from, Math.min(keys.size(), from + 1000));
            if (!batchDeletes) {
                for (String k : batch) call(() -> s3.deleteObject(d -> d.bucket(bucket).key(k)));
                continue;
            }
            List<ObjectIdentifier> objects = batch.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            try {
                var answer = s3.deleteObjects(d -> d.bucket(bucket).delete(Delete.builder().objects(objects).quiet(true).build()));
                if (answer.hasErrors() && !answer.errors().isEmpty()) {
                    throw new IOException("S3 did not delete " + answer.errors().get(0).key() + ": " + answer.errors().get(0).message());
                }
            } catch (S3Exception e) {
                if (e.statusCode() != 501) throw failure(e);
                batchDeletes = false;
                from -= 1000; // this batch again, one by one
            } catch (SdkException e) {
                throw failure(e);
            }
        }
    }

    @Override
    public Stream<Entry> list(String kind) throws IOException {
        if (!StorageKey.isSegment(kind)) throw new IllegalArgumentException("not a storage kind: " + kind);
        Iterator<S3Object> objects = listing(kind + "/", null).iterator();
        // A part's pieces follow one another in the listing: they are gathered into the part's one entry.
        Iterator<Entry> entries = new Iterator<>() {
            S3Object pending;
            Entry next;

            @Override
            public boolean hasNext() {
                while (next == null && (pending != null || objects.hasNext())) next = gather();
                return next != null;
            }

            @Override
            public Entry next() {
                if (!hasNext()) throw new NoSuchElementException();
                Entry e = next;
                next = null;
                return e;
            }

            private Entry gather() {
                S3Object first = pending != null ? pending : objects.next();
                pending = null;
                Named named = named(kind, first.key());
                if (named == null) return null;
                if (named.pieceOffset() == null) return new Entry(named.key(), first.size(), first.lastModified());
                List<Piece> pieces = new ArrayList<>();
                pieces.add(new Piece(first.key(), named.pieceOffset(), first.size()));
                Instant modified = first.lastModified();
                while (objects.hasNext()) {
                    S3Object o = objects.next();
                    Named n = named(kind, o.key());
                    if (n == null || n.pieceOffset() == null || !n.key().equals(named.key())) {
                        pending = o;
                        break;
                    }
                    pieces.add(new Piece(o.key(), n.pieceOffset(), o.size()));
                    if (o.lastModified().isAfter(modified)) modified = o.lastModified();
                }
                return new Entry(named.key(), size(pieces), modified);
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(entries, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** The key an object stands for (and its offset when it is a piece); null for an object Flow did not write. */
    private record Named(StorageKey key, Long pieceOffset) {}

    private static Named named(String kind, String objectKey) {
        String[] path = objectKey.substring(kind.length() + 1).split("/", -1);
        if (path.length < 3 || path.length > 5) return null;
        String shard = path[0] + "/" + path[1];
        String id = path[2];
        String name = null;
        Long offset = null;
        int next = 3;
        if (id.endsWith(".d") && path.length >= 4) {
            id = id.substring(0, id.length() - 2);
            name = path[3];
            next = 4;
        }
        String last = name != null ? name : id;
        if (path.length == next + 1) {
            if (!last.endsWith(".pieces") || path[next].length() != OFFSET_DIGITS || !path[next].chars().allMatch(Character::isDigit)) return null;
            offset = Long.valueOf(path[next]);
            last = last.substring(0, last.length() - ".pieces".length());
            if (name != null) name = last;
            else id = last;
        } else if (path.length != next) {
            return null;
        }
        if (!StorageKey.isSegment(id) || (name != null && !StorageKey.isSegment(name))) return null;
        StorageKey key = StorageKey.of(kind, id, name);
        return key.shard().equals(shard) ? new Named(key, offset) : null;
    }

    @Override
    public int removeAbandonedWrites(Duration age) throws IOException {
        Instant before = Instant.now().minus(age);
        int removed = 0;
        for (MultipartUpload u : call(() -> s3.listMultipartUploadsPaginator(l -> l.bucket(bucket)).uploads())) {
            if (u.initiated() != null && u.initiated().isBefore(before)) {
                call(() -> s3.abortMultipartUpload(a -> a.bucket(bucket).key(u.key()).uploadId(u.uploadId())));
                removed++;
            }
        }
        return removed;
    }

    // ---- pieces and segments ----

    /** A piece of a part: its object, offset in the part and size. */
    private record Piece(String objectKey, long offset, long size) {
        long end() {
            return offset + size;
        }
    }

    /** {@code length} bytes of an object from {@code offset}; a null source is zeros. */
    private record Segment(String source, long offset, long length) {}

    private static String pieceKey(String objectKey, long offset) {
        return objectKey + PIECES + String.format("%0" + OFFSET_DIGITS + "d", offset);
    }

    /**
     * The pieces of a part in offset order from the one at {@code from} on (every one when {@code from} is 0), up to
     * the first that starts at {@code until} or later (included), so that a read of a range lists only the pages it needs.
     */
    private List<Piece> pieces(String objectKey, long from, long until) throws IOException {
        String prefix = objectKey + PIECES;
        List<Piece> pieces = new ArrayList<>();
        for (S3Object o : listing(prefix, from == 0 ? null : pieceKey(objectKey, from - 1))) {
            String digits = o.key().substring(prefix.length());
            if (digits.length() != OFFSET_DIGITS || !digits.chars().allMatch(Character::isDigit)) continue;
            Piece p = new Piece(o.key(), Long.parseLong(digits), o.size());
            pieces.add(p);
            if (p.offset() >= until) break;
        }
        return pieces;
    }

    private List<Piece> pieces(String objectKey) throws IOException {
        return pieces(objectKey, 0, Long.MAX_VALUE);
    }

    private ListObjectsV2Request request(String prefix, String startAfter) {
        return ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).startAfter(startAfter).build();
    }

    private Iterable<S3Object> listing(String prefix, String startAfter) throws IOException {
        Iterable<S3Object> objects = call(() -> s3.listObjectsV2Paginator(request(prefix, startAfter)).contents());
        return () -> {
            Iterator<S3Object> i = objects.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    try {
                        return i.hasNext();
                    } catch (SdkException e) {
                        throw new UncheckedIOException(failure(e));
                    }
                }

                @Override
                public S3Object next() {
                    return i.next();
                }
            };
        };
    }

    /** Where a part's bytes end: where its last piece that holds any ends (each piece ends where the next starts). */
    private static long size(List<Piece> pieces) {
        for (int i = pieces.size() - 1; i >= 0; i--) {
            if (pieces.get(i).size() > 0) return pieces.get(i).end();
        }
        return 0;
    }

    /** The part's bytes from {@code from} to {@code to} as ranges of its pieces (in offset order) and zeros between them. */
    private static List<Segment> segments(List<Piece> pieces, long from, long to) {
        List<Piece> holding = pieces.stream().filter(p -> p.size() > 0).toList();
        if (to == Long.MAX_VALUE) to = size(holding);
        List<Segment> segments = new ArrayList<>();
        long at = from;
        for (int i = 0; i < holding.size() && at < to; i++) {
            Piece p = holding.get(i);
            long end = Math.min(to, i + 1 < holding.size() ? Math.min(p.end(), holding.get(i + 1).offset()) : p.end());
            if (end <= at) continue;
            if (p.offset() > at) {
                segments.add(new Segment(null, 0, Math.min(p.offset(), to) - at));
                at = Math.min(p.offset(), to);
                if (at >= to) break;
            }
            segments.add(new Segment(p.objectKey(), at - p.offset(), end - at));
            at = end;
        }
        if (at < to) segments.add(new Segment(null, 0, to - at));
        return segments;
    }

    /** The bytes of the segments, each object range requested when the stream reaches it. */
    private InputStream open(List<Segment> segments) {
        return new Segments(segments);
    }

    /** One segment after the other; a range of an object is requested when the stream reaches it, never before. */
    private final class Segments extends InputStream {
        private final Iterator<Segment> next;
        private InputStream current = InputStream.nullInputStream();

        Segments(List<Segment> segments) {
            this.next = List.copyOf(segments).iterator();
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
            while (true) {
                int n = current.read(b, off, len);
                if (n >= 0) return n;
                current.close();
                if (!next.hasNext()) return -1;
                Segment s = next.next();
                current = s.source() == null ? new Zeros(s.length())
                        : new Body(call(() -> s3.getObject(g -> g.bucket(bucket).key(s.source())
                                .range("bytes=" + s.offset() + "-" + (s.offset() + s.length() - 1)))));
            }
        }

        @Override
        public void close() throws IOException {
            current.close();
        }
    }

    // ---- plumbing ----

    /** An object's size, or null when there is no such object. */
    private Long headSize(String objectKey) throws IOException {
        try {
            return s3.headObject(h -> h.bucket(bucket).key(objectKey)).contentLength();
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return null;
            throw failure(e);
        } catch (SdkException e) {
            throw failure(e);
        }
    }

    /** The object name of a key: LocalStorage's relative path. */
    static String object(StorageKey key) {
        String record = key.kind() + "/" + key.shard() + "/" + key.id();
        return key.name().map(name -> record + CHILDREN + name).orElse(record);
    }

    private static <T> T call(Callable<T> request) throws IOException {
        try {
            return request.call();
        } catch (SdkException e) {
            throw failure(e);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /**
     * What a failed request means to Flow: an IOException (the callers' kind of failure) naming S3's answer;
     * a full bucket (507, or a provider's quota) is a {@link StorageFullException}.
     */
    private static IOException failure(SdkException e) {
        if (e.getCause() instanceof IOException io && !(e instanceof S3Exception)) {
            if (io instanceof TooLargeException || io instanceof StorageFullException) return io;
        }
        if (e instanceof S3Exception s) {
            String code = s.awsErrorDetails() == null ? "" : String.valueOf(s.awsErrorDetails().errorCode());
            if (s.statusCode() == 507 || code.contains("QuotaExceeded") || code.contains("StorageFull")) {
                return new StorageFullException("S3 storage is full: " + s.getMessage(), s);
            }
        }
        return new IOException("S3 (" + e.getClass().getSimpleName() + "): " + e.getMessage(), e);
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has MD5", e);
        }
    }

    /** An object's bytes as they arrive; closed before its end, the connection is dropped rather than read to the end. */
    private static final class Body extends InputStream {
        private final ResponseInputStream<GetObjectResponse> in;
        private boolean ended;

        Body(ResponseInputStream<GetObjectResponse> in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b < 0) ended = true;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) ended = true;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (!ended) in.abort();
            in.close();
        }
    }

    /** {@code length} zero bytes: a range of a part no piece was written to. */
    private static final class Zeros extends InputStream {
        private long left;

        Zeros(long length) {
            this.left = length;
        }

        @Override
        public int read() {
            if (left == 0) return -1;
            left--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) return 0;
            if (left == 0) return -1;
            int n = (int) Math.min(len, left);
            Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }

    /** A stream that must hold exactly {@code length} bytes: ending sooner is a failure, not a short piece. */
    private static final class ExactStream extends InputStream {
        private final InputStream in;
        private final long length;
        private long read;

        ExactStream(InputStream in, long length) {
            this.in = in;
            this.length = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (read == length) return -1;
            int n = in.read(b, off, (int) Math.min(len, length - read));
            if (n < 0) throw new IOException("the piece ended after " + read + " of its " + length + " bytes");
            read += n;
            return n;
        }
    }
}
