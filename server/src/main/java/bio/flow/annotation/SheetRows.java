package bio.flow.annotation;

/** The rows of a filled sheet, read one at a time: of an .xlsx workbook ({@link Xlsx.Rows}) or of a .csv file ({@link Csv}). */
interface SheetRows extends AutoCloseable {
    /** The next row, keeping the cells of its first {@code columns} columns; null after the last. */
    Xlsx.Row next(int columns);

    @Override
    void close();
}
