package bio.flow.health;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.TestServer;
import org.junit.jupiter.api.Test;

class HealthTest {
    private final TestServer server = TestServer.shared();

    @Test
    void pingAnswersPong() {
        Api.Res r = server.client().get("/ping");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("pong");
    }

    @Test
    void healthReportsDatabaseAndStorage() {
        Api.Res r = server.client().get("/health");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("status").asText()).isIn("healthy", "degraded");
        assertThat(r.json().path("version").asText()).isNotBlank();
        assertThat(r.json().path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(r.json().path("services").path("database").path("status").asText()).isEqualTo("healthy");
        assertThat(r.json().path("services").path("database").path("latency_ms").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(r.json().path("services").path("storage").path("available_gb").asDouble()).isGreaterThan(0);
        assertThat(r.json().at("/services/integrity/status").asText()).isIn("healthy", "degraded");
        assertThat(r.json().at("/services/integrity").has("last_verification")).isTrue();
    }
}
