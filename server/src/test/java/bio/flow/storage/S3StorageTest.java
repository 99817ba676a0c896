package bio.flow.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.testing.S3Server;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;

/** S3Storage on a bucket of its own of an S3-compatible server (s3proxy): the storage contract, and S3's own matters. */
class S3StorageTest extends StorageContract {
    private final S3Server server = S3Server.shared();
    private final String bucket = server.bucket("contract");
    private final S3Client client = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.US_EAST_1)
            .endpointOverride(server.endpoint()).forcePathStyle(true)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Server.KEY_ID, S3Server.SECRET)))
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).addPlugin(LegacyMd5Plugin.create()).build();
    private final S3Storage storage = S3Storage.connect(new S3Storage.Settings(server.endpoint(), "us-east-1", bucket, S3Server.KEY_ID,
            S3Server.SECRET, true, null));

    @Override
    Storage storage() {
        return storage;
    }

    @Override
    void nothingLeftBehind() {
        assertThat(client.listMultipartUploads(l -> l.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void theObjectsAreNamedAsLocalStorageNamesItsFiles() throws Exception {
        storage.write(StorageKey.of("data", 123), new ByteArrayInputStream(new byte[3]), 3);
        StorageKey upload = StorageKey.of("uploads", UUID.fromString("1b4e28ba-2fa1-11d2-883f-0016d3cca427"));
        storage.writeAt(upload.child("part"), 5, new ByteArrayInputStream(new byte[5]), 100);
        assertThat(client.listObjectsV2(l -> l.bucket(bucket)).contents()).extracting(o -> o.key()).filteredOn(k -> !k.endsWith("/")) // s3proxy's folders
                .containsExactlyInAnyOrder("data/c0/15/123", "uploads/ba/f6/" + upload.id() + ".d/part.pieces/0000000000000000005");
    }

    @Test
    void whatFlowDidNotWriteIsNotListed() throws Exception {
        storage.write(StorageKey.of("data", 1), new ByteArrayInputStream(new byte[1]), 1);
        for (String stray : new String[] {"data/stray", "data/c0/15/123.d/Bad.Name", "data/c0/15/99", "data/c0/15/123.pieces/12", "other/x"}) {
            client.putObject(p -> p.bucket(bucket).key(stray), software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
        }
        try (var data = storage.list("data")) {
            assertThat(data.map(e -> e.key().toString())).containsExactly("data/1");
        }
    }

    @Test
    void abandonedMultipartUploadsAreAbortedOnceOld() throws Exception {
        client.createMultipartUpload(c -> c.bucket(bucket).key("data/c0/15/123"));
        assertThat(storage.removeAbandonedWrites(Duration.ofHours(1))).isZero();
        // "older than minus a minute": every upload begun until now
        assertThat(storage.removeAbandonedWrites(Duration.ofMinutes(-1))).isEqualTo(1);
        nothingLeftBehind();
    }

    @Test
    void aBucketHasNoFreeSpaceToTellAndNoDownloadLinkUnlessPresigningIsOn() throws IOException {
        assertThat(storage.freeBytes()).isEmpty();
        assertThat(storage.health().availableBytes()).isEmpty();
        storage.write(StorageKey.of("data", 5), new ByteArrayInputStream(new byte[5]), 5);
        assertThat(storage.downloadLink(StorageKey.of("data", 5), "application/octet-stream", "attachment")).isEmpty();
    }

    /**
     * A provider's quota, the only bound a bucket has, is a full storage, as a full disk is: Ceph's QuotaExceeded (403),
     * MinIO's bucket quota (400) and full drives (507), answered by a stand-in for S3 on this machine. Refused
     * credentials are not.
     */
    @Test
    void aProvidersQuotaIsAFullStorage() throws Exception {
        record Refusal(int status, String code) {}
        for (Refusal r : List.of(new Refusal(403, "QuotaExceeded"), new Refusal(400, "XMinioAdminBucketQuotaExceeded"),
                new Refusal(507, "XMinioStorageFull"), new Refusal(403, "AccessDenied"))) {
            HttpServer fake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            fake.createContext("/", exchange -> {
                // HEAD of an object: none there; any write: the refusal
                byte[] body = exchange.getRequestMethod().equals("PUT")
                        ? ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + r.code() + "</Code><Message>refused</Message></Error>")
                        .getBytes(StandardCharsets.UTF_8) : new byte[0];
                int status = exchange.getRequestMethod().equals("PUT") ? r.status() : 404;
                exchange.getResponseHeaders().set("Content-Type", "application/xml");
                exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            fake.start();
            try {
                S3Storage quota = S3Storage.connect(new S3Storage.Settings(URI.create("http://127.0.0.1:" + fake.getAddress().getPort()), "us-east-1",
                        "full", S3Server.KEY_ID, S3Server.SECRET, true, null));
                var write = assertThatThrownBy(() -> quota.write(StorageKey.of("data", 1), new ByteArrayInputStream(new byte[10]), 100)).as(r.code());
                var piece = assertThatThrownBy(() -> quota.writeAt(StorageKey.of("uploads", UUID.randomUUID()).child("part"), 0,
                        new ByteArrayInputStream(new byte[10]), 100)).as(r.code());
                if (r.code().equals("AccessDenied")) {
                    write.isInstanceOf(IOException.class).isNotInstanceOf(StorageFullException.class);
                    piece.isInstanceOf(IOException.class).isNotInstanceOf(StorageFullException.class);
                } else {
                    write.isInstanceOf(StorageFullException.class).hasMessageContaining("S3 storage is full");
                    piece.isInstanceOf(StorageFullException.class);
                }
            } finally {
                fake.stop(0);
            }
        }
    }

    @Test
    void anUnreachableBucketIsUnhealthy() throws IOException {
        S3Storage missing = S3Storage.connect(new S3Storage.Settings(server.endpoint(), "us-east-1", "no-such-bucket-" + UUID.randomUUID(),
                S3Server.KEY_ID, S3Server.SECRET, true, null));
        assertThat(missing.health().writable()).isFalse();
        assertThat(storage.localPath(StorageKey.of("data", 1))).isEmpty();
    }
}
