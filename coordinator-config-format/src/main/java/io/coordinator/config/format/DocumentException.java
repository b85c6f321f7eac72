package io.coordinator.config.format;

/**
 * A configuration document that does not parse. The message reads "line L, column C: problem" when the parser
 * says where (both counted from 1), else just the problem.
 */
public final class DocumentException extends Exception {
    private final int line;
    private final int column;
    private final String problem;

    DocumentException(int line, int column, String problem, Throwable cause) {
        super(line > 0 ? "line " + line + ", column " + column + ": " + problem : problem, cause);
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    /** The line of the error, from 1; 0 when not known. */
    public int line() {
        return line;
    }

    /** The column of the error, from 1; 0 when not known. */
    public int column() {
        return column;
    }

    /** What is wrong, without the position. */
    public String problem() {
        return problem;
    }
}
