package io.sluice.engine.algebra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class BatchTest {
    @Test
    void builderSortsAndConsolidates() {
        Batch b = Batch.builder().add(Row.of(2), 1).add(Row.of(1), 1).add(Row.of(2), 2).add(Row.of(1), -1).build();
        assertThat(b.size()).isEqualTo(1);
        assertThat(b.key(0)).isEqualTo(Row.of(2));
        assertThat(b.weight(0)).isEqualTo(3);
    }

    @Test
    void decimalsEqualByValueAreOneEntry() {
        Batch b = Batch.builder().add(Row.of(new BigDecimal("1.0")), 1).add(Row.of(new BigDecimal("1.00")), 1).build();
        assertThat(b.size()).isEqualTo(1);
        assertThat(b.weight(0)).isEqualTo(2);
    }

    @Test
    void plusOfNegationIsEmpty() {
        Batch b = Batch.builder().add(Row.of(1), Row.of("x"), 3).add(Row.of((Object) null), Row.of("y"), -2).build();
        assertThat(b.plus(b.negate()).isEmpty()).isTrue();
        assertThat(b.plus(b)).isEqualTo(Batch.builder().addAll(b).addAll(b).build());
    }

    @Test
    void weightOverflowThrows() {
        Batch b = Batch.ofRow(Row.of(1), Long.MAX_VALUE);
        assertThatThrownBy(() -> b.plus(b)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void cursorGroupsValuesByKeyAndSeeks() {
        Batch b = Batch.builder().add(Row.of(1), Row.of("a"), 1).add(Row.of(1), Row.of("b"), 1)
                .add(Row.of(3), Row.of("c"), 1).build();
        Cursor c = b.cursor();
        assertThat(c.key()).isEqualTo(Row.of(1));
        c.stepVal();
        assertThat(c.val()).isEqualTo(Row.of("b"));
        c.stepVal();
        assertThat(c.valValid()).isFalse();
        c.seekKey(Row.of(2));
        assertThat(c.key()).isEqualTo(Row.of(3));
        c.stepKey();
        assertThat(c.keyValid()).isFalse();
    }

    @Test
    void rowOfASingleNullIsOneNullColumn() {
        assertThat(Row.of((Object[]) null)).isEqualTo(Row.of((Object) null));
        assertThat(Row.of((Object[]) null).arity()).isEqualTo(1);
    }

    @Test
    void nullSortsFirst() {
        Batch b = Batch.builder().add(Row.of(1), 1).add(Row.of((Object) null), 1).build();
        assertThat(b.key(0).isNull(0)).isTrue();
    }
}
