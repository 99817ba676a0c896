package bio.flow.annotation;

import static bio.flow.annotation.Filled.row;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Multipart;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.DataValidation;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.util.AreaReference;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sample template's columns of the metadata attributes a lab defines ("Name (identifier)", a drop-down list of
 * the options when only they are values, a column for the annotation when allowed), and the import reading them into
 * the samples' metadata under the rules of the attributes, each broken rule a problem of its cell. On a server of its
 * own, so that the attributes defined here add no columns to other test classes' templates.
 */
class MetadataColumnsTest {
    private static final byte[] FASTQ = "@r1\nACGT\n+\nIIII\n".getBytes(StandardCharsets.UTF_8);
    private static TestServer server;
    private static String type;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
        Account admin = Users.admin(server);
        type = Users.uniqueName("Cortex-seq");
        assertThat(admin.api().post("/samples/types/create", Map.of("name", type)).status()).isEqualTo(201);
        assertThat(admin.api().post("/samples/metadata/create", Map.of("identifier", "cell_type", "name", "Cell type", "allow_annotation", true,
                "options", List.of("Neuron", "Fibroblast"),
                "sample_type_links", List.of(Map.of("sample_type_identifier", type, "required", true)))).status()).isEqualTo(201);
        assertThat(admin.api().post("/samples/metadata/create", Map.of("identifier", "batch", "name", "Batch")).status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theTemplateHasAColumnPerAttributeWithItsOptionsAsADropDownList() throws IOException {
        Account user = Users.signUp(server, "mcols");
        Api.Res r = user.api().get("/annotation/" + type);
        assertThat(r.status()).isEqualTo(200);
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(r.body()))) {
            Sheet sheet = wb.getSheetAt(0);
            List<String> headers = new ArrayList<>();
            sheet.getRow(0).forEach(c -> headers.add(c.getStringCellValue()));
            assertThat(headers.subList(11, headers.size())).containsExactly("Cell type (cell_type)", "Cell type (cell_type__annotation)",
                    "Batch (batch)");
            DataValidation cellType = null;
            for (DataValidation v : sheet.getDataValidations()) {
                if (v.getRegions().getCellRangeAddress(0).getFirstColumn() == 11) cellType = v;
                assertThat(v.getRegions().getCellRangeAddress(0).getFirstColumn()).as("no list for the free-text columns").isNotIn(12, 13);
            }
            assertThat(cellType).isNotNull();
            String formula = wb.getName(cellType.getValidationConstraint().getFormula1()).getRefersToFormula();
            List<String> values = new ArrayList<>();
            for (CellReference ref : new AreaReference(formula, wb.getSpreadsheetVersion()).getAllReferencedCells()) {
                Row row = wb.getSheet(ref.getSheetName()).getRow(ref.getRow());
                values.add(row.getCell(ref.getCol()).getStringCellValue());
            }
            assertThat(values).containsExactly("Neuron", "Fibroblast");
        }
    }

    @Test
    void theImportChecksAndStoresTheValues() {
        Account user = Users.signUp(server, "mimport");
        for (String f : List.of("a_R1.fastq", "b_R1.fastq", "c_R1.fastq")) Fixtures.upload(user, f, FASTQ, Map.of());
        // columns: name, project, organism, type, source, target, condition, group, read 1, read 2, lane, cell type, its note, batch
        byte[] bad = Filled.template(user, "sample", List.of(
                row("A", null, "human", type, null, null, null, null, "a_R1.fastq", null, null, "neuron", "layer 5", "b1"),
                row("B", null, "human", type, null, null, null, null, "b_R1.fastq", null, null, null, "a note alone", null),
                row("C", null, "human", "RNA", null, null, null, null, "c_R1.fastq", null, null, "Liver", null, null)));
        for (boolean dryRun : List.of(true, false)) {
            Api.Res refused = Filled.post(user, bad, dryRun);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertThat(Filled.cells(refused)).containsExactlyInAnyOrder("Samples!L3", "Samples!L4");
            assertThat(Filled.messages(refused)).anySatisfy(m -> assertThat(m).startsWith("L3: ").contains("required").contains(type))
                    .anySatisfy(m -> assertThat(m).startsWith("L4: ").contains("Liver"));
        }
        assertThat(user.api().get("/samples/owned").json().path("count").asLong()).isZero();

        byte[] good = Filled.template(user, "sample", List.of(
                row("A", null, "human", type, null, null, null, null, "a_R1.fastq", null, null, "neuron", "layer 5", "b1"),
                row("B", null, "human", type, null, null, null, null, "b_R1.fastq", null, null, "FIBROBLAST", null, null),
                row("C", null, "human", "RNA", null, null, null, null, "c_R1.fastq", null, null, null, null, "b2")));
        Api.Res done = Filled.post(user, good, false);
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        JsonNode a = user.api().get("/samples/" + done.json().path("samples").get(0).path("id").asLong()).json().path("metadata");
        assertThat(a.path("cell_type").asText()).isEqualTo("Neuron");
        assertThat(a.path("cell_type__annotation").asText()).isEqualTo("layer 5");
        assertThat(a.path("batch").asText()).isEqualTo("b1");
        JsonNode b = user.api().get("/samples/" + done.json().path("samples").get(1).path("id").asLong()).json().path("metadata");
        assertThat(b.path("cell_type").asText()).isEqualTo("Fibroblast");
        assertThat(b.has("batch")).isFalse();

        // a sheet that updates B leaving its cell type empty keeps the value B has: no problem
        Api.Res update = Filled.post(user, Filled.template(user, "sample", List.of(
                row("B", null, "human", type, null, null, "treated", null, "b_R1.fastq", null, null, null, null, "b3"))), false);
        assertThat(update.status()).as(update.toString()).isEqualTo(200);
        JsonNode updated = user.api().get("/samples/" + done.json().path("samples").get(1).path("id").asLong()).json();
        assertThat(updated.path("condition").asText()).isEqualTo("treated");
        assertThat(updated.path("metadata").path("cell_type").asText()).isEqualTo("Fibroblast");
        assertThat(updated.path("metadata").path("batch").asText()).isEqualTo("b3");
    }

    /** A multiplexed sheet's attribute columns fill its samples' metadata under the same rules as the sample sheet's. */
    @Test
    void aMultiplexedSheetsAttributeColumnsFillItsSamplesMetadata() throws Exception {
        Account user = Users.signUp(server, "mxcols");
        String header = "Sample name,Barcode,Reads 1 file,Sample type,Cell type (cell_type),Batch (batch)\n";
        String bad = header + "mxa,ACGTACGT,mxcols_R1.fq," + type + ",neuron,b1\nmxb,TTTTGGGG,mxcols_R1.fq," + type + ",Liver,\n";
        Api.Res refused = piece(user.api(), "/upload/annotation", "mx.csv", bad.getBytes(StandardCharsets.UTF_8), null);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        JsonNode problems = refused.json().path("error").path("details").path("validation");
        // the value not among the options (and so, the attribute being required for the type, the value missing): row 3 only
        assertThat(problems.findValues("row").stream().map(JsonNode::asInt)).isNotEmpty().containsOnly(3);
        assertThat(problems.get(0).path("column").asText()).isEqualTo("Cell type (cell_type)");
        assertThat(problems.get(0).path("message").asText()).contains("'Liver' is not one of the options");

        String good = header + "mxa,ACGTACGT,mxcols_R1.fq," + type + ",neuron,b1\nmxb,TTTTGGGG,mxcols_R1.fq," + type + ",Fibroblast,\n";
        Api.Res stored = piece(user.api(), "/upload/annotation", "mx.csv", good.getBytes(StandardCharsets.UTF_8), null);
        assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
        long id = stored.json().path("id").asLong();
        StringBuilder reads = new StringBuilder();
        for (int i = 0; i < 4; i++) reads.append("@a").append(i).append(" 1:N:0:ACGTACGT\nACGTACGTAC\n+\nIIIIIIIIII\n");
        for (int i = 0; i < 3; i++) reads.append("@b").append(i).append(" 1:N:0:TTTTGGGG\nACGTACGTAC\n+\nIIIIIIIIII\n");
        assertThat(piece(user.api(), "/upload/multiplexed", "mxcols_R1.fq", reads.toString().getBytes(StandardCharsets.UTF_8), null).status())
                .isEqualTo(200);
        JsonNode status = null;
        for (int i = 0; i < 300 && (status == null || !status.path("status").asText().equals("done")); i++) {
            if (status != null) Thread.sleep(100);
            status = user.api().get("/upload/multiplexed/" + id).json();
        }
        assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("done");
        JsonNode samples = user.api().get("/samples/owned").json().path("samples");
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        samples.forEach(x -> byName.put(x.path("name").asText(), x));
        JsonNode a = user.api().get("/samples/" + byName.get("mxa").path("id").asLong()).json().path("metadata");
        JsonNode b = user.api().get("/samples/" + byName.get("mxb").path("id").asLong()).json().path("metadata");
        assertThat(a.path("cell_type").asText()).as("as the option is spelt").isEqualTo("Neuron");
        assertThat(a.path("batch").asText()).isEqualTo("b1");
        assertThat(b.path("cell_type").asText()).isEqualTo("Fibroblast");
        assertThat(b.has("batch")).isFalse();
    }

    private static Api.Res piece(Api api, String path, String filename, byte[] bytes, String reads1) {
        Multipart m = new Multipart().field("filename", filename).field("expected_file_size", 0).field("is_last", true).field("data", "");
        if (reads1 != null) m.field("reads1", reads1);
        return m.file("blob", filename, bytes).post(api, path);
    }
}
