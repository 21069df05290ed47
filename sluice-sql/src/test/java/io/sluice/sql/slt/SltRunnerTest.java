package io.sluice.sql.slt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SltRunnerTest {
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
