package io.sluice.sql.parse;

import io.sluice.sql.SqlCompileException;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.parser.ddl.SqlDdlParserImpl;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * Calcite's parser, configured as Feldera configures it: unquoted identifiers fold to lower case,
 * double-quoted ones are kept exactly, and names are then matched case-sensitively. The lenient
 * conformance admits {@code %} for MOD.
 */
public final class SqlParsing {
    private static final SqlParser.Config CONFIG = SqlParser.config()
            .withParserFactory(SqlDdlParserImpl.FACTORY)
            .withQuoting(Quoting.DOUBLE_QUOTE)
            .withUnquotedCasing(Casing.TO_LOWER)
            .withQuotedCasing(Casing.UNCHANGED)
            .withCaseSensitive(true)
            .withConformance(SqlConformanceEnum.LENIENT);

    private SqlParsing() {
    }

    /** Parses a program: statements separated by semicolons; DDL extensions already removed. */
    public static SqlNodeList parseProgram(String text) {
        try {
            return SqlParser.create(text, CONFIG).parseStmtList();
        } catch (SqlParseException e) {
            throw parseError(e);
        }
    }

    /** Parses one query, which may end with a semicolon. */
    public static SqlNode parseQuery(String text) {
        String trimmed = stripTrailingSemicolon(text);
        try {
            return SqlParser.create(trimmed, CONFIG).parseQuery();
        } catch (SqlParseException e) {
            throw parseError(e);
        }
    }

    private static String stripTrailingSemicolon(String text) {
        int end = text.length();
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        if (end > 0 && text.charAt(end - 1) == ';') {
            return text.substring(0, end - 1) + " ";
        }
        return text;
    }

    private static SqlCompileException parseError(SqlParseException e) {
        SqlParserPos pos = e.getPos();
        String message = e.getMessage() == null ? "syntax error" : e.getMessage().split("\n")[0];
        message = message.replaceFirst("^Encountered", "syntax error: encountered")
                .replaceAll(" at line \\d+, column \\d+\\.?$", "");
        return new SqlCompileException(pos == null ? 1 : pos.getLineNum(), pos == null ? 1 : pos.getColumnNum(),
                message, e);
    }
}
