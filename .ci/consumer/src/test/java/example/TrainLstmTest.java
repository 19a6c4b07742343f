package example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The consumer's own test: tapegrad resolves from the local repository, trains, and the loss falls. */
class TrainLstmTest {

    @Test
    void theLossFalls() {
        double[] losses = TrainLstm.train();
        assertTrue(losses[1] < losses[0], "last-20 mean loss " + losses[1] + " vs first-20 " + losses[0]);
    }
}
