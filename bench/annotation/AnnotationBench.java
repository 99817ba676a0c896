package bio.flow.annotation;

import bio.flow.vocabularies.Vocabularies.Choices;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * Times the annotation workbooks without a server (see bench/annotation/README.md): writing a sample template
 * whose project list has 200 entries, and reading and checking a 10,000-row filled template (the streaming
 * reader Xlsx and SampleSheet's cell checks, as POST /upload/annotation does). In package bio.flow.annotation to reach its package-private classes.
 */
public class AnnotationBench {
    public static void main(String[] a) throws Exception {
        List<String> orgs = new ArrayList<>(); for (int i = 0; i < 12; i++) orgs.add("org" + i);
        List<Templates.Project> projects = new ArrayList<>(); for (int i = 0; i < 200; i++) projects.add(new Templates.Project(i, "Project " + i));
        Choices c = new Choices(orgs, List.of("RNA","DNA"), List.of("HeLa","HEK293"), List.of("TDP-43"), List.of("FASTQ","BED"));
        var lists = Templates.lists(c, projects);
        byte[] t = null;
        for (int i = 0; i < 5; i++) Templates.write(Templates.Kind.SAMPLE, lists);
        long t0 = System.nanoTime();
        int n = 20;
        for (int i = 0; i < n; i++) t = Templates.write(Templates.Kind.SAMPLE, lists);
        System.out.printf("template: %.1f ms each, %d bytes%n", (System.nanoTime() - t0) / 1e6 / n, t.length);
        byte[] filled;
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(t))) {
            Sheet s = wb.getSheet("Samples");
            for (int r = 1; r <= 10_000; r++) {
                Row row = s.createRow(r);
                String[] v = {"Sample " + r, "Project 1 (#1)", "org1", "RNA", "HeLa", "TDP-43", "control", "g" + (r % 50), "s" + r + "_R1.fastq.gz", "s" + r + "_R2.fastq.gz"};
                for (int i = 0; i < v.length; i++) row.createCell(i).setCellValue(v[i]);
                row.createCell(10).setCellValue(1);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(); wb.write(out); filled = out.toByteArray();
        }
        System.out.printf("10,000-row workbook: %d bytes%n", filled.length); 
        for (int k = 0; k < 3; k++) {
            System.gc();
            Runtime rt = Runtime.getRuntime();
            long before = rt.totalMemory() - rt.freeMemory();
            long t1 = System.nanoTime();
            try (Xlsx x = Xlsx.open(filled, List.of("Samples", "Data"), "")) {
                SampleSheet sheet = SampleSheet.read(x, lists);
                long t2 = System.nanoTime();
                long held = rt.totalMemory() - rt.freeMemory() - before;
                System.out.printf("read and check cells %.0f ms (heap +%d MB after, garbage included), rows %d, problems %d%n",
                        (t2 - t1) / 1e6, held >> 20, sheet.rows().size(), sheet.problems().size());
            }
        }
    }
}
