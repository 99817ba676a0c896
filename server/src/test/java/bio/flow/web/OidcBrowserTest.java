package bio.flow.web;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Browser;
import bio.flow.testing.FakeIdp;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "Sign in with <issuer>" in a real headless Chromium, against an identity provider this test plays on another origin
 * ({@link FakeIdp#serveSignIn}: discovery, /authorize, /token checking the PKCE verifier): the sign-in page offers the
 * configured issuer, the browser goes there and back, exchanges the code itself (the app's CSP lets it connect to the
 * issuer) and ends signed in as the new account, on the page it asked for, still after a reload; a callback this tab did
 * not start is refused. Its own server (OIDC configured), so not {@link bio.flow.testing.BrowserTest}'s shared one.
 */
class OidcBrowserTest {
    static FakeIdp idp;
    static TestServer server;
    static String name;
    static AtomicInteger exchanged;
    Browser browser;

    @BeforeAll
    static void start() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("web").generate();
        idp = FakeIdp.start();
        name = Users.uniqueName("oidcweb");
        exchanged = idp.serveSignIn("/idp", key, Users.uniqueName("sub"), Map.of("preferred_username", name, "email", name + "@idp.example",
                "email_verified", true, "given_name", "Barbara", "family_name", "McClintock"));
        server = TestServer.start(Map.of("FLOW_OIDC_ISSUER", idp.base() + "/idp", "FLOW_OIDC_CLIENT_ID", "flow-web"));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (idp != null) idp.close();
    }

    @BeforeEach
    void open() {
        browser = Browser.open(server);
    }

    @AfterEach
    void close() {
        try {
            assertThat(browser.consoleErrors()).as("errors in the browser's console").isEmpty();
        } finally {
            browser.close();
        }
    }

    @Test
    void signingInThroughTheProviderEndsSignedInAsTheNewAccount() {
        browser.go("/app/signin?next=%2Fapp%2Fprojects");
        String label = "Sign in with 127.0.0.1:" + idp.base().substring(idp.base().lastIndexOf(':') + 1) + "/idp";
        browser.findWithText(".oidc-button", label);
        browser.screenshots("signin-oidc");

        int before = exchanged.get();
        browser.find(".oidc-button").click();
        browser.waitForPath("/app/projects");
        browser.findWithText(".nav-user", name);
        assertThat(exchanged.get()).as("codes exchanged at the token endpoint").isEqualTo(before + 1);
        assertThat(browser.driver().executeScript("return sessionStorage.length")).as("the sign-in's secrets are forgotten").isEqualTo(0L);

        // a reload signs in again from the refresh cookie that /oidc-login set
        browser.go("/app/settings");
        browser.findWithText(".nav-user", name);
        assertThat(browser.find("#field-first_name").getAttribute("value")).isEqualTo("Barbara");
    }

    @Test
    void aCallbackThisTabDidNotStartIsRefused() {
        int before = exchanged.get();
        browser.go("/app/oidc/callback?code=stolen&state=forged");
        browser.findWithText(".form-error", "This sign-in was not started here");
        browser.screenshots("signin-oidc-refused");
        assertThat(exchanged.get()).as("nothing is exchanged for a forged callback").isEqualTo(before);
        browser.find(".card a.button").click();
        browser.waitForPath("/app/signin");
    }
}
