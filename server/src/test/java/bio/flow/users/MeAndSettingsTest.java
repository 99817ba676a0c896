package bio.flow.users;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Outbox;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeAndSettingsTest {
    // Made with ssh-keygen; the fingerprints are what `ssh-keygen -lf` printed for them.
    static final String ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN3HrwHnLEscqlkygzQeIa3dio6pZJRw3eAWjuOgCYG8 alice@lab";
    static final String ED25519_FP = "SHA256:XOhHBqm8y3QTcXdcVASWx3YoefxuJ8Y1bmYjR3LMa8w";
    static final String ECDSA384 = "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBKy2K0s7Za0yQ/Yk9bi7SIudZJtRFz1A5Mz3n14gpkGDZ2h6s2kNB9Udp6fD2fpKunrHnGuSkP7QusYRyULZ/HIXKwmxduYjyuilBmQq1m0e5qW0T8+yP/axFMV0+W6jVA== root@vm";
    static final String ECDSA384_FP = "SHA256:OfUaw3cGqwQtCL9up+ooRx9rKcvxL3e1EGGz6dIfDJM";
    static final String RSA3072 = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQCyWDl6z4C+Gm/yoFz6xyPMRqldrbYUAUzT5hdK/Z5hG4V752JQkZPiEXPJk5feakRmI1HJB40274T1RjfuZm9Rsg1xUv2jnpvvzXrprzsezBULtgcImv7fSXD3UqzFScvCfuHhH8EiBBcbRT+Cc8ypom7qIsf+psW1FckBIcB9DZ5dSevN6kOP+Z2lrva6QM701eyclk7RWccZl2JPwMFYjx+20dWJRCkzV21Gg6TSR/wNq0wzvZ+RQdJEo6PJIzPKFIN+JxppQG2CFaCHl1OqgRefaiPK8QcJoWG0i8fnrxbX1ryt0Ku5Vf/aoBvFUo69VBHJZJRzRPaxcHybTWJW5t9tC6sQiYrGqo9uArMOKUx//kcvVwu0lLvc7lPjy9TV2UefDellTcX6wk6+SV7JfBNaL0BbnH4HNBxaYWbW9BXyJkDSctnr/kY9BZyqEGC0X18Sy8yS8ZHhMHJUU77gNNX5y1o2mCKVTlxyxHFSj2SsLGGfvyFI/3Tl8E0rMXs= r";
    static final String RSA3072_FP = "SHA256:NTlznYmTO6n3OcWN+uD3VHIGbsUfY83CO260J7cqnQw";
    static final String RSA1024 = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDElwav4K+wqG9uDH1QNw/s8d5bqq3UBVAj24gQCFFyWHjwtrbY7cn/+2soaweubwqMVXly4vqlijiJv4es2Kh4n+sMI97bSCv15RnR1d1CK+7FPvrQFkXW2vZSaJo7/ax85jA4+cLLTIuYZClmh6m6V2MpxFcvfOtDTAwnpqaHbw== root@vm";

    private final TestServer server = TestServer.shared();

    @Test
    void meHasTheReferenceFields() {
        Users.Account a = Users.signUp(server, "me");
        Api.Res r = a.api().get("/me");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("id").asLong()).isEqualTo(a.id());
        assertThat(r.json().path("username").asText()).isEqualTo(a.username());
        assertThat(r.json().path("email").asText()).isEqualTo(a.email());
        assertThat(r.json().path("first_name").asText()).isEqualTo("Test");
        assertThat(r.json().path("last_name").asText()).isEqualTo("me");
        assertThat(r.json().path("groups").isArray()).isTrue();
        assertThat(r.json().path("can_run_pipelines").asBoolean()).isTrue();
        assertThat(r.json().path("is_admin").asBoolean()).isFalse();
        assertThat(r.json().path("ssh_key").isNull()).isTrue();
    }

    @Test
    void meNeedsAToken() {
        Api.Res r = server.client().get("/me");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.errorCode()).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void updateNamesAndEmail() {
        Users.Account a = Users.signUp(server, "settings");
        String newEmail = Users.uniqueName("new") + "@example.org";
        Api.Res r = a.api().post("/settings/user", Map.of("first_name", "Grace", "last_name", "Hopper", "email", newEmail,
                "current_password", Users.PASSWORD));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("first_name").asText()).isEqualTo("Grace");
        Api.Res me = a.api().get("/me");
        assertThat(me.json().path("last_name").asText()).isEqualTo("Hopper");
        assertThat(me.json().path("email").asText()).isEqualTo(newEmail);
        // Fields left out stay as they are.
        a.api().post("/settings/user", Map.of("first_name", "G."));
        assertThat(a.api().get("/me").json().path("last_name").asText()).isEqualTo("Hopper");
        assertThat(server.client().post("/login", Map.of("username", newEmail, "password", Users.PASSWORD)).status()).isEqualTo(200);
    }

    @Test
    void emailChangeChecksFormatAndUniqueness() {
        Users.Account a = Users.signUp(server, "emailchg");
        Users.Account b = Users.signUp(server, "emailchg");
        Api.Res taken = a.api().post("/settings/user", Map.of("email", b.email().toUpperCase(), "current_password", Users.PASSWORD));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.json().path("error").path("details").path("field").asText()).isEqualTo("email");
        Api.Res bad = a.api().post("/settings/user", Map.of("email", "nope", "current_password", Users.PASSWORD));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(a.api().post("/settings/user", Map.of("first_name", "x".repeat(151))).status()).isEqualTo(400);
        assertThat(a.api().post("/settings/user", Map.of("first_name", 7)).status()).isEqualTo(400);
        assertThat(a.api().get("/me").json().path("email").asText()).isEqualTo(a.email());
        assertThat(server.client().post("/settings/user", Map.of("first_name", "x")).status()).isEqualTo(401);
    }

    @Test
    void emailChangeNeedsTheCurrentPasswordAndTellsTheOldAddress() throws Exception {
        Users.Account a = Users.signUp(server, "emailpw");
        String newEmail = Users.uniqueName("moved") + "@example.org";
        for (Map<String, Object> body : List.<Map<String, Object>>of(Map.of("email", newEmail),
                Map.of("email", newEmail, "current_password", "not-the-password"))) {
            Api.Res r = a.api().post("/settings/user", body);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo("current_password");
        }
        assertThat(a.api().get("/me").json().path("email").asText()).isEqualTo(a.email());
        // Names need no password, nor does sending the email the account already has.
        assertThat(a.api().post("/settings/user", Map.of("first_name", "Ada", "email", a.email())).status()).isEqualTo(200);
        assertThat(Outbox.mailsTo(server, a.email())).isEmpty();

        Api.Res ok = a.api().post("/settings/user", Map.of("email", newEmail, "current_password", Users.PASSWORD));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("email").asText()).isEqualTo(newEmail);
        String notice = Outbox.await(server, a.email(), m -> m.contains("was changed"), 1).get(0);
        assertThat(notice).contains(a.username()).contains(newEmail);
        assertThat(Outbox.mailsTo(server, newEmail)).isEmpty();
    }

    @Test
    void sshKeysOfEachAcceptedTypeWithTheirFingerprint() {
        Users.Account a = Users.signUp(server, "ssh");
        String[][] keys = {{ED25519, ED25519_FP}, {ECDSA384, ECDSA384_FP}, {RSA3072, RSA3072_FP}};
        for (String[] k : keys) {
            Api.Res r = a.api().post("/settings/key", Map.of("ssh_key", k[0]));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("ssh_key_fingerprint").asText()).isEqualTo(k[1]);
            Api.Res me = a.api().get("/me");
            assertThat(me.json().path("ssh_key").asText()).isEqualTo(k[0]);
            assertThat(me.json().path("ssh_key_fingerprint").asText()).isEqualTo(k[1]);
        }
        Api.Res cleared = a.api().post("/settings/key", Map.of("ssh_key", ""));
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(a.api().get("/me").json().path("ssh_key").isNull()).isTrue();
    }

    @Test
    void badSshKeysAreRejected() {
        Users.Account a = Users.signUp(server, "sshbad");
        String ed = ED25519.split(" ")[1];
        String[] bad = {
                RSA1024,                                             // too short
                "ssh-dss AAAAB3NzaC1kc3MAAACBAP== x",                // type not accepted
                "ssh-rsa " + ed,                                      // label does not match the data
                "ssh-ed25519 not*base64",
                "ssh-ed25519 " + ed.substring(0, 40),                 // truncated
                "ssh-ed25519",
                "just garbage",
        };
        for (String k : bad) {
            Api.Res r = a.api().post("/settings/key", Map.of("ssh_key", k));
            assertThat(r.status()).as(k).isEqualTo(400);
            assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo("ssh_key");
        }
        assertThat(a.api().post("/settings/key", Map.of()).status()).isEqualTo(400);
        assertThat(a.api().post("/settings/key", Map.of("ssh_key", 5)).status()).isEqualTo(400);
        assertThat(a.api().get("/me").json().path("ssh_key").isNull()).isTrue();
    }

    @Test
    void theKeyIsStoredAsExactlyOneLine() {
        Users.Account a = Users.signUp(server, "sshline");
        String key = ED25519.substring(0, ED25519.lastIndexOf(' '));
        for (String comment : List.of("alice\ncommand=\"rm -rf ~\" ssh-ed25519 AAAA", "a\rb", "a\tb", "a\u0085b", "a\u2028b", "a\u0007b")) {
            Api.Res r = a.api().post("/settings/key", Map.of("ssh_key", key + " " + comment));
            assertThat(r.status()).as(comment).isEqualTo(400);
            assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo("ssh_key");
        }
        assertThat(a.api().get("/me").json().path("ssh_key").isNull()).isTrue();
        // Blanks around the line (a pasted file's final newline) and between the parts are not part of the key.
        Api.Res ok = a.api().post("/settings/key", Map.of("ssh_key", "  " + key.replace(" ", "\t ") + "  alice@lab \n"));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.json().path("ssh_key").asText()).isEqualTo(key + " alice@lab");
    }
}
