package bio.flow.web;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Browser;
import bio.flow.testing.BrowserTest;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Users;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The project page's metadata table (pages/projects/metadata.js) and moving samples (pages/projects/move.js) in a real
 * headless Chromium: cells of two samples edited in place and saved in one POST /projects/{id}/metadata, a value the
 * lab's attribute no longer offers refused beside its cell, leaving with unsaved changes asked first, a reader's table
 * without inputs; a sample moved to another of the owner's projects.
 */
class ProjectMetadataBrowserTest extends BrowserTest {

    /** Counts the app's POSTs to a project's metadata endpoint from now on (window.metadataPosts). */
    private void countMetadataPosts() {
        browser.driver().executeScript("window.metadataPosts = 0; const sent = window.fetch;"
                + "window.fetch = (url, init) => { if (/\\/projects\\/[0-9]+\\/metadata$/.test(url) && init?.method === 'POST') window.metadataPosts++;"
                + " return sent(url, init); };");
    }

    private long metadataPosts() {
        return (Long) browser.driver().executeScript("return window.metadataPosts;");
    }

    @Test
    void cellsOfTwoSamplesAreSavedInOneRequestAndARefusalShowsBesideItsCell() {
        Users.Account admin = Users.admin(server);
        Users.Account owner = Users.signUp(server, "curator");
        Users.Account reader = Users.signUp(server, "reader");
        String tissue = Users.uniqueName("tissue").toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        Api.Res defined = admin.api().post("/samples/metadata/create", Map.of("identifier", tissue, "name", "Tissue " + tissue,
                "options", List.of("Cortex", "Liver")));
        assertThat(defined.status()).as(defined.toString()).isEqualTo(201);
        try {
            long project = Fixtures.project(owner, "Dose response", false);
            long first = Fixtures.sample(owner, Map.of("name", "dose-1", "project", project, "metadata", Map.of(tissue, "Cortex", "dose", "1")));
            long second = Fixtures.sample(owner, Map.of("name", "dose-2", "project", project, "metadata", Map.of("dose", "2")));
            Fixtures.shareWithUser(owner, "projects", project, reader, 1);

            browser.signIn(owner, Users.PASSWORD, "/app/projects/" + project);
            browser.findWithText("h1", "Dose response");
            String firstDose = "#cell-" + first + "-dose";
            String secondTissue = "#cell-" + second + "-" + tissue;
            assertThat(browser.find(firstDose).getAttribute("value")).isEqualTo("1");
            assertThat(new Select(browser.find(secondTissue)).getFirstSelectedOption().getAttribute("value")).isEmpty();
            countMetadataPosts();

            // two cells of two samples changed: marked as unsaved, then saved in one request
            Browser.replaceText(browser.find(firstDose), "10");
            new Select(browser.find(secondTissue)).selectByValue("Liver");
            browser.findWithText(".metadata-status", "2 unsaved changes");
            assertThat(browser.all(".metadata-table td.changed")).hasSize(2);
            browser.screenshots("project-metadata-edit");
            browser.findWithText(".metadata-form button[type=submit]", "Save changes").click();
            browser.findWithText(".metadata-status", "Saved the metadata of 2 samples");
            assertThat(metadataPosts()).isEqualTo(1);
            assertThat(browser.all(".metadata-table td.changed")).isEmpty();
            assertThat(owner.api().get("/samples/" + first).json().path("metadata").path("dose").asText()).isEqualTo("10");
            assertThat(owner.api().get("/samples/" + first).json().path("metadata").path(tissue).asText()).isEqualTo("Cortex");
            assertThat(owner.api().get("/samples/" + second).json().path("metadata").path(tissue).asText()).isEqualTo("Liver");
            assertThat(owner.api().get("/samples/" + second).json().path("metadata").path("dose").asText()).isEqualTo("2");

            // the lab drops an option while the page still offers it: the API refuses it, beside that cell, and nothing changes
            assertThat(admin.api().post("/samples/metadata/" + tissue + "/options", Map.of("options", List.of("Liver", "Kidney"))).status())
                    .isEqualTo(200);
            new Select(browser.find(secondTissue)).selectByValue("Cortex");
            Browser.replaceText(browser.find(firstDose), "20");
            browser.find(".metadata-form button[type=submit]").click();
            String refusal = browser.findWithText(secondTissue + "-error", "not one of the options").getText();
            assertThat(refusal).contains("Cortex", "Liver, Kidney");
            assertThat(browser.find(secondTissue).getAttribute("aria-invalid")).isEqualTo("true");
            assertThat(browser.find(".metadata-form .form-error").getText()).isEqualTo("Nothing was saved: correct the marked value.");
            assertThat(browser.find(".metadata-status").getText()).isEqualTo("2 unsaved changes");
            assertThat(metadataPosts()).isEqualTo(2);
            assertThat(owner.api().get("/samples/" + first).json().path("metadata").path("dose").asText()).isEqualTo("10");
            browser.screenshots("project-metadata-refused");

            // leaving with unsaved changes asks first; staying keeps them
            browser.find(".nav-links a[href='/app/samples']").click();
            new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(ExpectedConditions.alertIsPresent()).dismiss();
            assertThat(browser.path()).isEqualTo("/app/projects/" + project);
            assertThat(browser.find(firstDose).getAttribute("value")).isEqualTo("20");

            // a reader sees the values, with no input, no save and nothing to select for moving
            Browser other = anotherBrowser();
            other.signIn(reader, Users.PASSWORD, "/app/projects/" + project);
            other.findWithText(".metadata-table", "Liver");
            assertThat(other.find(".metadata-table").getText()).contains("dose-1", "10", "Cortex");
            assertThat(other.all(".metadata-table input, .metadata-table select, .metadata-form, .move-samples, .table input[type=checkbox]")).isEmpty();
            other.screenshots("project-metadata-reader");
        } finally {
            admin.api().post("/samples/metadata/" + tissue + "/delete");
        }
    }

    @Test
    void aSampleIsMovedToAnotherOfTheOwnersProjects() {
        Users.Account owner = Users.signUp(server, "mover");
        long from = Fixtures.project(owner, "Pilot study", false);
        long to = Fixtures.project(owner, "Main study", false);
        long moved = Fixtures.sample(owner, from, "pilot-1");
        long stays = Fixtures.sample(owner, from, "pilot-2");

        browser.signIn(owner, Users.PASSWORD, "/app/projects/" + from);
        browser.findWithText(".table tbody", "pilot-1");
        browser.find("input[aria-label='Select pilot-1']").click();
        browser.findWithText(".move-samples label", "Move the selected samples (1) to");
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10))
                .until(d -> new Select(browser.find("#move-target")).getOptions().stream().anyMatch(o -> o.getText().equals("Main study")));
        new Select(browser.find("#move-target")).selectByVisibleText("Main study");
        browser.screenshots("project-move");
        browser.findWithText(".move-samples button", "Move").click();
        browser.findWithText(".move-samples [role=status]", "Moved 1 of 1 to Main study.");
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> !browser.find(".table tbody").getText().contains("pilot-1"));
        browser.findWithText("#samples-title", "Samples (1)");
        assertThat(owner.api().get("/samples/" + moved).json().path("project").path("id").asLong()).isEqualTo(to);
        assertThat(owner.api().get("/samples/" + stays).json().path("project").path("id").asLong()).isEqualTo(from);
    }
}
