package io.sluice.sql.analyze;

import org.apache.calcite.rel.type.RelDataTypeSystemImpl;

/**
 * Calcite's default type system, except that a CASE or UNION over character strings of different
 * lengths yields VARCHAR, so {@code CASE WHEN c THEN 'a' ELSE 'bcd' END} is never blank-padded.
 */
public final class SluiceTypeSystem extends RelDataTypeSystemImpl {
    public static final SluiceTypeSystem INSTANCE = new SluiceTypeSystem();

    private SluiceTypeSystem() {
    }

    @Override
    public boolean shouldConvertRaggedUnionTypesToVarying() {
        return true;
    }
}
