package bio.flow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FLOW_S3_PRESIGNED_DOWNLOADS, FLOW_S3_PRESIGN_SECONDS and FLOW_S3_PUBLIC_ENDPOINT: off by default, bounded, never ignored. */
class PresignedDownloadSettingsTest {
    private static Config config(Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(Map.of("FLOW_DATA_DIR", "/srv/flow-data", "FLOW_STORAGE", "s3", "FLOW_S3_BUCKET", "flow",
                "FLOW_S3_ENDPOINT", "http://minio.internal:9000"));
        env.putAll(settings);
        return Config.fromMap(env);
    }

    @Test
    void offByDefault() {
        assertThat(config(Map.of()).storageS3().presignedDownloads()).isNull();
        assertThat(config(Map.of("FLOW_S3_PRESIGNED_DOWNLOADS", "false")).storageS3().presignedDownloads()).isNull();
    }

    @Test
    void onTheUrlsAreOfFlowsEndpointForFiveMinutesUnlessSaidOtherwise() {
        Config.PresignedDownloads on = config(Map.of("FLOW_S3_PRESIGNED_DOWNLOADS", "true")).storageS3().presignedDownloads();
        assertThat(on.endpoint()).isEqualTo(URI.create("http://minio.internal:9000"));
        assertThat(on.expiry()).isEqualTo(Duration.ofMinutes(5));

        Config.PresignedDownloads set = config(Map.of("FLOW_S3_PRESIGNED_DOWNLOADS", "true", "FLOW_S3_PRESIGN_SECONDS", "60",
                "FLOW_S3_PUBLIC_ENDPOINT", "https://s3.lab.example.org")).storageS3().presignedDownloads();
        assertThat(set.endpoint()).isEqualTo(URI.create("https://s3.lab.example.org"));
        assertThat(set.expiry()).isEqualTo(Duration.ofSeconds(60));

        Map<String, String> aws = new HashMap<>(Map.of("FLOW_S3_PRESIGNED_DOWNLOADS", "true"));
        aws.put("FLOW_S3_ENDPOINT", "");
        assertThat(config(aws).storageS3().presignedDownloads().endpoint()).as("AWS's own, from the region").isNull();
        assertThat(config(Map.of("FLOW_S3_PRESIGNED_DOWNLOADS", "true", "FLOW_S3_PRESIGN_SECONDS", "604800")).storageS3()
                .presignedDownloads().expiry()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void wrongOrIdleSettingsStopTheStart() {
        for (String seconds : new String[] {"0", "-5", "604801"}) {
            assertThatThrownBy(() -> config(Map.of("FLOW_S3_PRESIGNED_DOWNLOADS", "true", "FLOW_S3_PRESIGN_SECONDS", seconds)).storageS3())
                    .isInstanceOf(Config.ConfigException.class).hasMessageContaining("FLOW_S3_PRESIGN_SECONDS must be 1 to 604800");
        }
        assertThatThrownBy(() -> config(Map.of("FLOW_S3_PRESIGNED_DOWNLOADS", "true", "FLOW_S3_PRESIGN_SECONDS", "5m")).storageS3())
                .isInstanceOf(Config.ConfigException.class).hasMessageContaining("whole number");
        assertThatThrownBy(() -> config(Map.of("FLOW_S3_PRESIGNED_DOWNLOADS", "yes please")).storageS3())
                .isInstanceOf(Config.ConfigException.class).hasMessageContaining("true or false");
        assertThatThrownBy(() -> config(Map.of("FLOW_S3_PRESIGNED_DOWNLOADS", "true", "FLOW_S3_PUBLIC_ENDPOINT", "s3.lab.example.org")).storageS3())
                .isInstanceOf(Config.ConfigException.class).hasMessageContaining("FLOW_S3_PUBLIC_ENDPOINT must be an http or https URL");
        // set without presigned downloads, they would do nothing
        assertThatThrownBy(() -> config(Map.of("FLOW_S3_PRESIGN_SECONDS", "60")).storageS3()).isInstanceOf(Config.ConfigException.class)
                .hasMessageContaining("FLOW_S3_PRESIGN_SECONDS is set but FLOW_S3_PRESIGNED_DOWNLOADS is not true");
        assertThatThrownBy(() -> config(Map.of("FLOW_S3_PUBLIC_ENDPOINT", "https://s3.lab.example.org")).storageS3())
                .isInstanceOf(Config.ConfigException.class).hasMessageContaining("FLOW_S3_PUBLIC_ENDPOINT is set but FLOW_S3_PRESIGNED_DOWNLOADS is not true");
        // local storage keeps its files to itself: an S3 setting there is a mistake
        assertThatThrownBy(() -> Config.fromMap(Map.of("FLOW_DATA_DIR", "/srv/flow-data", "FLOW_S3_PRESIGNED_DOWNLOADS", "true")).storage())
                .isInstanceOf(Config.ConfigException.class).hasMessageContaining("FLOW_S3_PRESIGNED_DOWNLOADS is set but FLOW_STORAGE is local");
    }
}
