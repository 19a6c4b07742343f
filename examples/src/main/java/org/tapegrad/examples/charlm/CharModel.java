package org.tapegrad.examples.charlm;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.tapegrad.examples.model.CellKind;
import org.tapegrad.layers.Embedding;
import org.tapegrad.layers.HasParameters;
import org.tapegrad.layers.Linear;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.CellState;
import org.tapegrad.layers.train.CarriedState;
import org.tapegrad.tape.NoGrad;
import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * A character language model: embedding ({@code V×E}) → LSTM or GRU ({@code H} units) → linear head to V logits.
 *
 * @param <S> the cell's state
 */
public final class CharModel<S extends CellState> implements HasParameters {

    private final CellKind kind;
    private final Embedding embedding;
    private final Cell<S> cell;
    private final Linear head;

    private CharModel(CellKind kind, Embedding embedding, Cell<S> cell, Linear head) {
        this.kind = kind;
        this.embedding = embedding;
        this.cell = cell;
        this.head = head;
    }

    /** A freshly initialized model for a vocabulary of {@code vocabulary} characters. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static CharModel<?> create(CellKind kind, int vocabulary, int embedding, int hidden, long seed) {
        Random r = new Random(seed);
        Embedding emb = new Embedding("embedding", vocabulary, embedding, r);
        Cell<?> cell = kind.build("cell", embedding, hidden, r);
        return new CharModel(kind, emb, cell, new Linear("head", hidden, vocabulary, true, r));
    }

    public CellKind kind() {
        return kind;
    }

    public Embedding embedding() {
        return embedding;
    }

    public Cell<S> cell() {
        return cell;
    }

    public Linear head() {
        return head;
    }

    /**
     * Generates {@code length} characters: starts from {@code first}, feeds each sampled character back in. Runs
     * without recording; the state is carried across a reset tape every step, so memory stays flat.
     */
    public int[] sample(int first, int length, TemperatureSampler sampler) {
        Tape tape = new Tape(dtype());
        int[] out = new int[length];
        int current = first;
        CarriedState carried = null;
        try (NoGrad ignored = tape.noGrad()) {
            for (int i = 0; i < length; i++) {
                S state = carried == null ? cell.initialState(tape, 1) : carried.onto(tape, cell);
                S next = cell.step(tape, embedding.lookup(tape, current), state);
                double[] logits = head.apply(next.output()).toArray()[0];
                current = sampler.sample(logits);
                out[i] = current;
                carried = CarriedState.of(next);
                tape.reset();
            }
        }
        return out;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(embedding.parameters());
        all.addAll(cell.parameters());
        all.addAll(head.parameters());
        return all;
    }

    /** Logits for every output of a chunk. */
    List<Var> logits(List<Var> outputs) {
        List<Var> out = new ArrayList<>(outputs.size());
        for (Var h : outputs) {
            out.add(head.apply(h));
        }
        return out;
    }
}
