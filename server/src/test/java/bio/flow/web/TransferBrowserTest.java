package bio.flow.web;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Accessibility;
import bio.flow.testing.Api;
import bio.flow.testing.BrowserTest;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The transfer dialog (components/transfer.js) in a real headless Chromium: a project given away by its owner, after
 * the API's refusals shown beside the field (no name; a user who does not exist), each effect checked through the
 * API; the old owner, now at share level, offered no Transfer; an administrator giving away someone's data file
 * through the same dialog; a sample deleted while its dialog was open, after which the app goes to the samples list.
 */
class TransferBrowserTest extends BrowserTest {

    @Test
    void theOwnerGivesAProjectAwayAfterAnUnknownUserIsRefusedBesideTheField() {
        Users.Account owner = Users.signUp(server, "give-owner");
        Users.Account heir = Users.signUp(server, "give-heir");
        long project = Fixtures.project(owner, "Zebrafish fin regrowth", false);
        long sample = Fixtures.sample(owner, project, "fin-1");
        String path = "/projects/" + project;

        browser.signIn(owner, Users.PASSWORD);
        browser.go("/app" + path);
        browser.find("#transfer-open").click();
        browser.findWithText("#transfer-title", "Transfer Zebrafish fin regrowth");
        browser.findWithText("#transfer-warning", owner.username() + " will keep share level (read, change, share) but no longer own it");
        browser.findWithText("#transfer-warning", "The samples in it that they own go too.");

        browser.submit("form.transfer-form");
        browser.findWithText("#field-user-error", "Name the user who is to own it");

        browser.fill("user", "nobody-" + heir.username());
        browser.submit("form.transfer-form");
        browser.findWithText("#field-user-error", "No user is called nobody-" + heir.username());
        assertThat(browser.find("#field-user").getAttribute("aria-invalid")).isEqualTo("true");
        browser.screenshots("transfer-dialog", width -> Accessibility.check(browser));

        browser.fill("user", heir.username());
        browser.submit("form.transfer-form");
        browser.findWithText("main > p.notice", "Zebrafish fin regrowth now belongs to " + heir.username());
        browser.findWithText(".facts", heir.username());
        browser.screenshots("transfer-done");

        // through the API: the heir owns the project and the owner's sample in it; the old owner keeps share level
        JsonNode asHeir = heir.api().get(path).json();
        assertThat(asHeir.at("/owner/username").asText()).isEqualTo(heir.username());
        assertThat(asHeir.at("/permissions/can_delete").asBoolean()).isTrue();
        assertThat(heir.api().get("/samples/" + sample).json().at("/owner/username").asText()).isEqualTo(heir.username());
        JsonNode asOldOwner = owner.api().get(path).json();
        assertThat(asOldOwner.at("/permissions/can_share").asBoolean()).isTrue();
        assertThat(asOldOwner.at("/permissions/can_delete").asBoolean()).isFalse();
        JsonNode grants = heir.api().get(path + "/share").json().path("users");
        assertThat(grants).hasSize(1);
        assertThat(grants.get(0).path("username").asText()).isEqualTo(owner.username());
        assertThat(grants.get(0).path("permission").asInt()).isEqualTo(3);

        // the old owner, now a sharer, is offered Share but not Transfer (nor Delete)
        assertThat(browser.all("#transfer-open")).isEmpty();
        browser.findWithText(".page-actions", "Share");
        // and the heir is offered Transfer
        browser = anotherBrowser();
        browser.signIn(heir, Users.PASSWORD);
        browser.go("/app" + path);
        browser.find("#transfer-open");
    }

    @Test
    void anAdministratorGivesSomeonesDataFileToAnotherUser() {
        Users.Account admin = Users.admin(server);
        Users.Account alice = Users.signUp(server, "give-alice");
        Users.Account bob = Users.signUp(server, "give-bob");
        long data = Fixtures.data(alice, null);
        String path = "/data/" + data;

        browser.signIn(admin, TestServer.ADMIN_PASSWORD);
        browser.go("/app" + path);
        browser.find("#transfer-open").click();
        browser.findWithText("#transfer-warning", alice.username() + " will keep share level");
        browser.fill("user", bob.username());
        browser.submit("form.transfer-form");
        browser.findWithText("main > p.notice", "now belongs to " + bob.username());
        browser.findWithText(".facts", bob.username());

        Api.Res asAlice = alice.api().get(path);
        assertThat(asAlice.json().at("/permissions/can_share").asBoolean()).isTrue();
        assertThat(asAlice.json().at("/permissions/can_delete").asBoolean()).isFalse();
        assertThat(bob.api().get(path).json().at("/owner/username").asText()).isEqualTo(bob.username());
        // an administrator may still give it away
        browser.find("#transfer-open");
    }

    @Test
    void aSampleGoneWhileItsDialogIsOpenSendsTheAppToTheSamplesList() {
        Users.Account owner = Users.signUp(server, "give-gone");
        Users.Account heir = Users.signUp(server, "give-gone-heir");
        long sample = Fixtures.sample(owner, Fixtures.project(owner, "Short-lived", false), "ephemeral-1");

        browser.signIn(owner, Users.PASSWORD);
        browser.go("/app/samples/" + sample);
        browser.find("#transfer-open").click();
        browser.fill("user", heir.username());
        assertThat(owner.api().post("/samples/" + sample + "/delete").status()).isEqualTo(200);
        browser.submit("form.transfer-form");
        browser.waitForPath("/app/samples");
        browser.findWithText("main > p.notice", "ephemeral-1 is no longer there for you to see");
    }
}
