import java.io.FileInputStream;
import java.io.FileOutputStream;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * Fills a sample template (as GET /annotation/sample sends it) with SAMPLES samples of LANES lanes each, paired
 * reads named s{i}_L{lane}_R{1,2}.fastq.gz (the files bench/annotation/import.sh puts in the database), for the
 * import benchmark. Run with the server jar (it holds POI) on the class path:
 *   java -cp server/target/flow-server.jar bench/annotation/FillSheet.java TEMPLATE OUT SAMPLES LANES "PROJECT (#ID)"
 */
public class FillSheet {
    public static void main(String[] a) throws Exception {
        int samples = Integer.parseInt(a[2]);
        int lanes = Integer.parseInt(a[3]);
        String project = a[4];
        try (XSSFWorkbook wb = new XSSFWorkbook(new FileInputStream(a[0]))) {
            Sheet sheet = wb.getSheet("Samples");
            int r = 1;
            for (int i = 1; i <= samples; i++) {
                for (int lane = 1; lane <= lanes; lane++) {
                    Row row = sheet.createRow(r++);
                    String[] v = {"Sample " + i, project, "human", "RNA", "", "", "control", "g" + (i % 50),
                            "s" + i + "_L" + lane + "_R1.fastq.gz", "s" + i + "_L" + lane + "_R2.fastq.gz"};
                    for (int c = 0; c < v.length; c++) if (!v[c].isEmpty()) row.createCell(c).setCellValue(v[c]);
                    row.createCell(10).setCellValue(lane);
                }
            }
            try (FileOutputStream out = new FileOutputStream(a[1])) {
                wb.write(out);
            }
        }
    }
}
