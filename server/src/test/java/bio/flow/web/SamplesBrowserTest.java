package bio.flow.web;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Browser;
import bio.flow.testing.BrowserTest;
import bio.flow.testing.Fixtures;
import bio.flow.testing.RunFixtures;
import bio.flow.testing.TempDirs;
import bio.flow.testing.Users;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web app's samples and data pages in a real headless Chromium (see {@link WebAppBrowserTest}): a sample created
 * through the form from its project's page, listed, edited, its reads' file opened with a preview read through gzip,
 * and deleted after a confirmation; several deleted at once from the list; samples shared with a second user and
 * public ones under their tabs. Screenshots of each page at desktop and phone width go to target/screenshots/.
 */
class SamplesBrowserTest extends BrowserTest {

    private void choose(String name, String value) {
        new Select(browser.find("#field-" + name)).selectByValue(value);
    }

    @Test
    void aSampleIsCreatedInItsProjectEditedItsReadsPreviewedAndDeletedAfterConfirmation() throws Exception {
        Users.Account account = Users.signUp(server, "bench");
        long project = Fixtures.project(account, "Mouse liver atlas", false);
        browser.signIn(account, Users.PASSWORD, "/app/projects/" + project);

        // the project's page offers a new sample in it
        browser.findWithText("h1", "Mouse liver atlas");
        browser.findWithText(".empty", "no samples yet");
        browser.find(".section-head a.button").click();
        browser.waitForPath("/app/samples/new?project=" + project);
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> new Select(browser.find("#field-project"))
                .getAllSelectedOptions().stream().anyMatch(o -> o.getText().equals("Mouse liver atlas")));
        browser.find("#field-name").sendKeys(" ");
        browser.find("button[type=submit]").click();
        assertThat(browser.find("#field-name-error").getText()).isNotBlank();
        assertThat(browser.find("#field-name").getAttribute("aria-invalid")).isEqualTo("true");

        browser.fill("name", "Liver fasted 1");
        new Select(browser.find("#field-organism")).selectByValue("mouse");
        choose("sample_type", "RNA");
        choose("source", "Tissue");
        choose("purification_target", "mRNA");
        browser.fill("replicate_group", "A");
        browser.find("#metadata-add").click();
        browser.find("input[aria-label='Key 1']").sendKeys("timepoint");
        browser.find("input[aria-label='Value 1']").sendKeys("0h");
        browser.screenshots("sample-new");
        browser.find("button[type=submit]").click();
        browser.findWithText("h1", "Liver fasted 1");
        assertThat(browser.path()).matches("/app/samples/[0-9]+");
        long sample = Long.parseLong(browser.path().substring("/app/samples/".length()));
        String facts = browser.find(".facts").getText();
        assertThat(facts).contains("Mouse liver atlas", "mouse", "RNA", "Tissue", "mRNA", account.username());
        assertThat(browser.find("section[aria-labelledby=metadata-title] table").getText()).contains("timepoint", "0h");
        assertThat(browser.find(".page-actions a[href='/app/samples/" + sample + "/upload']").getText()).isEqualTo("Upload reads");
        assertThat(browser.find(".page-actions").getText()).contains("Edit", "Share", "Delete");
        browser.findWithText(".empty", "No reads yet");

        // reads uploaded (through the API here: the upload page is another one's) show with a link to their page
        String reads = "@liver-1/1\nACGTACGTAC\n+\nIIIIIIIIII\n@liver-2/1\nTTGCAACGTA\n+\nIIIIIIIIII\n";
        byte[] gzipped = RunFixtures.gzip(reads.getBytes(StandardCharsets.UTF_8));
        long data = RunFixtures.read(account, sample, 1, null, "liver_R1.fastq.gz", gzipped).path("id").asLong();
        browser.driver().navigate().refresh();
        browser.findWithText("section[aria-labelledby=reads-title]", "liver_R1.fastq.gz");
        assertThat(browser.find("section[aria-labelledby=reads-title]").getText()).contains("Read 1");
        browser.findWithText("section[aria-labelledby=data-title] table", "liver_R1.fastq.gz");
        browser.screenshots("sample");
        browser.find("section[aria-labelledby=reads-title] a[href='/app/data/" + data + "']").click();

        // the file's page: where it belongs, its preview read through gzip, its lineage
        browser.findWithText("h1", "liver_R1.fastq.gz");
        assertThat(browser.find(".facts").getText()).contains("Liver fasted 1", "FASTQ", "gzip", "Read 1");
        assertThat(browser.find("pre.preview").getText()).isEqualTo(reads.strip());
        assertThat(browser.find("section[aria-labelledby=lineage-title]").getText()).contains("No execution you may read used this file");
        browser.screenshots("data-file");
        // downloaded as stored (gzip), under its name
        Path downloads = Files.createTempDirectory("flow-downloads");
        try {
            browser.driver().executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow", "downloadPath", downloads.toString()));
            browser.findWithText(".page-actions button", "Download").click();
            Path saved = downloads.resolve("liver_R1.fastq.gz");
            new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> Files.exists(saved));
            assertThat(Files.readAllBytes(saved)).isEqualTo(gzipped);
        } finally {
            TempDirs.delete(downloads);
        }
        browser.find(".facts a[href='/app/samples/" + sample + "']").click();
        browser.findWithText("h1", "Liver fasted 1");

        // listed among the caller's samples and in the project
        browser.find(".nav-links a[href='/app/samples']").click();
        browser.waitForPath("/app/samples");
        browser.findWithText(".table tbody", "Liver fasted 1");
        assertThat(browser.find(".table tbody").getText()).contains("Mouse liver atlas");
        browser.screenshots("samples");
        browser.find(".nav-links a[href='/app/data']").click();
        browser.findWithText(".table tbody", "liver_R1.fastq.gz");
        assertThat(browser.find(".table tbody").getText()).contains("Liver fasted 1", "FASTQ");
        browser.screenshots("data");
        // every file the caller may read, narrowed by filename and data type (the API's search)
        browser.find(".tabs a[href='/app/data?tab=all']").click();
        browser.find("#data-filter").sendKeys("liver_R1");
        new Select(browser.find("#data-type")).selectByValue("FASTQ");
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> browser.all(".table tbody tr").size() == 1);
        assertThat(browser.find(".table tbody").getText()).contains("liver_R1.fastq.gz");
        new Select(browser.find("#data-type")).selectByValue("BAM");
        browser.findWithText(".empty", "No data file matches these filters");
        browser.go("/app/projects/" + project);
        browser.findWithText(".table tbody", "Liver fasted 1");
        browser.screenshots("project-samples");

        // edited: the form holds what the sample has; a field cleared, another set, the metadata changed
        browser.go("/app/samples/" + sample);
        browser.find(".page-actions a[href='/app/samples/" + sample + "/edit']").click();
        browser.findWithText("h1", "Edit Liver fasted 1");
        assertThat(browser.find("#field-replicate_group").getAttribute("value")).isEqualTo("A");
        assertThat(new Select(browser.find("#field-organism")).getFirstSelectedOption().getAttribute("value")).isEqualTo("mouse");
        assertThat(browser.find("input[aria-label='Value 1']").getAttribute("value")).isEqualTo("0h");
        // emptied as a person does (Selenium's clear() sends no input event)
        browser.find("#field-replicate_group").sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        browser.fill("condition", "fasted 24 h");
        Browser.replaceText(browser.find("input[aria-label='Value 1']"), "24h");
        browser.screenshots("sample-edit");
        browser.find("button[type=submit]").click();
        browser.waitForPath("/app/samples/" + sample);
        browser.findWithText(".facts", "fasted 24 h");
        assertThat(browser.find("section[aria-labelledby=metadata-title] table").getText()).contains("timepoint", "24h").doesNotContain("0h");
        var stored = account.api().get("/samples/" + sample).json();
        assertThat(stored.path("replicate_group").asText()).isEmpty();
        assertThat(stored.path("metadata").path("timepoint").asText()).isEqualTo("24h");

        // deleted only once confirmed: Cancel keeps it, Delete in the dialog removes it and goes back to the project
        browser.find("#delete-sample-open").click();
        browser.find("#delete-sample");
        assertThat(browser.driver().switchTo().activeElement().getText()).as("the focus starts on Cancel").isEqualTo("Cancel");
        browser.screenshots("sample-delete");
        browser.driver().switchTo().activeElement().click();
        assertThat(browser.find("#delete-sample-open").isDisplayed()).isTrue();
        assertThat(account.api().get("/samples/" + sample).status()).isEqualTo(200);
        browser.find("#delete-sample-open").click();
        browser.find("#delete-sample .button.danger").click();
        browser.waitForPath("/app/projects/" + project);
        browser.findWithText(".empty", "no samples yet");
        assertThat(account.api().get("/samples/" + sample).status()).isEqualTo(404);
        assertThat(account.api().get("/data/" + data).status()).isEqualTo(404);
    }

    @Test
    void sharedAndPublicSamplesHaveTheirTabsAndSeveralAreDeletedAtOnce() {
        Users.Account owner = Users.signUp(server, "owner");
        Users.Account reader = Users.signUp(server, "reader");
        long project = Fixtures.project(owner, "Shared kidney study", false);
        String tag = Users.uniqueName("k");
        long shared = Fixtures.sample(owner, project, "Kidney " + tag + " shared");
        long other = Fixtures.sample(owner, project, "Kidney " + tag + " other");
        long publicProject = Fixtures.project(owner, "Open kidney atlas", true);
        Fixtures.sample(owner, publicProject, "Kidney " + tag + " public");
        Fixtures.shareWithUser(owner, "samples", shared, reader, 1);

        // the reader: nothing of their own, the shared sample under "Shared with me", the public one under "Public"
        browser.signIn(reader, Users.PASSWORD, "/app/samples");
        browser.findWithText(".empty", "You have no sample yet");
        browser.find(".tabs a[href='/app/samples?tab=shared']").click();
        browser.findWithText(".table tbody", "Kidney " + tag + " shared");
        assertThat(browser.find(".table tbody").getText()).doesNotContain("other");
        assertThat(browser.find(".tabs a[aria-current=page]").getText()).isEqualTo("Shared with me");
        assertThat(browser.all(".table input[type=checkbox]")).as("only one's own samples are selected for deleting").isEmpty();
        browser.screenshots("samples-shared");
        browser.find(".tabs a[href='/app/samples?tab=public']").click();
        browser.find("#sample-filter").sendKeys(tag + " public");
        // the unfiltered page shows that sample too: the filtered one is the page with it alone
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> browser.all(".table tbody tr").size() == 1);
        browser.findWithText(".table tbody", "Kidney " + tag + " public");
        new Select(browser.find("#sample-type")).selectByValue("DNA");
        browser.findWithText(".empty", "No sample matches these filters");
        browser.screenshots("samples-public");
        // the shared sample opens; it may be read, not changed
        browser.go("/app/samples/" + shared);
        browser.findWithText("h1", "Kidney " + tag + " shared");
        assertThat(browser.all(".page-actions a, .page-actions button")).isEmpty();
        // what the reader may not read looks like what does not exist
        browser.go("/app/samples/" + other);
        browser.findWithText("h1", "Page not found");
        browser.find(".nav-account button").click();
        browser.waitForPath("/app/signin?next=%2Fapp%2Fsamples%2F" + other);

        // the owner selects both of the private project's samples in the list and deletes them at once
        // (their dashboard links the samples they made to their pages)
        browser.signIn(owner, Users.PASSWORD, "/app/");
        browser.find(".activity a[href='/app/samples/" + other + "']").click();
        browser.findWithText("h1", "Kidney " + tag + " other");
        browser.find(".nav-links a[href='/app/samples']").click();
        browser.findWithText(".table tbody", "Kidney " + tag + " other");
        assertThat(browser.all(".table tbody tr")).hasSize(3);
        browser.find("thead input[type=checkbox]").click();
        browser.findWithText(".bulk", "3 selected");
        browser.find("input[aria-label='Select Kidney " + tag + " public']").click();
        browser.findWithText(".bulk", "2 selected");
        assertThat(browser.find("thead input[type=checkbox]").isSelected()).isFalse();
        // Escape closes the dialog without deleting; then asked again and confirmed
        browser.find("#delete-samples-open").click();
        browser.findWithText("#delete-samples-title", "Delete 2 samples?");
        new Actions(browser.driver()).sendKeys(Keys.ESCAPE).perform();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> !browser.all("#delete-samples").get(0).isDisplayed());
        assertThat(owner.api().get("/samples/" + other).status()).isEqualTo(200);
        browser.find("#delete-samples-open").click();
        browser.findWithText("#delete-samples-title", "Delete 2 samples?");
        browser.screenshots("samples-delete");
        browser.find("#delete-samples .button.danger").click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> browser.all(".table tbody tr").size() == 1);
        assertThat(browser.find(".table tbody").getText()).contains("Kidney " + tag + " public");
        assertThat(browser.find(".bulk").getText()).contains("Select samples");
        assertThat(owner.api().get("/samples/" + shared).status()).isEqualTo(404);
        assertThat(owner.api().get("/samples/" + other).status()).isEqualTo(404);
    }
}
