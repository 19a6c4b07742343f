package org.tapegrad.layers.cell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.tapegrad.fuse.FusedStep;
import org.tapegrad.fuse.NotFusableException;
import org.tapegrad.op.Shape;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * Any {@link Cell}, its step run as one fused tape op ({@link FusedStep}): opt-in, {@code FusedCell.of(cell)}, and
 * otherwise the same cell — same parameters, state, values and gradients (within rounding). The step is traced and
 * rewritten on first use for each input and state shape; a cell that uses an op the rewriter does not know runs
 * unfused, with one log note (logger {@code org.tapegrad.fuse}, level INFO) naming the op.
 *
 * <p>The wrapped cell's {@code step} must record the same ops whatever the values it is given (it may depend on shapes).
 *
 * <p>Forward mode passes through it: JVPs, Hessian-vector and Gauss-Newton products equal the unfused cell's (within
 * rounding), the fused step's tangent being that of the traced step, replayed op by op (as costly as the unfused
 * cell's tangent: fusion speeds up forward and backward, not the tangents).
 *
 * @param <S> the wrapped cell's state
 */
public final class FusedCell<S extends CellState> implements Cell<S> {

    private static final System.Logger LOG = System.getLogger("org.tapegrad.fuse");

    private final Cell<S> cell;
    private final Map<List<Shape>, Optional<FusedStep>> compiled = new ConcurrentHashMap<>();
    private final AtomicBoolean noted = new AtomicBoolean();
    private volatile String unfusedReason;
    /** The shapes of the last step and their program: what every step of an unroll asks for, found without a map lookup. */
    private volatile Recent recent;

    private record Recent(Shape input, Shape[] state, Optional<FusedStep> program) {
        boolean matches(Var x, List<Var> parts) {
            if (!x.shape().equals(input) || parts.size() != state.length) {
                return false;
            }
            for (int k = 0; k < state.length; k++) {
                if (!parts.get(k).shape().equals(state[k])) {
                    return false;
                }
            }
            return true;
        }
    }

    private FusedCell(Cell<S> cell) {
        this.cell = Objects.requireNonNull(cell, "cell");
    }

    /** {@code cell} with its step fused (a fused cell is returned as is). */
    public static <S extends CellState> FusedCell<S> of(Cell<S> cell) {
        if (cell instanceof FusedCell<S> f) {
            return f;
        }
        return new FusedCell<>(cell);
    }

    /** The cell this one runs. */
    public Cell<S> unfused() {
        return cell;
    }

    /** Why the last shapes seen could not be fused, if they could not; empty while every step runs fused. */
    public Optional<String> unfusedReason() {
        return Optional.ofNullable(unfusedReason);
    }

    /** The fused program for these shapes, compiling it on first use; empty when the step cannot be fused. */
    public Optional<FusedStep> program(Shape input, List<Shape> state) {
        List<Shape> key = new ArrayList<>(state.size() + 1);
        key.add(input);
        key.addAll(state);
        return compiled.computeIfAbsent(List.copyOf(key), k -> compile(input, state));
    }

    private Optional<FusedStep> compile(Shape input, List<Shape> state) {
        try {
            return Optional.of(FusedStep.compile(cell.getClass().getSimpleName(),
                    (tape, x, parts) -> cell.step(tape, x, cell.withParts(parts)).parts(), cell.parameters(), input, state));
        } catch (NotFusableException e) {
            unfusedReason = e.getMessage();
            if (noted.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.INFO, "runs unfused: " + e.getMessage());
            }
            return Optional.empty();
        }
    }

    @Override
    public S step(Tape tape, Var x, S state) {
        List<Var> parts = state.parts();
        Optional<FusedStep> program;
        Recent r = recent;
        if (r != null && r.matches(x, parts)) {
            program = r.program();
        } else if (x.rows() == state.output().rows() && x.cols() == cell.inputSize()) {
            List<Shape> shapes = new ArrayList<>(parts.size());
            for (Var p : parts) {
                shapes.add(p.shape());
            }
            program = program(x.shape(), shapes);
            recent = new Recent(x.shape(), shapes.toArray(new Shape[0]), program);
        } else {
            program = Optional.empty();   // a wrong input: the cell's own step names it
        }
        if (program.isEmpty()) {
            return cell.step(tape, x, state);
        }
        return cell.withParts(program.get().apply(tape, x, parts));
    }

    @Override
    public int inputSize() {
        return cell.inputSize();
    }

    @Override
    public int hiddenSize() {
        return cell.hiddenSize();
    }

    @Override
    public S initialState(Tape tape, int batch) {
        return cell.initialState(tape, batch);
    }

    @Override
    public S withParts(List<Var> parts) {
        return cell.withParts(parts);
    }

    @Override
    public List<Parameter> parameters() {
        return cell.parameters();
    }

    @Override
    public String toString() {
        return "fused " + cell;
    }
}
