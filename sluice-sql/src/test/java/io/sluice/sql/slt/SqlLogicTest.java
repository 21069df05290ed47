package io.sluice.sql.slt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SQLite's sqllogictest corpus (Maven artifact {@code net.hydromatic:sql-logic-test}) against Sluice:
 * every query is answered correctly or refused at compile time, never answered wrong. The counts per
 * file are written to {@code target/sql-coverage.md}; {@code -Dsluice.slt.docs=<path>} also writes them
 * to the documentation page.
 */
class SqlLogicTest {
    private static final List<String> FILES = List.of("select1.test", "select2.test", "select3.test",
            "select4.test", "select5.test", "evidence/in1.test", "evidence/in2.test",
            "evidence/slt_lang_aggfunc.test", "evidence/slt_lang_createtrigger.test",
            "evidence/slt_lang_createview.test", "evidence/slt_lang_dropindex.test",
            "evidence/slt_lang_droptable.test", "evidence/slt_lang_droptrigger.test",
            "evidence/slt_lang_dropview.test", "evidence/slt_lang_reindex.test",
            "evidence/slt_lang_replace.test", "evidence/slt_lang_update.test");
    private static final Map<String, SltReport.FileCounts> COUNTS = new TreeMap<>();

    /** Every file, or those named in {@code -Dsluice.slt.files=a.test,b.test}. */
    static Stream<String> files() {
        String only = System.getProperty("sluice.slt.files");
        return only == null || only.isBlank() ? FILES.stream() : Stream.of(only.split(","));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void neverAnswersWrong(String file) throws Exception {
        SltScript script;
        try (InputStream in = SqlLogicTest.class.getResourceAsStream("/test/" + file)) {
            assertThat(in).as("corpus file %s on the test classpath", file).isNotNull();
            script = SltScript.parse(file, new InputStreamReader(in, StandardCharsets.UTF_8), "sluice");
        }
        StringBuilder setupFailure = new StringBuilder();
        List<SltRunner.QueryResult> results;
        try (SltRunner runner = new SltRunner()) {
            results = runner.run(script, setupFailure);
        }
        SltReport.FileCounts counts = SltReport.FileCounts.of(file, script, results, setupFailure.toString());
        synchronized (COUNTS) {
            COUNTS.put(file, counts);
        }
        List<String> wrong = new ArrayList<>();
        for (SltRunner.QueryResult r : results) {
            if (r.outcome() == SltRunner.Outcome.WRONG) {
                wrong.add(r.file() + ":" + r.line() + ": " + r.detail() + "\n    " + r.sql().replace("\n", "\n    "));
            }
        }
        assertThat(wrong).as("queries answered wrong in %s", file).isEmpty();
    }

    @AfterAll
    static void writeReport() {
        try {
            String report = SltReport.render(COUNTS);
            Path target = Path.of("target", "sql-coverage.md");
            Files.createDirectories(target.getParent());
            Files.writeString(target, report);
            String docs = System.getProperty("sluice.slt.docs");
            if (docs != null) {
                SltReport.writeInto(Path.of(docs), report);
            }
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
