package io.sluice.sql.analyze;

import io.sluice.sql.ColumnType;
import io.sluice.sql.ColumnType.Kind;
import io.sluice.sql.SqlCompileException;
import java.util.Locale;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCollectionTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlTypeNameSpec;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;

/** Converts between DDL type names, Calcite types and {@link ColumnType}. */
public final class TypeMapping {
    static final String SUPPORTED = "supported column types are BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, REAL, "
            + "DOUBLE, DECIMAL(p, s), CHAR(n), VARCHAR(n), VARBINARY, DATE, TIME, TIMESTAMP and ARRAY of them";

    private TypeMapping() {
    }

    /** The column type a DDL type name declares; anything outside the supported set is refused. */
    public static ColumnType fromSpec(SqlDataTypeSpec spec) {
        return fromNameSpec(spec.getTypeNameSpec(), spec.getParserPosition());
    }

    private static ColumnType fromNameSpec(SqlTypeNameSpec nameSpec, SqlParserPos pos) {
        if (nameSpec instanceof SqlCollectionTypeNameSpec collection) {
            String collectionName = collection.getTypeName().getSimple().toUpperCase(Locale.ROOT);
            if (!collectionName.equals("ARRAY")) {
                throw unsupportedType(pos, collectionName);
            }
            return ColumnType.arrayOf(fromNameSpec(collection.getElementTypeName(), pos));
        }
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
            case "REAL" -> ColumnType.of(Kind.REAL);
            case "DOUBLE", "FLOAT" -> ColumnType.of(Kind.DOUBLE);
            case "DECIMAL", "NUMERIC", "DEC" -> new ColumnType(Kind.DECIMAL,
                    precision < 0 ? SluiceTypeSystem.INSTANCE.getDefaultPrecision(SqlTypeName.DECIMAL) : precision,
                    scale);
            case "CHAR", "CHARACTER" -> new ColumnType(Kind.CHAR, precision < 0 ? 1 : precision, 0);
            case "VARCHAR", "STRING" -> new ColumnType(Kind.VARCHAR, precision, 0);
            case "VARBINARY", "BINARY", "BYTES" -> new ColumnType(Kind.VARBINARY, precision, 0);
            case "DATE" -> ColumnType.of(Kind.DATE);
            case "TIME" -> ColumnType.of(Kind.TIME);
            case "TIMESTAMP" -> ColumnType.of(Kind.TIMESTAMP);
            default -> throw unsupportedType(pos, name);
        };
    }

    private static SqlCompileException unsupportedType(SqlParserPos pos, String name) {
        return new SqlCompileException(pos.getLineNum(), pos.getColumnNum(),
                "type " + name + " is not supported; " + SUPPORTED);
    }

    /** The Calcite type of a column. */
    public static RelDataType toRelType(RelDataTypeFactory factory, ColumnType type, boolean nullable) {
        RelDataType t = switch (type.kind()) {
            case BOOLEAN -> factory.createSqlType(SqlTypeName.BOOLEAN);
            case TINYINT -> factory.createSqlType(SqlTypeName.TINYINT);
            case SMALLINT -> factory.createSqlType(SqlTypeName.SMALLINT);
            case INTEGER -> factory.createSqlType(SqlTypeName.INTEGER);
            case BIGINT -> factory.createSqlType(SqlTypeName.BIGINT);
            case REAL -> factory.createSqlType(SqlTypeName.REAL);
            case DOUBLE -> factory.createSqlType(SqlTypeName.DOUBLE);
            case DECIMAL -> factory.createSqlType(SqlTypeName.DECIMAL, type.precision(), type.scale());
            case CHAR -> factory.createSqlType(SqlTypeName.CHAR, Math.max(type.precision(), 1));
            case VARCHAR -> type.precision() < 0
                    ? factory.createSqlType(SqlTypeName.VARCHAR)
                    : factory.createSqlType(SqlTypeName.VARCHAR, type.precision());
            case VARBINARY -> type.precision() < 0
                    ? factory.createSqlType(SqlTypeName.VARBINARY)
                    : factory.createSqlType(SqlTypeName.VARBINARY, type.precision());
            case DATE -> factory.createSqlType(SqlTypeName.DATE);
            case TIME -> factory.createSqlType(SqlTypeName.TIME);
            case TIMESTAMP -> factory.createSqlType(SqlTypeName.TIMESTAMP);
            case ARRAY -> factory.createArrayType(toRelType(factory, type.element(), true), -1);
            case INTERVAL_DAY_TIME, INTERVAL_YEAR_MONTH -> throw new IllegalArgumentException(
                    "no column has type " + type);
        };
        return factory.createTypeWithNullability(t, nullable);
    }

    /** The column type of a Calcite type, or null if Sluice has no representation for it. */
    public static ColumnType fromRelType(RelDataType type) {
        SqlTypeName name = type.getSqlTypeName();
        int precision = type.getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED ? -1 : type.getPrecision();
        return switch (name) {
            case BOOLEAN -> ColumnType.of(Kind.BOOLEAN);
            case TINYINT -> ColumnType.of(Kind.TINYINT);
            case SMALLINT -> ColumnType.of(Kind.SMALLINT);
            case INTEGER -> ColumnType.of(Kind.INTEGER);
            case BIGINT -> ColumnType.of(Kind.BIGINT);
            case REAL -> ColumnType.of(Kind.REAL);
            case DOUBLE, FLOAT -> ColumnType.of(Kind.DOUBLE);
            case DECIMAL -> new ColumnType(Kind.DECIMAL, type.getPrecision(), Math.max(type.getScale(), 0));
            case CHAR -> new ColumnType(Kind.CHAR, precision, 0);
            case VARCHAR -> new ColumnType(Kind.VARCHAR, precision, 0);
            case BINARY, VARBINARY -> new ColumnType(Kind.VARBINARY, precision, 0);
            case DATE -> ColumnType.of(Kind.DATE);
            case TIME -> ColumnType.of(Kind.TIME);
            case TIMESTAMP -> ColumnType.of(Kind.TIMESTAMP);
            case INTERVAL_YEAR, INTERVAL_YEAR_MONTH, INTERVAL_MONTH -> ColumnType.of(Kind.INTERVAL_YEAR_MONTH);
            case INTERVAL_DAY, INTERVAL_DAY_HOUR, INTERVAL_DAY_MINUTE, INTERVAL_DAY_SECOND, INTERVAL_HOUR,
                    INTERVAL_HOUR_MINUTE, INTERVAL_HOUR_SECOND, INTERVAL_MINUTE, INTERVAL_MINUTE_SECOND,
                    INTERVAL_SECOND -> ColumnType.of(Kind.INTERVAL_DAY_TIME);
            case ARRAY -> {
                ColumnType element = type.getComponentType() == null ? null : fromRelType(type.getComponentType());
                yield element == null ? null : ColumnType.arrayOf(element);
            }
            default -> null;
        };
    }
}
