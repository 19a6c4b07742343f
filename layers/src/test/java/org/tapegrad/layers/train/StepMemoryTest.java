package org.tapegrad.layers.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.tapegrad.layers.cell.Cell;
import org.tapegrad.layers.cell.FusedCell;
import org.tapegrad.layers.cell.GruCell;
import org.tapegrad.layers.cell.LstmCell;
import org.tapegrad.layers.cell.RnnCell;
import org.tapegrad.layers.cell.StackedCell;
import org.tapegrad.op.DType;
import org.tapegrad.tape.Tape;

/**
 * {@link StepMemory#probe} against the recordings it stands for. The batch sizes straddle the vector GEMM's tile
 * heights (8 and 16 rows with 256-bit vectors, 16 and 32 with 512-bit ones), where whether a weight is packed into
 * panels changes: the first probe, two and three steps, was 4 % off there on an AVX2 machine.
 */
class StepMemoryTest {

    private static final int[] BATCHES = {1, 7, 8, 9, 16, 17, 32, 33};

    private static List<Supplier<Cell<?>>> cells() {
        return List.of(
                () -> new LstmCell("lstm", 3, 4, new Random(1)),
                () -> new GruCell("gru", 3, 5, GruCell.Variant.values()[0], new Random(2)),
                () -> new RnnCell("rnn", 3, 6, RnnCell.Activation.TANH, new Random(3)),
                () -> StackedCell.of(new LstmCell("l0", 3, 4, new Random(4)), new GruCell("l1", 4, 3, GruCell.Variant.values()[0], new Random(5))),
                () -> FusedCell.of(new LstmCell("fused", 3, 4, new Random(6))));
    }

    @Test
    void theLineThroughThreeAndFourStepsIsEveryLongerSegmentAndBoundsTheShorterOnes() {
        for (Supplier<Cell<?>> make : cells()) {
            for (DType dtype : DType.values()) {
                Cell<?> cell = make.get();
                cell.parameters().forEach(p -> p.to(dtype));
                for (int batch : BATCHES) {
                    StepMemory memory = StepMemory.probe(cell, batch);
                    Tape tape = new Tape(dtype);
                    for (int steps = 1; steps <= 7; steps++) {
                        long held = StepMemory.probeSegment(tape, cell, batch, steps);
                        String what = cell.getClass().getSimpleName() + " " + dtype + " B=" + batch + " L=" + steps;
                        if (steps >= 3) {
                            assertEquals(memory.segmentBytes(steps), held, what);
                        } else {
                            assertTrue(memory.segmentBytes(steps) >= held, what + ": estimated " + memory.segmentBytes(steps) + ", held " + held);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aFloat32StepHoldsHalfTheBytesOfAFloat64OneAtEveryBatch() {
        for (Supplier<Cell<?>> make : cells()) {
            Cell<?> cell = make.get();
            for (int batch : BATCHES) {
                long f64 = StepMemory.probe(cell, batch).bytesPerStep();
                cell.parameters().forEach(p -> p.to(DType.F32));
                long f32 = StepMemory.probe(cell, batch).bytesPerStep();
                cell.parameters().forEach(p -> p.to(DType.F64));
                assertEquals(f64, 2 * f32, cell.getClass().getSimpleName() + " B=" + batch);
            }
        }
    }
}
