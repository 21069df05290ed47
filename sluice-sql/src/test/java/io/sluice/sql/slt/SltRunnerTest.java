package io.sluice.sql.slt;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.EvaluationException;
import org.junit.jupiter.api.Test;

class SltRunnerTest {
    @Test
    void divisionByZero_isADialectDifference_otherRunTimeErrorsAreNot() {
        assertThat(SltRunner.dialectDifference(new EvaluationException("view slt_query: division by zero")))
                .contains("SQLite answers NULL");
        assertThat(SltRunner.dialectDifference(new IllegalStateException("step failed",
                new EvaluationException("division by zero")))).isNotNull();
        assertThat(SltRunner.dialectDifference(new EvaluationException("view slt_query: INTEGER overflow in 1 + 2")))
                .isNull();
        assertThat(SltRunner.dialectDifference(new IllegalStateException("division by zero"))).isNull();
    }

    @Test
    void dialectRewrite_castsEveryAvgArgumentToDouble() {
        assertThat(SltRunner.dialectRewrite("SELECT avg(DISTINCT a + (b)), AVG ( c ) FROM t"))
                .isEqualTo("SELECT avg(DISTINCT CAST(a + (b) AS DOUBLE)), AVG ( CAST(c  AS DOUBLE)) FROM t");
    }

    @Test
    void dialectRewrite_leavesQueriesWithoutAvgAlone() {
        assertThat(SltRunner.dialectRewrite("SELECT SUM(a) FROM t")).isNull();
        assertThat(SltRunner.dialectRewrite("SELECT avgx(a) FROM t")).isNull();
    }
}
