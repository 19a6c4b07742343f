package org.tapegrad.op;

/** The input-count check every op makes before it looks at shapes. */
final class Arity {

    private Arity() {
    }

    /** Throws a {@link ShapeException} naming the op and the shapes when there are not exactly {@code n} inputs. */
    static void require(String op, int n, Shape... in) {
        if (in.length != n) {
            throw ShapeException.of(op, "expected " + n + (n == 1 ? " input" : " inputs") + ", got " + in.length, in);
        }
    }
}
