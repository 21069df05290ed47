package io.sluice.sql.analyze;

import java.util.List;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Calcite's type factory over {@link SluiceTypeSystem}, except that the common type of several
 * exact numbers (UNION, CASE, COALESCE, IN lists ...) keeps the largest scale among them, as the
 * SQL standard asks. Calcite gives up scale when the integer digits and the scale together exceed
 * the largest precision (19): {@code DECIMAL(19, 1)} with {@code BIGINT} became
 * {@code DECIMAL(19, 0)}, silently rounding 5.5 to 6 (QueryFuzzTest seeds 5329, 6768). Here it is
 * {@code DECIMAL(19, 1)}: the fraction is kept, and a value with too many integer digits is an
 * overflow error at run time, never a wrong answer.
 */
final class SluiceTypeFactory extends JavaTypeFactoryImpl {
    SluiceTypeFactory() {
        super(SluiceTypeSystem.INSTANCE);
    }

    @Override
    public RelDataType leastRestrictive(List<RelDataType> types) {
        RelDataType result = super.leastRestrictive(types);
        if (result == null || result.getSqlTypeName() != SqlTypeName.DECIMAL) {
            return result;
        }
        int scale = result.getScale();
        for (RelDataType t : types) {
            if (t.getSqlTypeName() == SqlTypeName.DECIMAL) {
                scale = Math.max(scale, t.getScale());
            }
        }
        if (scale == result.getScale()) {
            return result;
        }
        int precision = typeSystem.getMaxPrecision(SqlTypeName.DECIMAL);
        RelDataType kept = createSqlType(SqlTypeName.DECIMAL, precision, Math.min(scale, precision));
        return createTypeWithNullability(kept, result.isNullable());
    }
}
