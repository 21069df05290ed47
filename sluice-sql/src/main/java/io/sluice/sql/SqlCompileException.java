package io.sluice.sql;

/**
 * A program or query that cannot be compiled: a syntax error, an unknown name, a type error or a
 * construct Sluice does not support. The message starts with {@code "line L, column C: "}.
 */
public final class SqlCompileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;
    private final String detail;

    public SqlCompileException(int line, int column, String detail) {
        this(line, column, detail, null);
    }

    public SqlCompileException(int line, int column, String detail, Throwable cause) {
        super("line " + Math.max(line, 1) + ", column " + Math.max(column, 1) + ": " + detail, cause);
        this.line = Math.max(line, 1);
        this.column = Math.max(column, 1);
        this.detail = detail;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message without the position prefix. */
    public String detail() {
        return detail;
    }
}
