package io.sluice.sql.parse;

/** A lexical token of program text; {@code start} and {@code end} are character offsets (end exclusive). */
record Token(Kind kind, String text, int start, int end) {
    enum Kind {
        WORD, QUOTED_IDENTIFIER, STRING, NUMBER, SYMBOL
    }

    boolean isWord(String word) {
        return kind == Kind.WORD && text.equalsIgnoreCase(word);
    }

    boolean isSymbol(char c) {
        return kind == Kind.SYMBOL && text.length() == 1 && text.charAt(0) == c;
    }

    /** The identifier this token names, folded as the parser folds it: lower case unless quoted. */
    String identifier() {
        if (kind == Kind.QUOTED_IDENTIFIER) {
            return text.substring(1, text.length() - 1).replace("\"\"", "\"");
        }
        return text.toLowerCase(java.util.Locale.ROOT);
    }

    /** The value of a string literal, quotes removed and doubled quotes undone. */
    String stringValue() {
        return text.substring(1, text.length() - 1).replace("''", "'");
    }
}
