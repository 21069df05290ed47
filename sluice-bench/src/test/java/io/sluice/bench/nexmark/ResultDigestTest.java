package io.sluice.bench.nexmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class ResultDigestTest {
    @Test
    void orderDoesNotMatterAndRetractionsCancel() {
        ResultDigest a = new ResultDigest(10);
        a.add(new Object[] {1L, "x"}, 1);
        a.add(new Object[] {2L, "y"}, 1);
        ResultDigest b = new ResultDigest(10);
        b.add(new Object[] {3L, "z"}, 1);
        b.add(new Object[] {2L, "y"}, 1);
        b.add(new Object[] {1L, "x"}, 1);
        b.add(new Object[] {3L, "z"}, -1);
        assertThat(a.sameAs(b)).isTrue();
        assertThat(a.rows()).isEqualTo(2);
    }

    @Test
    void representationsOfTheSameValueMeet() {
        LocalDateTime t = LocalDateTime.of(2024, 1, 1, 0, 0, 1, 5_000_000);
        ResultDigest sluice = new ResultDigest(10);
        sluice.add(new Object[] {908, new BigDecimal("908.000"), new BigDecimal("1.500"), t, null}, 1);
        ResultDigest duck = new ResultDigest(10);
        duck.add(new Object[] {908L, 908L, 1.5, Timestamp.valueOf(t), null}, 1);
        assertThat(sluice.sameAs(duck)).isTrue();
    }

    @Test
    void aDifferentMultiplicityOrValueIsADifference() {
        ResultDigest a = new ResultDigest(10);
        a.add(new Object[] {1L}, 2);
        ResultDigest b = new ResultDigest(10);
        b.add(new Object[] {1L}, 1);
        b.add(new Object[] {2L}, 1);
        assertThat(a.sameAs(b)).isFalse();
        assertThat(a.differences(b, 10)).hasSize(2);
    }
}
