package io.sluice.pipeline.format;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.sluice.engine.algebra.Row;
import io.sluice.sql.Column;
import io.sluice.sql.Relation;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * CSV ingress: comma-separated, newline-terminated UTF-8 with standard double-quote quoting; columns
 * in declaration order; extra trailing fields ignored, missing ones NULL. Every record is an insert
 * (an upsert on a table with a primary key): CSV cannot delete.
 */
record CsvInputFormat() implements InputFormat {
    private static final CsvMapper MAPPER = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);

    @Override
    public ParsedInput parse(InputStream body, Relation table) throws IOException {
        CountingInputStream in = new CountingInputStream(body);
        List<Column> cols = table.columns();
        List<Change> changes = new ArrayList<>();
        Errors errors = new Errors();
        long record = 0;
        try (MappingIterator<String[]> it = MAPPER.readerFor(String[].class).readValues(in)) {
            while (true) {
                String[] fields;
                try {
                    if (!it.hasNextValue()) {
                        break;
                    }
                    fields = it.nextValue();
                } catch (IOException | RuntimeException e) {
                    errors.add(ParseError.of(record + 1, null, "malformed CSV: " + e.getMessage(), null));
                    break;
                }
                record++;
                if (fields.length == 0 || (fields.length == 1 && fields[0].isEmpty() && cols.size() > 1)) {
                    record--;
                    continue;
                }
                parseRecord(fields, record, table, cols, changes, errors);
            }
        }
        return new ParsedInput(changes, errors.listed, errors.count, in.count());
    }

    private static void parseRecord(String[] fields, long number, Relation table, List<Column> cols,
            List<Change> out, Errors errors) {
        Object[] values = new Object[cols.size()];
        for (int i = 0; i < cols.size(); i++) {
            Column c = cols.get(i);
            String text = i < fields.length ? fields[i] : null;
            try {
                values[i] = ValueConverter.fromText(text, c.type());
            } catch (ValueParseException e) {
                errors.add(ParseError.of(number, c.name(), "column " + c.name() + ": " + e.getMessage(), text));
                return;
            }
            if (values[i] == null && !c.nullable()) {
                errors.add(ParseError.of(number, c.name(), "column " + c.name() + " is NOT NULL but the field is empty",
                        String.join(",", fields)));
                return;
            }
        }
        out.add(new Change(Row.wrap(values), 1));
    }
}
