package io.sluice.pipeline.server;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.engine.algebra.Row;
import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.controller.Controller;
import io.sluice.pipeline.controller.Pipeline;
import io.sluice.pipeline.format.RowJsonWriter;
import io.sluice.sql.AdHocQuery;
import io.sluice.sql.Column;
import io.sluice.sql.SqlCompileException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /query?sql=SELECT...&format=text|json|csv}: runs a SELECT over the latest consistent
 * snapshot of the materialized tables and views. {@code json} answers one JSON object per row per
 * line; {@code text} a plain table; {@code csv} a header line of column names, then one line per row.
 */
final class QueryEndpoint {
    private final Pipeline pipeline;

    QueryEndpoint(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    void handle(Exchange ex) throws IOException {
        Controller controller = pipeline.controller();
        String sql = ex.param("sql");
        if (sql == null || sql.isBlank()) {
            throw new SluiceException(ErrorCode.INVALID_PARAM, "missing parameter sql", Map.of("error", "missing sql"));
        }
        String format = ex.param("format") == null ? "text" : ex.param("format");
        if (!format.equals("json") && !format.equals("text") && !format.equals("csv")) {
            throw new SluiceException(ErrorCode.INVALID_PARAM, "query format must be text, json or csv, not '" + format + "'",
                    Map.of("error", "unsupported format"));
        }
        AdHocQuery query;
        List<Row> rows;
        try {
            query = pipeline.program().compileQuery(sql);
            rows = query.run(controller::snapshot);
        } catch (SqlCompileException | io.sluice.engine.EvaluationException | IllegalArgumentException e) {
            throw new SluiceException(ErrorCode.AD_HOC_QUERY_ERROR, e.getMessage(), Map.of("error", e.getMessage()));
        }
        if (format.equals("json")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            RowJsonWriter writer = new RowJsonWriter(query.columns());
            for (Row row : rows) {
                try (JsonGenerator gen = Exchange.JSON.getFactory().createGenerator(out)) {
                    writer.write(gen, row);
                }
                out.write('\n');
            }
            ex.send(200, "application/json", out.toByteArray());
        } else if (format.equals("csv")) {
            ex.sendText(200, "text/csv; charset=utf-8", csv(query.columns(), rows));
        } else {
            ex.sendText(200, "text/plain; charset=utf-8", table(query.columns(), rows));
        }
    }

    private static String csv(List<Column> columns, List<Row> rows) {
        StringBuilder s = new StringBuilder();
        for (int c = 0; c < columns.size(); c++) {
            if (c > 0) {
                s.append(',');
            }
            CsvRowWriter.quoted(s, columns.get(c).name());
        }
        s.append('\n');
        for (Row row : rows) {
            CsvRowWriter.append(s, row);
            s.append('\n');
        }
        return s.toString();
    }

    private static String table(List<Column> columns, List<Row> rows) {
        int n = columns.size();
        String[][] cells = new String[rows.size() + 1][n];
        int[] width = new int[n];
        for (int c = 0; c < n; c++) {
            cells[0][c] = columns.get(c).name();
        }
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < n; c++) {
                Object v = rows.get(r).get(c);
                cells[r + 1][c] = v == null ? "NULL" : v instanceof java.math.BigDecimal d ? d.toPlainString() : v.toString();
            }
        }
        for (String[] line : cells) {
            for (int c = 0; c < n; c++) {
                width[c] = Math.max(width[c], line[c].length());
            }
        }
        StringBuilder s = new StringBuilder();
        StringBuilder rule = new StringBuilder("+");
        for (int c = 0; c < n; c++) {
            rule.append("-".repeat(width[c] + 2)).append('+');
        }
        s.append(rule).append('\n');
        for (int r = 0; r < cells.length; r++) {
            s.append('|');
            for (int c = 0; c < n; c++) {
                s.append(' ').append(cells[r][c]).append(" ".repeat(width[c] - cells[r][c].length())).append(" |");
            }
            s.append('\n');
            if (r == 0) {
                s.append(rule).append('\n');
            }
        }
        return s.append(rule).append('\n').toString();
    }
}
