package bio.flow.testing;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes accounts for tests, each with a unique name, signed in on its own client. */
public final class Users {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    public static final String PASSWORD = "a-good-password-1";

    private Users() {}

    public record Account(long id, String username, String email, Api api) {
        public String token() {
            return api.token();
        }
    }

    public static String uniqueName(String prefix) {
        return prefix + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36) + COUNTER.incrementAndGet();
    }

    /** Signs up a new user on the server and returns it signed in. */
    public static Account signUp(TestServer server, String prefix) {
        String username = uniqueName(prefix);
        String email = username + "@example.org";
        Api api = server.client();
        Api.Res r = api.post("/signup", Map.of("username", username, "email", email, "password", PASSWORD,
                "first_name", "Test", "last_name", prefix));
        if (r.status() != 201) throw new AssertionError("signup failed: " + r);
        api.as(r.json().path("access_token").asText());
        return new Account(r.json().path("user").path("id").asLong(), username, email, api);
    }

    /** The admin configured by {@link TestServer}, signed in. */
    public static Account admin(TestServer server) {
        Api api = server.client();
        Api.Res r = api.post("/login", Map.of("username", TestServer.ADMIN_USERNAME, "password", TestServer.ADMIN_PASSWORD));
        if (r.status() != 200) throw new AssertionError("admin login failed: " + r);
        api.as(r.json().path("access_token").asText());
        return new Account(r.json().path("user").path("id").asLong(), TestServer.ADMIN_USERNAME, "admin@flow.test", api);
    }
}
