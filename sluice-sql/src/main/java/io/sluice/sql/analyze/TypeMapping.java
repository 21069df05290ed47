package io.sluice.sql.analyze;

import io.sluice.sql.ColumnType;
import io.sluice.sql.ColumnType.Kind;
import io.sluice.sql.SqlCompileException;
import java.util.Locale;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlTypeNameSpec;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;

/** Converts between DDL type names, Calcite types and {@link ColumnType}. */
public final class TypeMapping {
    private TypeMapping() {
    }

    /** The column type a DDL type name declares; anything outside the supported set is refused. */
    public static ColumnType fromSpec(SqlDataTypeSpec spec) {
        SqlTypeNameSpec nameSpec = spec.getTypeNameSpec();
        SqlParserPos pos = spec.getParserPosition();
        String name = nameSpec.getTypeName().getSimple().toUpperCase(Locale.ROOT);
        int precision = -1;
        int scale = 0;
        if (nameSpec instanceof SqlBasicTypeNameSpec basic) {
            precision = basic.getPrecision();
            scale = Math.max(basic.getScale(), 0);
        }
        return switch (name) {
            case "BOOLEAN" -> ColumnType.of(Kind.BOOLEAN);
            case "TINYINT" -> ColumnType.of(Kind.TINYINT);
            case "SMALLINT" -> ColumnType.of(Kind.SMALLINT);
            case "INT", "INTEGER" -> ColumnType.of(Kind.INTEGER);
            case "BIGINT" -> ColumnType.of(Kind.BIGINT);
            case "DOUBLE", "REAL", "FLOAT" -> ColumnType.of(Kind.DOUBLE);
            case "DECIMAL", "NUMERIC", "DEC" -> new ColumnType(Kind.DECIMAL,
                    precision < 0 ? SluiceTypeSystem.INSTANCE.getDefaultPrecision(SqlTypeName.DECIMAL) : precision,
                    scale);
            case "VARCHAR", "CHAR", "CHARACTER", "STRING" -> new ColumnType(Kind.VARCHAR, precision, 0);
            case "TIMESTAMP" -> {
                if (nameSpec.getTypeName().getSimple().toUpperCase(Locale.ROOT).contains("ZONE")) {
                    throw unsupportedType(pos, "TIMESTAMP WITH LOCAL TIME ZONE");
                }
                yield ColumnType.of(Kind.TIMESTAMP);
            }
            default -> throw unsupportedType(pos, name);
        };
    }

    private static SqlCompileException unsupportedType(SqlParserPos pos, String name) {
        return new SqlCompileException(pos.getLineNum(), pos.getColumnNum(),
                "type " + name + " is not supported; supported types are BOOLEAN, TINYINT, SMALLINT, INTEGER, "
                        + "BIGINT, DOUBLE, DECIMAL(p, s), VARCHAR(n) and TIMESTAMP");
    }

    /** The Calcite type of a column. */
    public static RelDataType toRelType(RelDataTypeFactory factory, ColumnType type, boolean nullable) {
        RelDataType t = switch (type.kind()) {
            case BOOLEAN -> factory.createSqlType(SqlTypeName.BOOLEAN);
            case TINYINT -> factory.createSqlType(SqlTypeName.TINYINT);
            case SMALLINT -> factory.createSqlType(SqlTypeName.SMALLINT);
            case INTEGER -> factory.createSqlType(SqlTypeName.INTEGER);
            case BIGINT -> factory.createSqlType(SqlTypeName.BIGINT);
            case DOUBLE -> factory.createSqlType(SqlTypeName.DOUBLE);
            case DECIMAL -> factory.createSqlType(SqlTypeName.DECIMAL, type.precision(), type.scale());
            case VARCHAR -> type.precision() < 0
                    ? factory.createSqlType(SqlTypeName.VARCHAR)
                    : factory.createSqlType(SqlTypeName.VARCHAR, type.precision());
            case TIMESTAMP -> factory.createSqlType(SqlTypeName.TIMESTAMP);
        };
        return factory.createTypeWithNullability(t, nullable);
    }

    /** The column type of a Calcite type, or null if Sluice has no representation for it. */
    public static ColumnType fromRelType(RelDataType type) {
        SqlTypeName name = type.getSqlTypeName();
        return switch (name) {
            case BOOLEAN -> ColumnType.of(Kind.BOOLEAN);
            case TINYINT -> ColumnType.of(Kind.TINYINT);
            case SMALLINT -> ColumnType.of(Kind.SMALLINT);
            case INTEGER -> ColumnType.of(Kind.INTEGER);
            case BIGINT -> ColumnType.of(Kind.BIGINT);
            case DOUBLE, FLOAT, REAL -> ColumnType.of(Kind.DOUBLE);
            case DECIMAL -> new ColumnType(Kind.DECIMAL, type.getPrecision(), Math.max(type.getScale(), 0));
            case CHAR, VARCHAR -> new ColumnType(Kind.VARCHAR,
                    type.getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED ? -1 : type.getPrecision(), 0);
            case TIMESTAMP -> ColumnType.of(Kind.TIMESTAMP);
            default -> null;
        };
    }
}
