package bio.flow.storage;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.S3Server;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
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
    void anUnreachableBucketIsUnhealthy() throws IOException {
        S3Storage missing = S3Storage.connect(new S3Storage.Settings(server.endpoint(), "us-east-1", "no-such-bucket-" + UUID.randomUUID(),
                S3Server.KEY_ID, S3Server.SECRET, true, null));
        assertThat(missing.health().writable()).isFalse();
        assertThat(storage.localPath(StorageKey.of("data", 1))).isEmpty();
    }
}
