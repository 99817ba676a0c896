package bio.flow.annotation;

import static bio.flow.testing.Answers.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.DataValidation;
import org.apache.poi.ss.usermodel.DataValidationConstraint;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.util.AreaReference;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /annotation/{type} over real HTTP: the answer is parsed with POI, as a spreadsheet program would read it, and
 * its headers, drop-down lists (data validations and the named ranges they refer to) and instructions are checked,
 * and that the lists follow the database: the vocabularies as admins change them, and the caller's own projects.
 * The server is shared: names made here are unique, and lists are only assumed to hold what this test made.
 */
class AnnotationTemplateTest {
    private static final TestServer server = TestServer.shared();
    private static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    private static Account admin;

    @BeforeAll
    static void setUp() {
        admin = Users.admin(server);
    }

    /** A template as parsed: the sheet to fill, its headers, and each validated column's validation. */
    private record Template(Workbook workbook, Sheet sheet, List<String> headers, Map<String, DataValidation> validations) {
        /** The values the drop-down list of the column headed {@code header} offers. */
        List<String> list(String header) {
            DataValidationConstraint c = validations.get(header).getValidationConstraint();
            assertThat(c.getValidationType()).isEqualTo(DataValidationConstraint.ValidationType.LIST);
            String formula = workbook.getName(c.getFormula1()).getRefersToFormula();
            AreaReference area = new AreaReference(formula, workbook.getSpreadsheetVersion());
            Sheet lists = workbook.getSheet(area.getFirstCell().getSheetName());
            List<String> values = new ArrayList<>();
            for (CellReference ref : area.getAllReferencedCells()) {
                Row row = lists.getRow(ref.getRow());
                Cell cell = row == null ? null : row.getCell(ref.getCol());
                if (cell != null) values.add(cell.getStringCellValue());
            }
            return values;
        }
    }

    private static Template template(Api api, String type) throws IOException {
        Api.Res r = api.get("/annotation/" + type);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo(XLSX);
        assertThat(r.header("Content-Disposition")).startsWith("attachment; filename=\"flow-" + type + "-annotation.xlsx\"");
        Workbook wb = new XSSFWorkbook(new ByteArrayInputStream(r.body()));
        Sheet sheet = wb.getSheetAt(0);
        List<String> headers = new ArrayList<>();
        sheet.getRow(0).forEach(c -> headers.add(c.getStringCellValue()));
        Map<String, DataValidation> validations = new LinkedHashMap<>();
        for (DataValidation v : sheet.getDataValidations()) {
            CellRangeAddress range = v.getRegions().getCellRangeAddress(0);
            assertThat(v.getRegions().countRanges()).isEqualTo(1);
            assertThat(range.getFirstRow()).as("validations start under the header").isEqualTo(1);
            assertThat(range.getLastRow()).isEqualTo(10_000);
            assertThat(range.getFirstColumn()).isEqualTo(range.getLastColumn());
            assertThat(v.getShowErrorBox()).isTrue();
            validations.put(headers.get(range.getFirstColumn()), v);
        }
        return new Template(wb, sheet, headers, validations);
    }

    private static long project(Account owner, String name) {
        Api.Res r = owner.api().post("/projects/new", Map.of("name", name));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("id").asLong();
    }

    @Test
    void sampleTemplateHasRequiredColumnsDropDownsAnExampleAndInstructions() throws IOException {
        Account user = Users.signUp(server, "annot");
        long project = project(user, "Annotated project");
        Template t = template(user.api(), "sample");

        assertThat(t.workbook().getSheetAt(0).getSheetName()).isEqualTo("Samples");
        assertThat(t.workbook().getSheetName(1)).isEqualTo("Instructions");
        assertThat(t.workbook().getSheetName(2)).isEqualTo("Lists");
        assertThat(t.workbook().isSheetHidden(2)).isTrue();
        // the fixed columns first; metadata attributes other test classes define add theirs after them, headed
        // "Name (identifier)" (MetadataColumnsTest)
        assertThat(t.headers().subList(0, 11)).containsExactly("Sample name *", "Project", "Organism *", "Sample type", "Source",
                "Purification target", "Condition", "Replicate group", "Read 1 file *", "Read 2 file", "Lane");
        assertThat(t.sheet().getLastRowNum()).as("nothing to import under the header").isEqualTo(0);
        assertThat(t.validations().keySet().stream().filter(h -> !h.endsWith(")"))).containsExactlyInAnyOrder("Project", "Organism *",
                "Sample type", "Source", "Purification target", "Lane");

        assertThat(t.list("Project")).containsExactly("Annotated project (#" + project + ")");
        assertThat(t.list("Organism *")).contains("human", "mouse").allMatch(o -> o.equals(o.toLowerCase(Locale.ROOT)));
        assertThat(t.list("Sample type")).contains("RNA", "DNA");
        DataValidationConstraint lane = t.validations().get("Lane").getValidationConstraint();
        assertThat(lane.getValidationType()).isEqualTo(DataValidationConstraint.ValidationType.INTEGER);
        assertThat(lane.getOperator()).isEqualTo(DataValidationConstraint.OperatorType.GREATER_OR_EQUAL);
        assertThat(lane.getFormula1()).isEqualTo("1");

        // The instructions name every column and end with an example row under the same headers.
        Sheet instructions = t.workbook().getSheet("Instructions");
        DataFormatter f = new DataFormatter();
        List<String> firstColumn = new ArrayList<>();
        instructions.forEach(row -> firstColumn.add(row.getCell(0) == null ? "" : f.formatCellValue(row.getCell(0))));
        assertThat(firstColumn).contains("Sample name", "Project", "Organism", "Read 1 file", "Read 2 file", "Lane");
        Row exampleHeader = instructions.getRow(instructions.getLastRowNum() - 1);
        Row example = instructions.getRow(instructions.getLastRowNum());
        List<String> exampleHeaders = new ArrayList<>();
        exampleHeader.forEach(c -> exampleHeaders.add(c.getStringCellValue()));
        assertThat(exampleHeaders).isEqualTo(t.headers());
        assertThat(f.formatCellValue(example.getCell(0))).isEqualTo("HeLa_CLIP_rep1");
        assertThat(f.formatCellValue(example.getCell(2))).isEqualTo("human");
        assertThat(t.list("Project")).contains(f.formatCellValue(example.getCell(1)));
    }

    @Test
    void dataTemplateHasFileNameDataTypeAndSample() throws IOException {
        Account user = Users.signUp(server, "annot");
        Template t = template(user.api(), "data");
        assertThat(t.sheet().getSheetName()).isEqualTo("Data");
        assertThat(t.headers()).containsExactly("File name *", "Data type *", "Sample");
        assertThat(t.validations().keySet()).containsExactly("Data type *");
        assertThat(t.list("Data type *")).contains("FASTQ", "BED", "OTHER");
    }

    @Test
    void listsFollowTheVocabulariesAndTheCallersProjects() throws IOException {
        Account user = Users.signUp(server, "annot");
        Account other = Users.signUp(server, "annot");
        String unique = Users.uniqueName("v").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        Template before = template(user.api(), "sample");
        assertThat(before.list("Organism *")).doesNotContain(unique);
        assertThat(before.list("Project")).isEmpty();

        assertThat(admin.api().post("/organisms/create", Map.of("id", unique, "name", "Organism " + unique)).status()).isEqualTo(201);
        assertThat(admin.api().post("/samples/types/create", Map.of("name", "Type " + unique)).status()).isEqualTo(201);
        assertThat(admin.api().post("/samples/sources/create", Map.of("name", "Source " + unique)).status()).isEqualTo(201);
        assertThat(admin.api().post("/samples/purification_targets/create", Map.of("name", "Target " + unique)).status()).isEqualTo(201);
        String dataType = unique.toUpperCase(Locale.ROOT);
        assertThat(admin.api().post("/data/types/create", Map.of("identifier", dataType, "name", "Data " + unique)).status()).isEqualTo(201);
        long own = project(user, "=HYPERLINK(\"x\") mine");
        long editable = project(other, "Shared to edit");
        long readable = project(other, "Shared to read");
        long notShared = project(other, "Not shared");
        share(other, editable, user, 2);
        share(other, readable, user, 1);

        Template after = template(user.api(), "sample");
        assertThat(after.list("Organism *")).contains(unique);
        assertThat(after.list("Sample type")).contains("Type " + unique);
        assertThat(after.list("Source")).contains("Source " + unique);
        assertThat(after.list("Purification target")).contains("Target " + unique);
        // A project name that looks like a formula is kept as text.
        assertThat(after.list("Project")).containsExactly("=HYPERLINK(\"x\") mine (#" + own + ")", "Shared to edit (#" + editable + ")");
        assertThat(after.list("Project")).noneMatch(p -> p.endsWith("(#" + readable + ")") || p.endsWith("(#" + notShared + ")"));
        assertThat(template(user.api(), "data").list("Data type *")).contains(dataType);
    }

    private static void share(Account owner, long project, Account with, int permission) {
        Api.Res r = owner.api().post("/projects/" + project + "/share", Map.of("users", List.of(with.username()), "permission", permission));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    @Test
    void otherTypesAre404AndTemplatesNeedSigningIn() {
        Account user = Users.signUp(server, "annot");
        assertStatus(user.api().get("/annotation/project"), 404, "NOT_FOUND");
        assertStatus(user.api().get("/annotation/Sample"), 404, "NOT_FOUND");
        assertStatus(server.client().get("/annotation/sample"), 401, "UNAUTHORIZED");
        assertStatus(server.client().get("/annotation/data"), 401, "UNAUTHORIZED");
        assertStatus(server.client().get("/annotation/project"), 401, "UNAUTHORIZED");
    }
}
