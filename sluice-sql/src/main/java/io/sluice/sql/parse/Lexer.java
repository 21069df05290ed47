package io.sluice.sql.parse;

import java.util.ArrayList;
import java.util.List;

/**
 * A minimal SQL lexer for the DDL pre-pass: it knows string literals, quoted identifiers, numbers
 * and both comment styles, so that text inside them is never mistaken for keywords. Comments and
 * whitespace produce no tokens.
 */
final class Lexer {
    private Lexer() {
    }

    static List<Token> tokenize(String text) {
        List<Token> tokens = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int close = text.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else if (c == '\'' || c == '"') {
                int end = closeQuote(text, i, c);
                tokens.add(new Token(c == '\'' ? Token.Kind.STRING : Token.Kind.QUOTED_IDENTIFIER,
                        text.substring(i, end), i, end));
                i = end;
            } else if (Character.isLetter(c) || c == '_') {
                int end = i + 1;
                while (end < n && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_'
                        || text.charAt(end) == '$')) {
                    end++;
                }
                tokens.add(new Token(Token.Kind.WORD, text.substring(i, end), i, end));
                i = end;
            } else if (Character.isDigit(c)) {
                int end = i + 1;
                while (end < n && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '.')) {
                    end++;
                }
                tokens.add(new Token(Token.Kind.NUMBER, text.substring(i, end), i, end));
                i = end;
            } else {
                tokens.add(new Token(Token.Kind.SYMBOL, String.valueOf(c), i, i + 1));
                i++;
            }
        }
        return tokens;
    }

    /** The offset just after the quote that closes the one at {@code start}; a doubled quote is an escape. */
    private static int closeQuote(String text, int start, char quote) {
        int i = start + 1;
        while (i < text.length()) {
            if (text.charAt(i) == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return text.length();
    }
}
