package io.sluice.sql.parse;

import static java.util.Objects.requireNonNull;

import io.sluice.sql.SqlCompileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Removes the DDL that Calcite's {@code SqlDdlParserImpl} cannot parse, and remembers it.
 *
 * <p>Three forms are handled inside {@code CREATE TABLE}: a column-level {@code PRIMARY KEY}, a
 * column's {@code LATENESS expression} and the trailing {@code WITH ('key' = 'value', ...)}; and
 * the {@code LOCAL} of {@code CREATE LOCAL VIEW}. Each is replaced by spaces (line breaks kept), so
 * every line and column Calcite reports for the rest of the text stays exact. The removed parts are
 * returned per CREATE TABLE (and per view, whether it was LOCAL), in program order, to be attached
 * again after parsing.
 *
 * <p>This is a stop-gap: a parser generated from Calcite's grammar templates with Feldera's DDL
 * extensions would make the pre-pass unnecessary.
 */
public final class DdlPreprocessor {
    private DdlPreprocessor() {
    }

    /**
     * What was blanked out of one CREATE TABLE statement.
     *
     * @param lateness the LATENESS of each column that declares one: column name to the expression
     *     text and its offset in the program (for error positions)
     */
    public record TableExtras(List<String> primaryKeyColumns, Map<String, String> properties,
            Map<String, Lateness> lateness) {
        public TableExtras {
            primaryKeyColumns = List.copyOf(primaryKeyColumns);
            properties = Map.copyOf(properties);
            lateness = Map.copyOf(lateness);
        }

        public TableExtras(List<String> primaryKeyColumns, Map<String, String> properties) {
            this(primaryKeyColumns, properties, Map.of());
        }
    }

    /** A column's {@code LATENESS expression}: the expression's text and its line and column in the program. */
    public record Lateness(String expression, int line, int column) {
        public Lateness {
            requireNonNull(expression, "expression is null");
        }
    }

    /**
     * The text to give Calcite, and one entry per CREATE TABLE in order of appearance.
     *
     * @param text the program with the extensions replaced by spaces
     * @param tables the extensions of each CREATE TABLE
     * @param views the {@code WITH} properties of each CREATE [LOCAL | MATERIALIZED] VIEW, in order (empty when none)
     * @param localViews for each CREATE [LOCAL | MATERIALIZED] VIEW in order, whether it was LOCAL
     */
    public record Result(String text, List<TableExtras> tables, List<Map<String, String>> views,
            List<Boolean> localViews) {
        public Result {
            requireNonNull(text, "text is null");
            tables = List.copyOf(tables);
            views = List.copyOf(views);
            localViews = List.copyOf(localViews);
        }
    }

    public static Result process(String program) {
        requireNonNull(program, "program is null");
        List<Token> tokens = Lexer.tokenize(program);
        char[] out = program.toCharArray();
        List<TableExtras> tables = new ArrayList<>();
        List<Map<String, String>> views = new ArrayList<>();
        List<Boolean> localViews = new ArrayList<>();
        for (int i = 0; i + 1 < tokens.size(); i++) {
            if (!tokens.get(i).isWord("CREATE")) {
                continue;
            }
            if (isCreateTable(tokens, i)) {
                i = processTable(program, tokens, i, out, tables);
            } else if (i + 2 < tokens.size() && tokens.get(i + 1).isWord("LOCAL") && tokens.get(i + 2).isWord("VIEW")) {
                blank(out, tokens.get(i + 1).start(), tokens.get(i + 1).end());
                localViews.add(true);
                i = processView(program, tokens, i, out, views);
            } else if (isCreateView(tokens, i)) {
                localViews.add(false);
                i = processView(program, tokens, i, out, views);
            }
        }
        return new Result(new String(out), tables, views, localViews);
    }

    /**
     * Handles the head of one CREATE VIEW: a {@code WITH ('k' = 'v', ...)} between the view's name
     * (and column list) and {@code AS} is blanked and remembered. Returns the index of the last token read.
     */
    private static int processView(String program, List<Token> tokens, int create, char[] out,
            List<Map<String, String>> views) {
        Map<String, String> properties = new LinkedHashMap<>();
        int depth = 0;
        int j = create + 1;
        for (; j < tokens.size(); j++) {
            Token t = tokens.get(j);
            if (t.isSymbol('(')) {
                depth++;
            } else if (t.isSymbol(')')) {
                depth--;
            } else if (depth == 0 && (t.isWord("AS") || t.isSymbol(';'))) {
                break;
            } else if (depth == 0 && t.isWord("WITH") && j + 1 < tokens.size() && tokens.get(j + 1).isSymbol('(')) {
                int last = readProperties(program, tokens, j + 1, properties);
                blank(out, t.start(), tokens.get(last).end());
                j = last;
            }
        }
        views.add(properties);
        return j;
    }

    /** True for {@code CREATE [OR REPLACE] TABLE}. */
    private static boolean isCreateTable(List<Token> tokens, int create) {
        int j = create + 1;
        if (tokens.get(j).isWord("OR") && j + 2 < tokens.size() && tokens.get(j + 1).isWord("REPLACE")) {
            j += 2;
        }
        return tokens.get(j).isWord("TABLE");
    }

    /** True for {@code CREATE [OR REPLACE] [MATERIALIZED] VIEW}. */
    private static boolean isCreateView(List<Token> tokens, int create) {
        int j = create + 1;
        if (tokens.get(j).isWord("OR") && j + 2 < tokens.size() && tokens.get(j + 1).isWord("REPLACE")) {
            j += 2;
        }
        if (j < tokens.size() && tokens.get(j).isWord("MATERIALIZED")) {
            j++;
        }
        return j < tokens.size() && tokens.get(j).isWord("VIEW");
    }

    /** Handles one CREATE TABLE; returns the index of its last token. */
    private static int processTable(String program, List<Token> tokens, int create, char[] out,
            List<TableExtras> tables) {
        int open = create;
        while (open < tokens.size() && !tokens.get(open).isSymbol('(') && !tokens.get(open).isSymbol(';')) {
            open++;
        }
        List<String> pk = new ArrayList<>();
        Map<String, String> properties = new LinkedHashMap<>();
        Map<String, Lateness> lateness = new LinkedHashMap<>();
        if (open >= tokens.size() || !tokens.get(open).isSymbol('(')) {
            tables.add(new TableExtras(pk, properties));
            return open;
        }
        int depth = 0;
        int elementStart = open + 1;
        int close = -1;
        for (int j = open; j < tokens.size(); j++) {
            Token t = tokens.get(j);
            if (t.isSymbol('(')) {
                depth++;
            } else if (t.isSymbol(')')) {
                depth--;
                if (depth == 0) {
                    blankLateness(program, tokens, elementStart, j, out, lateness);
                    blankColumnKey(tokens, elementStart, j, out, pk);
                    close = j;
                    break;
                }
            } else if (t.isSymbol(',') && depth == 1) {
                blankLateness(program, tokens, elementStart, j, out, lateness);
                blankColumnKey(tokens, elementStart, j, out, pk);
                elementStart = j + 1;
            }
        }
        if (close < 0) {
            tables.add(new TableExtras(pk, properties, lateness));
            return tokens.size() - 1;
        }
        int last = close;
        if (close + 2 < tokens.size() && tokens.get(close + 1).isWord("WITH") && tokens.get(close + 2).isSymbol('(')) {
            last = readProperties(program, tokens, close + 2, properties);
            blank(out, tokens.get(close + 1).start(), tokens.get(last).end());
        }
        tables.add(new TableExtras(pk, properties, lateness));
        return last;
    }

    /**
     * In the column element {@code [from, to)}, blanks {@code LATENESS expression} (the expression
     * runs to the end of the element or to a following {@code PRIMARY KEY}) and records it.
     */
    private static void blankLateness(String program, List<Token> tokens, int from, int to, char[] out,
            Map<String, Lateness> lateness) {
        if (from >= to || tokens.get(from).kind() != Token.Kind.WORD && tokens.get(from).kind()
                != Token.Kind.QUOTED_IDENTIFIER) {
            return;
        }
        for (int j = from + 1; j < to; j++) {
            if (!tokens.get(j).isWord("LATENESS")) {
                continue;
            }
            int end = j + 1;
            while (end < to && !(tokens.get(end).isWord("PRIMARY") && end + 1 < to && tokens.get(end + 1).isWord("KEY"))) {
                end++;
            }
            if (end == j + 1) {
                throw error(program, tokens.get(j).start(), "LATENESS needs an expression, e.g. LATENESS INTERVAL '1' HOUR");
            }
            int exprStart = tokens.get(j + 1).start();
            int exprEnd = tokens.get(end - 1).end();
            int[] lc = lineColumn(program, exprStart);
            lateness.put(tokens.get(from).identifier(), new Lateness(program.substring(exprStart, exprEnd), lc[0], lc[1]));
            blank(out, tokens.get(j).start(), exprEnd);
            return;
        }
    }

    /** In the table element {@code [from, to)}, blanks {@code PRIMARY KEY} if the element is a column. */
    private static void blankColumnKey(List<Token> tokens, int from, int to, char[] out, List<String> pk) {
        if (from >= to) {
            return;
        }
        Token first = tokens.get(from);
        if (first.kind() == Token.Kind.WORD && (first.isWord("PRIMARY") || first.isWord("CONSTRAINT")
                || first.isWord("UNIQUE") || first.isWord("FOREIGN") || first.isWord("CHECK"))) {
            return;
        }
        for (int j = from + 1; j + 1 < to; j++) {
            if (tokens.get(j).isWord("PRIMARY") && tokens.get(j + 1).isWord("KEY")) {
                blank(out, tokens.get(j).start(), tokens.get(j + 1).end());
                pk.add(first.identifier());
                return;
            }
        }
    }

    /** Reads {@code ('k' = 'v', ...)} starting at the open parenthesis; returns the index of the close. */
    private static int readProperties(String program, List<Token> tokens, int open, Map<String, String> properties) {
        int j = open + 1;
        while (true) {
            if (j < tokens.size() && tokens.get(j).isSymbol(')')) {
                return j;
            }
            if (j + 2 >= tokens.size() || tokens.get(j).kind() != Token.Kind.STRING
                    || !tokens.get(j + 1).isSymbol('=') || tokens.get(j + 2).kind() != Token.Kind.STRING) {
                Token at = j < tokens.size() ? tokens.get(j) : tokens.get(tokens.size() - 1);
                throw error(program, at.start(), "expected 'key' = 'value' in the WITH clause of CREATE TABLE");
            }
            properties.put(tokens.get(j).stringValue(), tokens.get(j + 2).stringValue());
            j += 3;
            if (j < tokens.size() && tokens.get(j).isSymbol(',')) {
                j++;
            }
        }
    }

    private static void blank(char[] out, int from, int to) {
        for (int k = from; k < to; k++) {
            if (out[k] != '\n' && out[k] != '\r') {
                out[k] = ' ';
            }
        }
    }

    private static SqlCompileException error(String program, int offset, String message) {
        int[] lc = lineColumn(program, offset);
        return new SqlCompileException(lc[0], lc[1], message);
    }

    private static int[] lineColumn(String program, int offset) {
        int line = 1;
        int column = 1;
        for (int k = 0; k < offset && k < program.length(); k++) {
            if (program.charAt(k) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[] {line, column};
    }
}
