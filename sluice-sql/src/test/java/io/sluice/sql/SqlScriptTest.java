package io.sluice.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.engine.EvaluationException;
import io.sluice.engine.algebra.Row;
import io.sluice.engine.circuit.Circuit;
import io.sluice.sql.lower.Values;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the SQL scripts under {@code src/test/resources/sql}. A script is a list of cases separated by
 * {@code ====}; each case is:
 * <pre>
 * -- why this case exists
 * program:
 * CREATE TABLE t (...) WITH ('materialized' = 'true'); ...
 * insert t: 1 | ann | NULL        (or delete t: ...; values are cast from text to the column types)
 * query: SELECT ...
 * expect:
 * 1 | ANN                          (rows in order when the query has ORDER BY, else any order)
 * ok
 * </pre>
 * or {@code error: fragment} in place of {@code expect:}...{@code ok} (the query must be refused) or
 * right after the program (the program must be refused), or {@code runtime-error: fragment} in place of
 * {@code expect:}...{@code ok} (evaluating the query must fail with that message).
 */
class SqlScriptTest {
    @TestFactory
    Stream<DynamicTest> scripts() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/sql").toURI());
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".sql")).sorted().toList()) {
                String[] cases = Files.readString(file).split("(?m)^====\\s*$");
                for (int i = 0; i < cases.length; i++) {
                    String body = cases[i];
                    tests.add(DynamicTest.dynamicTest(file.getFileName() + " #" + (i + 1), () -> runCase(body)));
                }
            }
        }
        return tests.stream();
    }

    private static void runCase(String body) {
        List<String> lines = body.lines().toList();
        StringBuilder program = new StringBuilder();
        int i = 0;
        while (i < lines.size() && !lines.get(i).startsWith("program:")) {
            i++;
        }
        i++;
        while (i < lines.size() && !isDirective(lines.get(i))) {
            program.append(lines.get(i)).append('\n');
            i++;
        }
        if (i < lines.size() && lines.get(i).startsWith("error:")) {
            String fragment = lines.get(i).substring("error:".length()).trim();
            assertThatThrownBy(() -> SqlCompiler.compile(program.toString()))
                    .isInstanceOf(SqlCompileException.class).hasMessageContaining(fragment);
            return;
        }
        CompiledProgram compiled = SqlCompiler.compile(program.toString());
        Circuit circuit = compiled.newCircuit();
        boolean pending = false;
        for (; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("insert ") || line.startsWith("delete ")) {
                int colon = line.indexOf(':');
                String table = line.substring(7, colon).trim();
                Relation relation = compiled.table(table).orElseThrow();
                circuit.append(relation.name(), parseRow(relation, line.substring(colon + 1)),
                        line.startsWith("insert ") ? 1 : -1);
                pending = true;
            } else if (line.startsWith("query:")) {
                if (pending) {
                    circuit.step();
                    pending = false;
                }
                String sql = line.substring("query:".length()).trim();
                String next = lines.get(i + 1);
                if (next.startsWith("error:")) {
                    String fragment = next.substring("error:".length()).trim();
                    assertThatThrownBy(() -> compiled.compileQuery(sql))
                            .isInstanceOf(SqlCompileException.class).hasMessageContaining(fragment);
                    i++;
                    continue;
                }
                if (next.startsWith("runtime-error:")) {
                    String fragment = next.substring("runtime-error:".length()).trim();
                    AdHocQuery query = compiled.compileQuery(sql);
                    assertThatThrownBy(() -> query.run(circuit::snapshot))
                            .isInstanceOf(EvaluationException.class).hasMessageContaining(fragment);
                    i++;
                    continue;
                }
                List<String> expected = new ArrayList<>();
                i += 2;
                while (!lines.get(i).trim().equals("ok")) {
                    expected.add(lines.get(i).trim());
                    i++;
                }
                List<String> actual = compiled.compileQuery(sql).run(circuit::snapshot).stream()
                        .map(SqlScriptTest::format).toList();
                if (sql.toUpperCase(java.util.Locale.ROOT).contains("ORDER BY")) {
                    assertThat(actual).as(sql).containsExactlyElementsOf(expected);
                } else {
                    assertThat(actual).as(sql).containsExactlyInAnyOrderElementsOf(expected);
                }
            }
        }
    }

    private static boolean isDirective(String line) {
        return line.startsWith("insert ") || line.startsWith("delete ") || line.startsWith("query:")
                || line.startsWith("error:");
    }

    private static Row parseRow(Relation relation, String text) {
        String[] parts = text.split("\\|");
        Object[] values = new Object[relation.columns().size()];
        for (int c = 0; c < values.length; c++) {
            String v = c < parts.length ? parts[c].trim() : "NULL";
            values[c] = v.equals("NULL") ? null : Values.cast(v, relation.columns().get(c).type());
        }
        return Row.wrap(values);
    }

    private static String format(Row row) {
        List<String> out = new ArrayList<>();
        for (int c = 0; c < row.arity(); c++) {
            Object v = row.get(c);
            out.add(v == null ? "NULL" : v instanceof BigDecimal d ? d.toPlainString() : v.toString());
        }
        return String.join(" | ", out);
    }
}
