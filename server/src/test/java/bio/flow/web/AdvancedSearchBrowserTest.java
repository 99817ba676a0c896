package bio.flow.web;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Browser;
import bio.flow.testing.BrowserTest;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Users;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.support.ui.Select;

/**
 * The advanced search pages (/app/search/KIND) in a real headless Chromium ({@link Browser}): their filters find
 * exactly what they should among things made through the API, the address carries the filters and the page (a reload
 * or a link shows the same results), and what a stranger keeps private never shows.
 */
class AdvancedSearchBrowserTest extends BrowserTest {

    /** A word no other test's names contain, so that a search sees this test's things only. */
    private static String word() {
        return "okapi" + Users.uniqueName("").replaceAll("[^a-z0-9]", "");
    }

    /** Waits (up to 10 s) until the results table's first column shows these names, in this order. */
    private static void shows(Browser b, String... names) {
        List<String> expected = List.of(names);
        try {
            new WebDriverWait(b.driver(), Duration.ofSeconds(10)).ignoring(StaleElementReferenceException.class)
                    .until(d -> b.all("main tbody tr td:first-child").stream().map(WebElement::getText).toList().equals(expected));
        } catch (TimeoutException e) {
            assertThat(b.all("main tbody tr td:first-child").stream().map(WebElement::getText).toList()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void samplesFilteredByOrganismAndNameFromTheQuickSearchAndTheAddressKeepsTheFilters() {
        Users.Account owner = Users.signUp(server, "adv-owner");
        Users.Account stranger = Users.signUp(server, "adv-stranger");
        String word = word();
        long project = Fixtures.project(owner, word + " liver atlas", false);
        Fixtures.sample(owner, Map.of("name", word + "_liver_1", "project", project, "organism", "human", "sample_type", "RNA"));
        Fixtures.sample(owner, Map.of("name", word + "_liver_2", "project", project, "organism", "mouse", "sample_type", "RNA"));
        Fixtures.sample(owner, Map.of("name", word + "_kidney_1", "project", project, "organism", "human", "sample_type", "RNA"));
        Fixtures.sample(stranger, Fixtures.project(stranger, word + " private", false), word + "_liver_secret");
        Fixtures.sample(stranger, Fixtures.project(stranger, word + " open", true), word + "_liver_open");

        // from the quick search's samples group into the advanced search, the query carried
        browser.signIn(owner, Users.PASSWORD);
        browser.go("/app/search?q=" + word);
        browser.findWithText("#results-Samples", "Samples (4)");
        browser.find(".result-groups a[href='/app/search/samples?filter=" + word + "']").click();
        browser.waitForPath("/app/search/samples?filter=" + word);
        browser.findWithText("h1", "Search samples");
        assertThat(browser.find("#search-filter").getDomProperty("value")).isEqualTo(word);
        browser.findWithText(".search-count", "4 found");
        shows(browser, word + "_liver_open", word + "_kidney_1", word + "_liver_2", word + "_liver_1");

        // a select searches at once; the text when the form is sent
        new Select(browser.find("#search-organism")).selectByValue("human");
        browser.waitForPath("/app/search/samples?filter=" + word + "&organism=human");
        browser.findWithText(".search-count", "3 found");
        shows(browser, word + "_liver_open", word + "_kidney_1", word + "_liver_1");
        Browser.replaceText(browser.find("#search-filter"), word + "_liver");
        browser.submit("form[role=search][aria-label='Search samples']");
        String address = "/app/search/samples?filter=" + word + "_liver&organism=human";
        browser.waitForPath(address);
        browser.findWithText(".search-count", "2 found");
        shows(browser, word + "_liver_open", word + "_liver_1");
        browser.screenshots("search-samples");

        // the address is the search: a reload shows the same, with the same filters in the form
        browser.driver().navigate().refresh();
        browser.findWithText(".search-count", "2 found");
        shows(browser, word + "_liver_open", word + "_liver_1");
        assertThat(new Select(browser.find("#search-organism")).getFirstSelectedOption().getDomProperty("value")).isEqualTo("human");
        assertThat(browser.find("#search-filter").getDomProperty("value")).isEqualTo(word + "_liver");

        // back goes to the previous search
        browser.driver().navigate().back();
        browser.waitForPath("/app/search/samples?filter=" + word + "&organism=human");
        browser.findWithText(".search-count", "3 found");
        assertThat(browser.find("#search-filter").getDomProperty("value")).isEqualTo(word);

        // the same link signed out: the public sample alone
        Browser visitor = anotherBrowser();
        visitor.go(address);
        visitor.findWithText(".search-count", "1 found");
        shows(visitor, word + "_liver_open");
        // the stranger sees their own two, not the owner's
        Browser other = anotherBrowser();
        other.signIn(stranger, Users.PASSWORD, address);
        other.findWithText(".search-count", "2 found");
        shows(other, word + "_liver_open", word + "_liver_secret");
    }

    @Test
    void dataFilteredByTypeAndExecutionsByStatusNeverAStrangersPrivateOnes() {
        Users.Account owner = Users.signUp(server, "adv-data");
        Users.Account stranger = Users.signUp(server, "adv-data-stranger");
        String word = word();
        Fixtures.upload(owner, word + "_counts.csv", "gene,count\nTP53,12\n".getBytes(StandardCharsets.UTF_8), Map.of());
        Fixtures.upload(owner, word + "_reads.fastq", "@r1\nACGT\n+\nIIII\n".getBytes(StandardCharsets.UTF_8), Map.of());
        Fixtures.upload(stranger, word + "_secret.csv", "gene,count\nBRCA1,3\n".getBytes(StandardCharsets.UTF_8), Map.of());
        execution(owner, word + " run 1", "completed");
        execution(owner, word + " run 2", "failed");
        execution(owner, word + " run 3", "completed");
        execution(stranger, word + " secret run", "failed");

        browser.signIn(owner, Users.PASSWORD);
        browser.go("/app/search/data?filter=" + word);
        browser.findWithText(".search-count", "2 found");
        new Select(browser.find("#search-data_type")).selectByValue("CSV");
        browser.waitForPath("/app/search/data?filter=" + word + "&data_type=CSV");
        browser.findWithText(".search-count", "1 found");
        shows(browser, word + "_counts.csv");
        browser.screenshots("search-data");

        // a filter the API refuses is shown beside its field
        browser.go("/app/search/data?filter=" + word + "&created_after=2030-01-02&created_before=2030-01-01");
        browser.findWithText("#search-created_after-error", "not be later than created_before");
        assertThat(browser.find("#search-created_after").getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.all("main table")).isEmpty();
        browser.go("/app/search/data?filter=" + word + "&data_type=CSV");
        shows(browser, word + "_counts.csv");

        // the tabs carry the text to the other kinds
        browser.find("nav[aria-label='What to search'] a[href='/app/search/executions?filter=" + word + "']").click();
        browser.findWithText("h1", "Search executions");
        browser.findWithText(".search-count", "3 found");
        new Select(browser.find("#search-status")).selectByValue("failed");
        browser.waitForPath("/app/search/executions?filter=" + word + "&status=failed");
        browser.findWithText(".search-count", "1 found");
        shows(browser, word + " run 2");
        assertThat(browser.find("main tbody").getText()).contains("Failed");
        browser.screenshots("search-executions");
    }

    @Test
    void resultsArePagedAndThePageIsInTheAddress() {
        Users.Account owner = Users.signUp(server, "adv-pages");
        String word = word();
        long project = Fixtures.project(owner, word + " many", false);
        for (int i = 1; i <= 27; i++) Fixtures.sample(owner, project, String.format("%s_%02d", word, i));

        browser.signIn(owner, Users.PASSWORD);
        browser.go("/app/search/samples?filter=" + word);
        browser.findWithText(".search-count", "27 found");
        browser.findWithText(".pager", "1–25 of 27");
        shows(browser, java.util.stream.IntStream.iterate(27, i -> i - 1).limit(25).mapToObj(i -> String.format("%s_%02d", word, i)).toArray(String[]::new));
        browser.findWithText(".pager button:last-of-type", "Next").click();
        browser.waitForPath("/app/search/samples?filter=" + word + "&offset=25");
        browser.findWithText(".pager", "26–27 of 27");
        shows(browser, word + "_02", word + "_01");

        browser.driver().navigate().refresh();
        browser.findWithText(".pager", "26–27 of 27");
        shows(browser, word + "_02", word + "_01");
        // a new search starts at its first page
        new Select(browser.find("#search-organism")).selectByValue("human");
        browser.waitForPath("/app/search/samples?filter=" + word + "&organism=human");
        browser.findWithText(".pager", "1–25 of 27");
    }

    /**
     * A finished execution of {@code owner}'s, as a past run leaves it (the engine takes pending ones only): running
     * pipelines to reach each status is the executions tests' business, not the search's.
     */
    private static void execution(Users.Account owner, String name, String status) {
        server.jdbi().useHandle(h -> h.createUpdate("INSERT INTO executions (name, owner_id, status, pipeline, pipeline_version, started, finished) "
                        + "VALUES (:name, :owner, :status, 'FASTQ QC', '1.0', now(), now())")
                .bind("name", name).bind("owner", owner.id()).bind("status", status).execute());
    }
}
