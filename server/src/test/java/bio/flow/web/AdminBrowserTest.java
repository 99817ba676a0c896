package bio.flow.web;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Browser;
import bio.flow.testing.BrowserTest;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Pipelines;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin pages in a real headless Chromium ({@link Browser}): a pipeline registered from a directory on the server,
 * vocabulary entries added, changed and deleted, a user's rights and tokens managed, storage verified, and a user who
 * is not an administrator kept out. Each effect is checked through the API. Screenshots of every admin page at desktop
 * and phone width go to target/screenshots/.
 */
class AdminBrowserTest extends BrowserTest {

    private Users.Account signInAsAdmin(String next) {
        Users.Account admin = Users.admin(server);
        browser.signIn(admin, TestServer.ADMIN_PASSWORD, next);
        return admin;
    }

    private WebDriverWait waiting(Duration d) {
        return new WebDriverWait(browser.driver(), d);
    }

    @Test
    void anAdminRegistersAPipelineFromADirectoryAndItShowsInTheCatalogue() {
        Users.Account admin = signInAsAdmin("/app/");
        browser.find(".nav-links a[href='/app/admin']").click();
        browser.waitForPath("/app/admin");
        browser.find(".tabs a[href='/app/admin/pipelines']").click();
        browser.waitForPath("/app/admin/pipelines");

        String category = Users.uniqueName("Admin category");
        browser.fill("category_name", category);
        browser.submit("#new-category");
        browser.findWithText("#field-category", category);
        // a pipeline needs a category
        String name = Users.uniqueName("Admin pipeline");
        browser.fill("name", name);
        browser.submit("#new-pipeline");
        assertThat(browser.find("#field-category-error").getText()).isNotBlank();
        new Select(browser.find("#field-category")).selectByVisibleText(category);
        browser.fill("description", "Counts reads, for the admin test.");
        browser.submit("#new-pipeline");
        browser.findWithText("h1", name);
        browser.findWithText("#versions-title + .empty", "No version yet");

        browser.fill("version", "1.0.0");
        browser.fill("source", "/no/such/folder");
        browser.submit("#new-version");
        assertThat(browser.find("#new-version .form-error, #field-source-error").getText()).isNotBlank();
        String folder = Pipelines.folder("draft07.json").toString();
        browser.fill("source", folder);
        browser.submit("#new-version");
        browser.findWithText(".table tbody", "Latest");
        browser.findWithText(".table tbody", folder);
        browser.screenshots("admin-pipeline");

        JsonNode listed = StreamSupport.stream(server.client().get("/pipelines").json().path("categories").spliterator(), false)
                .filter(c -> c.path("name").asText().equals(category)).findFirst().orElseThrow();
        JsonNode pipeline = listed.path("pipelines").get(0);
        assertThat(pipeline.path("name").asText()).isEqualTo(name);
        assertThat(pipeline.path("versions").get(0).path("version").asText()).isEqualTo("1.0.0");
        assertThat(pipeline.path("versions").get(0).path("is_latest").asBoolean()).isTrue();
        long versionId = pipeline.path("versions").get(0).path("id").asLong();
        assertThat(admin.api().get("/pipelines/versions/" + versionId).json().path("parameters").size()).isPositive();

        // retired from the page, then back
        browser.find("button[aria-label='Retire 1.0.0']").click();
        browser.findWithText(".table tbody", "Retired");
        assertThat(server.client().get("/pipelines/versions/" + versionId).json().path("retired").asBoolean()).isTrue();
        browser.find("button[aria-label='Bring back 1.0.0']").click();
        browser.findWithText(".table tbody", "Available");
        assertThat(server.client().get("/pipelines/versions/" + versionId).json().path("retired").asBoolean()).isFalse();

        browser.go("/app/admin/pipelines");
        browser.findWithText(".table tbody", name);
        browser.screenshots("admin-pipelines");
    }

    @Test
    void anAdminAddsChangesAndDeletesAnOrganismAndADataType() {
        Users.Account admin = signInAsAdmin("/app/admin/vocabularies");
        browser.findWithText("nav[aria-label='Vocabularies'] a[aria-current='page']", "Organisms");
        String id = Users.uniqueName("org").toLowerCase(Locale.ROOT);
        browser.fill("id", id);
        browser.fill("name", "Organismus " + id);
        browser.submit(".vocabulary-form");
        browser.findWithText(".table tbody", "Organismus " + id);
        assertThat(server.client().get("/organisms").text()).contains("Organismus " + id);
        // the same id again: the API's refusal beside the field
        browser.fill("id", id);
        browser.fill("name", "Another " + id);
        browser.submit(".vocabulary-form");
        assertThat(browser.find("#field-id-error").getText()).isNotBlank();
        browser.screenshots("admin-organisms");

        browser.find("button[aria-label='Edit Organismus " + id + "']").click();
        browser.findWithText("#vocabulary-form-title", "Edit organism");
        browser.fill("name", "Renamed " + id);
        browser.submit(".vocabulary-form");
        browser.findWithText(".table tbody", "Renamed " + id);
        assertThat(server.client().get("/organisms").text()).contains("Renamed " + id).doesNotContain("Organismus " + id);
        confirmDelete("Renamed " + id);
        waiting(Duration.ofSeconds(10)).until(d -> !server.client().get("/organisms").text().contains(id));

        browser.find(".tabs a[href='/app/admin/vocabularies?tab=data-types']").click();
        browser.findWithText("nav[aria-label='Vocabularies'] a[aria-current='page']", "Data types");
        browser.findWithText(".table tbody", "FASTQ");
        String identifier = id.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
        String extension = "." + identifier.toLowerCase(Locale.ROOT);
        browser.fill("identifier", identifier);
        browser.fill("name", "Type " + identifier);
        browser.fill("extensions", extension);
        browser.submit(".vocabulary-form");
        browser.findWithText(".table tbody", "Type " + identifier);
        JsonNode type = dataType(admin, identifier);
        assertThat(type.path("extensions").get(0).asText()).isEqualTo(extension);
        assertThat(type.path("built_in").asBoolean()).isFalse();
        browser.screenshots("admin-data-types");
        confirmDelete(identifier);
        waiting(Duration.ofSeconds(10)).until(d -> dataType(admin, identifier) == null);

        // an attribute of sample metadata, with options and a sample type that requires it
        browser.find(".tabs a[href='/app/admin/vocabularies?tab=metadata']").click();
        browser.findWithText("nav[aria-label='Vocabularies'] a[aria-current='page']", "Sample metadata");
        String sampleType = server.client().get("/samples/types").json().path("sample_types").get(0).path("name").asText();
        String attribute = id.replaceAll("[^a-z0-9]", "_");
        browser.fill("identifier", attribute);
        browser.fill("name", "Attribute " + attribute);
        browser.fill("options", "low\nhigh");
        browser.fill("required_for", sampleType);
        browser.submit(".vocabulary-form");
        browser.findWithText(".table tbody", "Attribute " + attribute);
        JsonNode defined = attribute(attribute);
        assertThat(defined.path("options").toString()).isEqualTo("[\"low\",\"high\"]");
        assertThat(defined.path("required_for_sample_types").toString()).isEqualTo("[\"" + sampleType + "\"]");
        browser.find("button[aria-label='Edit Attribute " + attribute + "']").click();
        assertThat(browser.find("#field-options").getAttribute("value")).isEqualTo("low\nhigh");
        browser.fill("options", "low\nmedium\nhigh");
        browser.fill("required_for", "");
        browser.fill("linked", sampleType);
        browser.find("#field-allow_annotation").click();
        browser.submit(".vocabulary-form");
        browser.findWithText("#vocabulary-form-title", "New attribute");
        JsonNode edited = attribute(attribute);
        assertThat(edited.path("options").size()).isEqualTo(3);
        assertThat(edited.path("allow_annotation").asBoolean()).isTrue();
        assertThat(edited.path("required_for_sample_types")).isEmpty();
        assertThat(edited.path("sample_type_links").get(0).path("sample_type_identifier").asText()).isEqualTo(sampleType);
        confirmDelete("Attribute " + attribute);
        waiting(Duration.ofSeconds(10)).until(d -> attribute(attribute) == null);

        for (String tab : new String[] {"sample-types", "sources", "purification-targets", "metadata"}) {
            browser.find(".tabs a[href='/app/admin/vocabularies?tab=" + tab + "']").click();
            browser.find(".vocabulary-form");
            browser.find(".table tbody, .empty");
            browser.screenshots("admin-" + tab);
        }
    }

    private void confirmDelete(String label) {
        WebElement open = browser.find("button[aria-label='Delete " + label + "']");
        String dialog = open.getAttribute("id").replaceFirst("-open$", "");
        open.click();
        browser.find("#" + dialog + " .button.danger").click();
    }

    private static JsonNode attribute(String identifier) {
        for (JsonNode a : server.client().get("/samples/metadata").json().path("attributes")) {
            if (a.path("identifier").asText().equals(identifier)) return a;
        }
        return null;
    }

    private static JsonNode dataType(Users.Account admin, String identifier) {
        for (JsonNode t : admin.api().get("/data/types").json().path("data_types")) {
            if (t.path("identifier").asText().equals(identifier)) return t;
        }
        return null;
    }

    @Test
    void anAdminGrantsTheRightToRunPipelinesAndRevokesAUsersToken() {
        Users.Account admin = Users.admin(server);
        Users.Account user = Users.signUp(server, "rights");
        assertThat(admin.api().post("/admin/users/" + user.username(), Map.of("can_run_pipelines", false)).status()).isEqualTo(200);
        Api.Res made = user.api().post("/settings/tokens", Map.of("name", "cluster script"));
        assertThat(made.status()).isEqualTo(201);
        Api withToken = server.client().as(made.json().path("token").asText());
        assertThat(withToken.get("/me").status()).isEqualTo(200);

        signInAsAdmin("/app/admin");
        Browser.replaceText(browser.find("#user-search"), user.username());
        WebElement run = browser.find("input[aria-label='May run pipelines: " + user.username() + "']");
        assertThat(run.isSelected()).isFalse();
        assertThat(browser.find("input[aria-label='Administrator: " + user.username() + "']").isSelected()).isFalse();
        run.click();
        waiting(Duration.ofSeconds(10)).until(d -> user.api().get("/me").json().path("can_run_pipelines").asBoolean());

        browser.find("button[aria-label='API tokens of " + user.username() + "']").click();
        browser.findWithText("#tokens-title", user.username());
        browser.findWithText(".card .table tbody", "cluster script");
        browser.screenshots("admin-users");
        browser.find("button[aria-label='Revoke cluster script']").click();
        browser.driver().switchTo().alert().accept();
        browser.findWithText(".card .table tbody", "Revoked");
        assertThat(withToken.get("/me").status()).isEqualTo(401);
    }

    @Test
    void anAdminVerifiesStorageAndSeesItsResult() {
        // at least one stored file to check
        Users.Account owner = Users.signUp(server, "stored");
        Fixtures.upload(owner, "verified.txt", "some bytes to verify\n".getBytes(StandardCharsets.UTF_8), Map.of());
        signInAsAdmin("/app/admin/storage");
        browser.findWithText("h1", "Admin: Storage");
        browser.findWithText(".page-actions button", "Verify storage").click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(90))
                .until(d -> !browser.find(".verify-status").getText().equals("Running"));
        assertThat(browser.find(".verify-status").getText()).isEqualTo("Finished");
        JsonNode verification = Users.admin(server).api().get("/admin/storage/verify").json();
        assertThat(verification.path("checked").asInt()).isPositive();
        // the counts as the page writes them (10,063 on a server other tests have filled)
        assertThat(browser.find(".facts").getText()).contains(String.format(java.util.Locale.US, "%,d of %,d files",
                verification.path("checked").asLong(), verification.path("total").asLong()));
        browser.screenshots("admin-storage");
    }

    @Test
    void aUserWhoIsNotAnAdminSeesNoAdminEntryAndIsRefused() {
        Users.Account user = Users.signUp(server, "notadmin");
        browser.signIn(user, Users.PASSWORD, "/app/admin");
        browser.findWithText(".refusal", "Only site administrators");
        // the account is known by now (the refusal comes from it): the navigation offers no admin section
        assertThat(browser.all(".nav-links a[href='/app/admin']")).isEmpty();
        assertThat(browser.all(".tabs")).isEmpty();
        browser.screenshots("admin-refused");
        browser.go("/app/admin/vocabularies?tab=organisms");
        browser.findWithText(".refusal", "Only site administrators");
        assertThat(browser.all(".vocabulary-form")).isEmpty();
        // and the API refuses it anyway
        assertThat(user.api().post("/organisms/create", Map.of("id", "refused", "name", "Refused")).status()).isEqualTo(403);
    }
}
