package bio.flow.http;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * HEAD answers what GET would, without the body: the same status (401 without a token, 404 for what the caller may
 * not read, as for what does not exist) and headers. Sent raw: the contract describes HEAD only where it matters
 * (downloads), and a HEAD answer has no error body to check.
 */
class HeadRequestsTest {
    private static final TestServer server = TestServer.shared();
    private static final HttpClient http = HttpClient.newHttpClient();

    private static HttpResponse<byte[]> send(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void headIsGetWithoutTheBody() throws Exception {
        Account owner = Users.signUp(server, "head");
        Account stranger = Users.signUp(server, "headless");
        long data = Fixtures.data(owner, null);

        assertThat(send("HEAD", "/me", null).statusCode()).isEqualTo(401);
        assertThat(send("HEAD", "/data/" + data, stranger.token()).statusCode()).isEqualTo(404);
        assertThat(send("HEAD", "/data/999999999", stranger.token()).statusCode()).isEqualTo(404);

        for (String path : new String[] {"/me", "/data/" + data, "/ping"}) {
            HttpResponse<byte[]> get = send("GET", path, owner.token());
            HttpResponse<byte[]> head = send("HEAD", path, owner.token());
            assertThat(head.statusCode()).as(path).isEqualTo(get.statusCode()).isEqualTo(200);
            assertThat(head.body()).as(path).isEmpty();
            assertThat(head.headers().firstValue("Content-Type")).as(path).isEqualTo(get.headers().firstValue("Content-Type"));
        }
    }
}
