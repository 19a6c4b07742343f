package org.tapegrad.layers;

import java.util.List;
import java.util.Random;

import org.tapegrad.tape.Parameter;
import org.tapegrad.tape.Tape;
import org.tapegrad.tape.Var;

/**
 * A lookup table {@code <name>.table} of shape {@code V×E}: token ids in, their rows out ({@code B×E}). The
 * gradient of a row used several times in a batch is the sum of its uses. Equal to a one-hot {@code B×V} input
 * times the table, without the matmul. PyTorch's {@code nn.Embedding.weight} has the same layout.
 */
public final class Embedding implements HasParameters {

    private final String name;
    private final Parameter table;

    /**
     * A table initialized as PyTorch's {@code nn.Embedding}: standard normal entries drawn from {@code random}, column
     * by column (element (0,0), (1,0), …, (0,1), …).
     */
    public Embedding(String name, int vocabularySize, int dimension, Random random) {
        if (vocabularySize < 1 || dimension < 1) {
            throw new IllegalArgumentException(name + ": vocabulary size and dimension must be at least 1, got V=" + vocabularySize + ", E=" + dimension);
        }
        this.name = name;
        this.table = new Parameter(name + ".table", vocabularySize, dimension);
        double[][] values = new double[vocabularySize][dimension];
        // Column by column: the order the table has always been drawn in, so seeded models keep their weights.
        for (int j = 0; j < dimension; j++) {
            for (int i = 0; i < vocabularySize; i++) {
                values[i][j] = random.nextGaussian();
            }
        }
        table.assign(values);
    }

    /**
     * The rows of {@code ids} ({@code B×E}, row i is the vector of {@code ids[i]}).
     *
     * @throws IllegalArgumentException if an id is outside {@code 0..V−1}
     */
    public Var lookup(Tape tape, int... ids) {
        int v = vocabularySize();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= v) {
                throw new IllegalArgumentException(name + ": token id " + ids[i] + " at position " + i + " is outside 0.." + (v - 1));
            }
        }
        return tape.param(table).gatherRows(ids);
    }

    public int vocabularySize() {
        return table.shape().rows();
    }

    public int dimension() {
        return table.shape().cols();
    }

    /** The table {@code V×E}. */
    public Parameter table() {
        return table;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(table);
    }
}
