package bio.flow.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GET /dau on a server of its own, so that every active user is one this test made. */
class DauTest {
    private static JsonNode dau(Users.Account admin) {
        Api.Res r = admin.api().get("/dau");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    @Test
    void activeUsersAreCountedOncePerDayForAdministratorsOnly() {
        try (TestServer server = TestServer.start(Map.of())) {
            Users.Account admin = Users.admin(server);
            JsonNode first = dau(admin);
            String today = server.jdbi().withHandle(h -> h.createQuery("SELECT CAST((now() AT TIME ZONE 'UTC')::date AS text)").mapTo(String.class).one());
            assertThat(first.path("date").asText()).isEqualTo(today);
            assertThat(first.path("daily_active_users").asLong()).isEqualTo(1);
            assertThat(first.path("new_users_today").asLong()).as("the admin made at start").isEqualTo(1);
            assertThat(first.path("trends").path("dau_change_percent").isNull()).as("nobody was active yesterday").isTrue();

            Users.Account user = Users.signUp(server, "dau");
            Users.Account idle = Users.signUp(server, "dauidle"); // signs up, makes no signed-in request
            assertThat(user.api().get("/dau").status()).isEqualTo(403);
            assertThat(server.client().get("/dau").status()).isEqualTo(401);
            for (int i = 0; i < 3; i++) assertThat(user.api().get("/me").status()).isEqualTo(200);

            JsonNode now = dau(admin);
            assertThat(now.path("daily_active_users").asLong()).isEqualTo(2);
            assertThat(now.path("weekly_active_users").asLong()).isEqualTo(2);
            assertThat(now.path("monthly_active_users").asLong()).isEqualTo(2);
            assertThat(now.path("new_users_today").asLong()).isEqualTo(3);

            // Earlier days: all three yesterday, idle also 10 and 40 days ago.
            String day = "(now() AT TIME ZONE 'UTC')::date - ";
            for (long id : new long[] {admin.id(), user.id(), idle.id()}) {
                server.sql("INSERT INTO user_activity_days (day, user_id) VALUES (" + day + "1, " + id + ")");
            }
            server.sql("INSERT INTO user_activity_days (day, user_id) VALUES (" + day + "10, " + idle.id() + "), (" + day + "40, " + idle.id() + ")");
            JsonNode trends = dau(admin);
            assertThat(trends.path("daily_active_users").asLong()).isEqualTo(2);
            assertThat(trends.path("weekly_active_users").asLong()).isEqualTo(3);
            assertThat(trends.path("monthly_active_users").asLong()).isEqualTo(3);
            assertThat(trends.path("trends").path("dau_change_percent").asDouble()).isEqualTo(-33.3); // 2 against 3
            assertThat(trends.path("trends").path("wau_change_percent").asDouble()).isEqualTo(200.0); // 3 against 1
            assertThat(trends.path("trends").path("mau_change_percent").asDouble()).isEqualTo(200.0); // 3 against 1

            // A user already recorded today is not written again: their row, removed, stays gone however much they ask.
            server.sql("DELETE FROM user_activity_days WHERE day = (now() AT TIME ZONE 'UTC')::date AND user_id = " + user.id());
            for (int i = 0; i < 3; i++) assertThat(user.api().get("/me").status()).isEqualTo(200);
            assertThat(server.queryLong("SELECT count(*) FROM user_activity_days WHERE user_id = " + user.id() + " AND day = "
                    + "(now() AT TIME ZONE 'UTC')::date")).isZero();
        }
    }
}
