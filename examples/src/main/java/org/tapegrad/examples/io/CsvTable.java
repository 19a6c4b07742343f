package org.tapegrad.examples.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small table written as RFC 4180 CSV: a header line, then one line per row. Numbers are written with
 * {@link Double#toString} precision (round-trips exactly) in the C locale so any tool can read them back.
 */
public final class CsvTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public CsvTable(String... header) {
        if (header.length == 0) {
            throw new IllegalArgumentException("a CSV table needs at least one column");
        }
        this.header = List.of(header);
    }

    /** Appends a row; numbers, strings and anything else (via {@code toString}) are accepted. */
    public CsvTable add(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("CSV row has " + cells.length + " cells but the header " + header + " has " + header.size());
        }
        List<String> row = new ArrayList<>(cells.length);
        for (Object c : cells) {
            row.add(format(c));
        }
        rows.add(row);
        return this;
    }

    public int rowCount() {
        return rows.size();
    }

    /** The CSV text. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        line(sb, header);
        for (List<String> r : rows) {
            line(sb, r);
        }
        return sb.toString();
    }

    /** Writes the table atomically to {@code target}. */
    public Path write(Path target) {
        return AtomicFiles.writeString(target, render());
    }

    private static void line(StringBuilder sb, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(quote(cells.get(i)));
        }
        sb.append('\n');
    }

    private static String format(Object c) {
        if (c instanceof Double d) {
            return Double.isFinite(d) ? Double.toString(d) : (d.isNaN() ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"));
        }
        if (c instanceof Float f) {
            return Float.toString(f);
        }
        return c == null ? "" : String.format(Locale.ROOT, "%s", c);
    }

    private static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
