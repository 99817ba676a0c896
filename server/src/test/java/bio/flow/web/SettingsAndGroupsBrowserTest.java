package bio.flow.web;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Browser;
import bio.flow.testing.BrowserTest;
import bio.flow.testing.Outbox;
import bio.flow.testing.Users;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web app's account pages and groups in a real headless Chromium ({@link Browser}): a forgotten password reset
 * through the mailed link, the profile, password and API-token settings, and a group made, joined and managed by two
 * people in two browsers. Each effect is checked through the API, not only on the page. Screenshots of every page
 * at desktop and phone width go to target/screenshots/.
 */
class SettingsAndGroupsBrowserTest extends BrowserTest {
    private static final Pattern RESET_LINK = Pattern.compile("http://[^/\\s]+(/app/reset#token=[A-Za-z0-9_-]+)");
    private static final String NEW_PASSWORD = "a brand new passphrase 7";

    @Test
    void aForgottenPasswordIsResetThroughTheLinkInTheMail() throws Exception {
        Users.Account account = Users.signUp(server, "forgot");
        browser.go("/app/signin");
        browser.findWithText("a[href='/app/forgot']", "Forgotten password").click();
        browser.waitForPath("/app/forgot");
        browser.screenshots("forgot");
        browser.fill("email", account.email());
        browser.find("button[type=submit]").click();
        browser.findWithText("h1", "Check your mail");

        String mail = Outbox.await(server, account.email(), m -> RESET_LINK.matcher(m).find(), 1).get(0);
        Matcher link = RESET_LINK.matcher(mail);
        assertThat(link.find()).isTrue();
        browser.go(link.group(1));
        browser.findWithText("h1", "Choose a new password");
        // the token leaves the address bar (and the history) once read, and no field asks for it
        assertThat(browser.driver().getCurrentUrl()).endsWith("/app/reset");
        assertThat(browser.all("#field-token")).isEmpty();
        browser.fill("password", NEW_PASSWORD);
        browser.fill("confirm", NEW_PASSWORD + "x");
        browser.find("button[type=submit]").click();
        assertThat(browser.find("#field-confirm-error").getText()).contains("differ");
        browser.screenshots("reset");
        browser.fill("confirm", NEW_PASSWORD);
        browser.find("button[type=submit]").click();
        browser.findWithText("h1", "Password changed");

        assertThat(server.client().post("/login", Map.of("username", account.username(), "password", Users.PASSWORD)).status()).isEqualTo(401);
        browser.signIn(account, NEW_PASSWORD);
        // the link works once
        browser.go(link.group(1));
        browser.fill("password", NEW_PASSWORD + "2");
        browser.fill("confirm", NEW_PASSWORD + "2");
        browser.find("button[type=submit]").click();
        assertThat(browser.find(".form-error").getText()).isNotBlank();
    }

    @Test
    void theSettingsChangeTheProfileThePasswordAndMakeAndRevokeApiTokens() {
        Users.Account account = Users.signUp(server, "settings");
        browser.signIn(account, Users.PASSWORD);
        browser.find("a.nav-user").click();
        browser.waitForPath("/app/settings");
        browser.fill("first_name", "Barbara");
        browser.fill("last_name", "McClintock");
        browser.find("button[type=submit]").click();
        browser.findWithText(".saved", "Saved");
        assertThat(account.api().get("/me").json().get("last_name").asText()).isEqualTo("McClintock");
        // a new email asks for the current password, and the API's refusal shows beside it
        browser.fill("email", "elsewhere-" + account.email());
        browser.find("button[type=submit]").click();
        assertThat(browser.find("#field-current_password-error").getText()).isNotBlank();
        browser.screenshots("settings-profile");

        browser.find(".tabs a[href='/app/settings/tokens']").click();
        browser.waitForPath("/app/settings/tokens");
        browser.findWithText(".empty", "no API token");
        browser.fill("name", "laptop flowbio");
        browser.find("button[type=submit]").click();
        String token = browser.find("#new-token-value").getAttribute("value");
        assertThat(token).startsWith("flow_pat_");
        browser.screenshots("settings-token-created");
        Api withToken = server.client().as(token);
        assertThat(withToken.get("/me").json().get("username").asText()).isEqualTo(account.username());
        browser.findWithText(".notice button.secondary", "Done").click();
        browser.findWithText(".table tbody", "laptop flowbio");
        assertThat(browser.all("#new-token-value")).as("shown once").isEmpty();
        browser.find("button[aria-label='Revoke laptop flowbio']").click();
        browser.driver().switchTo().alert().accept();
        browser.findWithText(".table tbody", "Revoked");
        assertThat(withToken.get("/me").status()).isEqualTo(401);
        browser.screenshots("settings-tokens");

        browser.find(".tabs a[href='/app/settings/password']").click();
        browser.waitForPath("/app/settings/password");
        browser.fill("current_password", Users.PASSWORD);
        browser.fill("new_password", NEW_PASSWORD);
        browser.fill("confirm", NEW_PASSWORD);
        browser.find("button[type=submit]").click();
        browser.findWithText(".saved", "Password changed");
        browser.screenshots("settings-password");
        // this browser goes on with the session the change answered, also after a reload
        browser.driver().navigate().refresh();
        browser.findWithText(".nav-user", account.username());
        browser.find(".tabs a[href='/app/settings/ssh-key']").click();
        browser.fill("ssh_key", "ssh-rsa not-a-key");
        browser.find("button[type=submit]").click();
        assertThat(browser.find("#field-ssh_key-error").getText()).isNotBlank();
        browser.screenshots("settings-ssh-key");
        assertThat(server.client().post("/login", Map.of("username", account.username(), "password", NEW_PASSWORD)).status()).isEqualTo(200);
    }

    @Test
    void aGroupIsMadeJoinedAndManagedByTwoPeopleInTwoBrowsers() {
        Users.Account admin = Users.signUp(server, "gadmin");
        Users.Account member = Users.signUp(server, "gmember");
        Browser a = browser;
        a.signIn(admin, Users.PASSWORD);
        a.find(".nav-links a[href='/app/groups']").click();
        a.waitForPath("/app/groups");
        a.find(".page-actions a[href='/app/groups/new']").click();
        a.find("button[type=submit]").click();
        assertThat(a.find("#field-name-error").getText()).isNotBlank();
        String key = admin.username().toLowerCase().replaceAll("[^a-z0-9]", "");
        String slug = "lab-" + key.substring(0, Math.min(30, key.length()));
        a.fill("name", "Chromatin lab");
        a.fill("slug", slug);
        a.fill("description", "Everyone working on chromatin remodelling.");
        a.find("button[type=submit]").click();
        a.waitForPath("/app/groups/" + slug);
        a.findWithText("h1", "Chromatin lab");
        a.fill("username", "nobody-" + member.username());
        a.find("form.invite button[type=submit]").click();
        assertThat(a.find(".invite .form-error, #field-username-error").getText()).isNotBlank();
        a.fill("username", member.username());
        a.submit("form.invite");
        a.findWithText(".table tbody", "Invited");
        a.screenshots("group");

        Browser b = anotherBrowser();
        b.signIn(member, Users.PASSWORD);
        b.go("/app/groups");
        b.findWithText("#invitations-title", "Invitations");
        b.screenshots("groups-invitation");
        b.find("button[aria-label='Accept the invitation to Chromatin lab']").click();
        b.findWithText(".table tbody", "Chromatin lab");
        assertThat(b.all("#invitations-title")).isEmpty();
        assertThat(member.api().get("/groups/" + slug).json().get("role").asInt()).isEqualTo(2);
        // a member sees the members, but no control to manage them
        b.find(".table tbody a[href='/app/groups/" + slug + "']").click();
        b.findWithText("h1", "Chromatin lab");
        assertThat(b.all("select")).isEmpty();
        assertThat(b.all("form.invite")).isEmpty();

        a.driver().navigate().refresh();
        new Select(a.find("select[aria-label='Role of " + member.username() + "']")).selectByVisibleText("Admin");
        a.findWithText(".table tbody", member.username());
        WebDriverWait wait = new WebDriverWait(a.driver(), Duration.ofSeconds(10));
        wait.until(d -> admin.api().get("/groups/" + slug).json().get("members").findValues("role").stream()
                .allMatch(r -> r.asInt() == 3));
        a.find("button[aria-label='Remove " + member.username() + "']").click();
        a.driver().switchTo().alert().accept();
        wait.until(d -> !a.find(".table tbody").getText().contains(member.username()));
        assertThat(member.api().get("/groups/" + slug).status()).isEqualTo(404);
        a.go("/app/groups");
        a.findWithText(".table tbody", "Chromatin lab");
        a.screenshots("groups");
    }
}
