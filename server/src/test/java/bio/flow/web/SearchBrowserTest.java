package bio.flow.web;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Browser;
import bio.flow.testing.BrowserTest;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Users;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;

/**
 * The search box and the search page in a real headless Chromium ({@link Browser}): what the caller may read is found
 * and grouped, a stranger's private project is not, a signed-out visitor finds public things, and the query is in
 * the address (a reload searches again).
 */
class SearchBrowserTest extends BrowserTest {

    @Test
    void theSearchBoxFindsWhatTheCallerMayReadGroupedByKind() {
        Users.Account owner = Users.signUp(server, "search-owner");
        Users.Account stranger = Users.signUp(server, "search-stranger");
        String word = "quokka" + Users.uniqueName("").replaceAll("[^a-z0-9]", "");
        long project = Fixtures.project(owner, word + " kidney atlas", false);
        Fixtures.sample(owner, project, word + "_kidney_1");
        Fixtures.project(stranger, word + " secret plans", false);
        Fixtures.project(stranger, word + " open atlas", true);

        browser.signIn(owner, Users.PASSWORD);
        browser.find("#nav-search").sendKeys(word + Keys.ENTER);
        browser.findWithText("h1", "Search: " + word);
        assertThat(browser.path()).isEqualTo("/app/search?q=" + word);
        browser.findWithText("#results-Projects", "Projects (2)");
        browser.findWithText("#results-Samples", "Samples (1)");
        String page = browser.find("main").getText();
        assertThat(page).contains(word + " kidney atlas", word + " open atlas", word + "_kidney_1").doesNotContain("secret plans");
        browser.screenshots("search");

        browser.driver().navigate().refresh();
        browser.findWithText("#results-Projects", "Projects (2)");
        browser.all(".results a").stream().filter(a -> a.getText().equals(word + " kidney atlas")).findFirst().orElseThrow().click();
        browser.waitForPath("/app/projects/" + project);

        // signed out, the public project alone
        browser.find(".nav-account button").click();
        browser.find(".nav-account a[href='/app/signin']");
        browser.go("/app/search?q=" + word);
        browser.findWithText("#results-Projects", "Projects (1)");
        assertThat(browser.find("main").getText()).contains(word + " open atlas").doesNotContain("kidney");
    }
}
